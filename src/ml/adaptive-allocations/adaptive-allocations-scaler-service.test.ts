import type { Clock } from './adaptive-allocations-scaler';
import { AdaptiveAllocationsScalerService, ScaledDeployment } from './adaptive-allocations-scaler-service';

class ManualClock implements Clock {
  time = 0;
  now(): number {
    return this.time;
  }
}

/**
 * A deployment with min 0 and max 2 allocations driven through ramp-up, steady
 * load, the scale-up cooldown, ramp-down and scale to zero, one run every 10 s.
 * The expected decisions and their times were computed by hand from
 * Elasticsearch's formulas (Kalman filters with smoothing 100, thresholds 0.9 /
 * 0.85, 5-minute cooldown, scale to zero after 15 idle minutes).
 */
describe('AdaptiveAllocationsScalerService', () => {
  it('scales up, waits out the cooldown, scales down, then to zero', async () => {
    const clock = new ManualClock();
    const deployment: ScaledDeployment = {
      deploymentId: 'my-elser-model',
      adaptiveAllocations: { enabled: true, min_number_of_allocations: 0, max_number_of_allocations: 2 },
      numberOfAllocations: 1,
      nodes: { node: { successCount: 0, pendingCount: 0, failedCount: 0, inferenceTime: 0 } },
    };
    const applied: [number, number][] = [];
    const audits: string[] = [];
    const service = new AdaptiveAllocationsScalerService({
      deployments: () => [deployment],
      updateNumberOfAllocations: async (_id, n) => {
        applied.push([clock.time, n]);
        deployment.numberOfAllocations = n;
      },
      audit: (level, _id, message) => audits.push(`${level}: ${message}`),
      clock,
      scaleToZeroAfterMs: 15 * 60_000,
    });

    for (let run = 0; run < 100; run++) {
      clock.time = 10_000 * (run + 1);
      if (run >= 1 && run <= 4) {
        // 100 inferences of 150 ms each in this interval; the stats carry the cumulative average in ms / 1000.
        const node = deployment.nodes.node;
        deployment.nodes = { node: { ...node, successCount: node.successCount + 100, inferenceTime: 0.15 } };
      }
      await service.trigger();
    }

    expect(applied).toEqual([
      [20_000, 2],
      [320_000, 1],
      [960_000, 0],
    ]);
    expect(audits).toEqual([
      'info: adaptive allocations scaler: scaled [my-elser-model] to [2] allocations.',
      'info: adaptive allocations scaler: scaled [my-elser-model] to [1] allocations.',
      'info: adaptive allocations scaler: scaled [my-elser-model] to [0] allocations.',
    ]);
  });

  it('reports a failed update with the warning audit text', async () => {
    const clock = new ManualClock();
    let successCount = 0;
    const service = new AdaptiveAllocationsScalerService({
      deployments: () => [
        {
          deploymentId: 'd',
          adaptiveAllocations: { enabled: true, max_number_of_allocations: 4 },
          numberOfAllocations: 1,
          nodes: { node: { successCount, pendingCount: 0, failedCount: 0, inferenceTime: 0.5 } },
        },
      ],
      updateNumberOfAllocations: async () => {
        throw new Error('no capacity');
      },
      audit: (level, _id, message) => audits.push(`${level}: ${message}`),
      clock,
    });
    const audits: string[] = [];
    clock.time = 10_000;
    await service.trigger();
    successCount = 100;
    clock.time = 20_000;
    await service.trigger();
    expect(audits).toEqual(['warning: adaptive allocations scaler: scaling [d] to [4] allocations failed.']);
  });

  it('ignores deployments without adaptive allocations', async () => {
    const applied: number[] = [];
    const service = new AdaptiveAllocationsScalerService({
      deployments: () => [{ deploymentId: 'fixed', numberOfAllocations: 1, nodes: {} }],
      updateNumberOfAllocations: async (_id, n) => void applied.push(n),
      audit: () => undefined,
      clock: new ManualClock(),
    });
    await service.trigger();
    await service.trigger();
    expect(service.scalerOf('fixed')).toBeUndefined();
    expect(applied).toEqual([]);
  });
});

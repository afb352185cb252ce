import { AdaptiveAllocationsScaler, Clock } from './adaptive-allocations-scaler';
import { KalmanFilter1d } from './kalman-filter-1d';
import type { ScalerStats } from './scaler-stats';

class ManualClock implements Clock {
  constructor(private time = 0) {}
  now(): number {
    return this.time;
  }
  advance(ms: number): void {
    this.time += ms;
  }
}

const busy = (successCount: number, inferenceTime: number): ScalerStats => ({
  successCount,
  pendingCount: 0,
  failedCount: 0,
  inferenceTime,
});
const idle: ScalerStats = { successCount: 0, pendingCount: 0, failedCount: 0, inferenceTime: NaN };

/**
 * Every expected value below was computed by hand from the formulas of
 * Elasticsearch's KalmanFilter1d and AdaptiveAllocationsScaler (smoothing 100,
 * thresholds 0.9 / 0.85, 10 s interval).
 */
describe('KalmanFilter1d', () => {
  it('takes the first measurement as is, then smooths with a gain from the variances', () => {
    const filter = new KalmanFilter1d(100, true);
    filter.add(10, 1, false);
    expect([filter.estimate(), filter.error()]).toEqual([10, 1]);
    // The first add marks the dynamics as changed, so the second injects value² of process noise.
    filter.add(10, 1, false);
    expect(filter.estimate()).toBe(10);
    expect(filter.error() ** 2).toBeCloseTo(0.990196078431369, 12);
  });

  it('detects a measurement ten standard deviations off as a change of dynamics', () => {
    const filter = new KalmanFilter1d(100, true);
    filter.add(10, 0.01, false);
    filter.add(10, 0.01, false);
    filter.add(10, 0.01, false);
    // The injected process noise is the new measurement squared, so the estimate jumps to it.
    filter.add(100, 0.01, false);
    expect(filter.estimate()).toBeGreaterThan(99.99);
    const slow = new KalmanFilter1d(100, false);
    [10, 10, 10].forEach((value) => slow.add(value, 0.01, false));
    slow.add(100, 0.01, false);
    expect(slow.estimate()).toBeCloseTo(40.49440477858632, 10);
  });
});

describe('AdaptiveAllocationsScaler', () => {
  it('scales up under load, holds while it lasts, and scales down once it is gone', () => {
    const clock = new ManualClock();
    const scaler = new AdaptiveAllocationsScaler('my-elser-model', { numberOfAllocations: 1, clock });
    scaler.setMinMaxNumberOfAllocations(1, 2);
    const ticks: [ScalerStats, number | undefined, number, number][] = [
      // stats of the interval, decision, loadLower, loadUpper
      [busy(100, 0.15), 2, 1.215, 1.8149999999999997],
      [busy(100, 0.15), undefined, 1.21632715157225, 1.813378730780691],
      [busy(100, 0.15), undefined, 1.2552209531721419, 1.7658890324272232],
      [busy(100, 0.15), undefined, 1.3129164968056173, 1.6994127877131577],
      [idle, undefined, 0.9634409998796651, 1.2732345385927861],
      [idle, undefined, 0.7000917005274986, 0.9486674024698972],
      [idle, 1, 0.5034788795914366, 0.7032310509294818],
      [idle, undefined, 0.3580759758232988, 0.5188861828456257],
    ];
    let allocations = 1;
    ticks.forEach(([stats, decision, lower, upper], i) => {
      clock.advance(10_000);
      scaler.process(stats, 10, allocations);
      const scaled = scaler.scale();
      expect({ tick: i + 1, scaled, lower: scaler.loadLower(), upper: scaler.loadUpper() }).toEqual({
        tick: i + 1,
        scaled: decision,
        lower: expect.closeTo(lower, 12),
        upper: expect.closeTo(upper, 12),
      });
      if (scaled !== undefined) allocations = scaled;
    });
    expect(scaler.requestRateEstimate()).toBeCloseTo(2.899802444145015, 12);
  });

  it('never exceeds the safeguard of 32 without a maximum, nor the maximum when set', () => {
    const unbounded = new AdaptiveAllocationsScaler('a', { numberOfAllocations: 1, clock: new ManualClock() });
    unbounded.process(busy(10_000, 1), 10, 1);
    expect(unbounded.scale()).toBe(32);
    expect(unbounded.neededAllocations).toBeGreaterThan(32);
    const bounded = new AdaptiveAllocationsScaler('b', { numberOfAllocations: 1, clock: new ManualClock() });
    bounded.setMinMaxNumberOfAllocations(undefined, 4);
    bounded.process(busy(10_000, 1), 10, 1);
    expect(bounded.scale()).toBe(4);
  });

  it('keeps the minimum even without load', () => {
    const scaler = new AdaptiveAllocationsScaler('a', { numberOfAllocations: 3, clock: new ManualClock() });
    scaler.setMinMaxNumberOfAllocations(3, 10);
    scaler.process(idle, 10, 3);
    expect(scaler.scale()).toBeUndefined();
  });

  it('scales to zero only after the idle time, and only when the minimum is 0 or unset', () => {
    const clock = new ManualClock();
    const scaler = new AdaptiveAllocationsScaler('a', { numberOfAllocations: 1, clock, scaleToZeroAfterMs: 15 * 60_000 });
    scaler.setMinMaxNumberOfAllocations(0, 4);
    const decisions: (number | undefined)[] = [];
    for (let tick = 1; tick <= 91; tick++) {
      clock.advance(10_000);
      scaler.process(idle, 10, decisions.includes(0) ? 0 : 1);
      decisions.push(scaler.scale());
    }
    // 90 ticks are exactly 15 minutes: not yet "longer than"; the 91st scales to zero.
    expect(decisions.slice(0, 90).every((d) => d === undefined)).toBe(true);
    expect(decisions[90]).toBe(0);

    const kept = new AdaptiveAllocationsScaler('b', { numberOfAllocations: 1, clock, scaleToZeroAfterMs: 15 * 60_000 });
    kept.setMinMaxNumberOfAllocations(1, 4);
    clock.advance(3_600_000);
    kept.process(idle, 10, 1);
    expect(kept.scale()).toBeUndefined();
  });
});

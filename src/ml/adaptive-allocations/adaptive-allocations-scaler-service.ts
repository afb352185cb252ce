import type { AdaptiveAllocations } from '../../inference/endpoint';
import { AdaptiveAllocationsScaler, Clock, systemClock } from './adaptive-allocations-scaler';
import { addStats, ScalerStats, subtractStats } from './scaler-stats';

/** Elasticsearch triggers the scalers every 10 seconds. */
export const DEFAULT_SCALER_INTERVAL_MS = 10_000;
/** After a scale-up, scaling down waits this long. */
export const SCALE_UP_COOLDOWN_MS = 5 * 60_000;

/** A deployment as the scaler service reads it from the deployment stats. */
export interface ScaledDeployment {
  deploymentId: string;
  adaptiveAllocations?: AdaptiveAllocations;
  /** The deployment's current number of allocations (its target). */
  numberOfAllocations: number;
  /** Cumulative counters per node id. */
  nodes: Record<string, ScalerStats>;
}

export interface ScalerServiceOptions {
  deployments(): ScaledDeployment[];
  /** Applies a decision, as `UpdateTrainedModelDeploymentAction` does. */
  updateNumberOfAllocations(deploymentId: string, numberOfAllocations: number): Promise<void>;
  /** Inference audit messages (`info` on success, `warning` on failure). */
  audit(level: 'info' | 'warning', deploymentId: string, message: string): void;
  intervalMs?: number;
  scaleToZeroAfterMs?: number;
  /** Elasticsearch's is 5 minutes; a faster interval may compress it in proportion. */
  cooldownMs?: number;
  clock?: Clock;
}

/**
 * Elasticsearch's `AdaptiveAllocationsScalerService`: one scaler per deployment
 * with adaptive allocations enabled, fed every interval with the counters
 * accumulated since the previous run, whose decisions are applied unless a
 * scale-down comes within the cooldown of the last scale-up.
 */
export class AdaptiveAllocationsScalerService {
  private readonly scalers = new Map<string, AdaptiveAllocationsScaler>();
  private readonly lastStats = new Map<string, Record<string, ScalerStats>>();
  private readonly lastScaleUp = new Map<string, number>();
  private lastRun?: number;
  private timer?: NodeJS.Timeout;
  private busy = false;
  private readonly clock: Clock;

  constructor(private readonly options: ScalerServiceOptions) {
    this.clock = options.clock ?? systemClock;
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.trigger(), this.options.intervalMs ?? DEFAULT_SCALER_INTERVAL_MS);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  scalerOf(deploymentId: string): AdaptiveAllocationsScaler | undefined {
    return this.scalers.get(deploymentId);
  }

  /** One run: refresh the scalers, read the counters, decide and apply. */
  async trigger(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      await this.run();
    } finally {
      this.busy = false;
    }
  }

  private async run(): Promise<void> {
    const deployments = this.options.deployments();
    this.updateScalers(deployments);
    const now = this.clock.now();
    const interval = this.lastRun === undefined ? undefined : (now - this.lastRun) / 1000;
    this.lastRun = now;

    const recent = new Map<string, ScalerStats>();
    for (const deployment of deployments) {
      if (!this.scalers.has(deployment.deploymentId)) continue;
      const previous = this.lastStats.get(deployment.deploymentId) ?? {};
      for (const [nodeId, stats] of Object.entries(deployment.nodes)) {
        const before = previous[nodeId];
        if (before === undefined) continue;
        const delta = subtractStats(stats, before);
        const sum = recent.get(deployment.deploymentId);
        recent.set(deployment.deploymentId, sum === undefined ? delta : addStats(sum, delta));
      }
      this.lastStats.set(deployment.deploymentId, { ...deployment.nodes });
    }
    if (interval === undefined) return;

    for (const deployment of deployments) {
      const stats = recent.get(deployment.deploymentId);
      const scaler = this.scalers.get(deployment.deploymentId);
      if (stats === undefined || scaler === undefined) continue;
      scaler.process(stats, interval, deployment.numberOfAllocations);
      const decision = scaler.scale();
      if (decision === undefined) continue;
      const current = deployment.numberOfAllocations;
      const lastScaleUp = this.lastScaleUp.get(deployment.deploymentId);
      const cooldown = this.options.cooldownMs ?? SCALE_UP_COOLDOWN_MS;
      if (decision < current && lastScaleUp !== undefined && now < lastScaleUp + cooldown) continue;
      if (decision > current) this.lastScaleUp.set(deployment.deploymentId, now);
      await this.apply(deployment.deploymentId, decision);
    }
  }

  private async apply(deploymentId: string, numberOfAllocations: number): Promise<void> {
    try {
      await this.options.updateNumberOfAllocations(deploymentId, numberOfAllocations);
      this.options.audit(
        'info',
        deploymentId,
        `adaptive allocations scaler: scaled [${deploymentId}] to [${numberOfAllocations}] allocations.`,
      );
    } catch {
      this.options.audit(
        'warning',
        deploymentId,
        `adaptive allocations scaler: scaling [${deploymentId}] to [${numberOfAllocations}] allocations failed.`,
      );
    }
  }

  private updateScalers(deployments: ScaledDeployment[]): void {
    const present = new Set<string>();
    for (const deployment of deployments) {
      present.add(deployment.deploymentId);
      const settings = deployment.adaptiveAllocations;
      if (settings?.enabled) {
        let scaler = this.scalers.get(deployment.deploymentId);
        if (!scaler) {
          scaler = new AdaptiveAllocationsScaler(deployment.deploymentId, {
            numberOfAllocations: deployment.numberOfAllocations,
            scaleToZeroAfterMs: this.options.scaleToZeroAfterMs,
            clock: this.clock,
          });
          this.scalers.set(deployment.deploymentId, scaler);
        }
        scaler.setMinMaxNumberOfAllocations(settings.min_number_of_allocations, settings.max_number_of_allocations);
      } else {
        this.forget(deployment.deploymentId);
      }
    }
    for (const id of [...this.scalers.keys()]) if (!present.has(id)) this.forget(id);
  }

  /** Drops a deployment's scaler, e.g. when adaptive allocations are turned off or the deployment stops. */
  forget(deploymentId: string): void {
    this.scalers.delete(deploymentId);
    this.lastStats.delete(deploymentId);
    this.lastScaleUp.delete(deploymentId);
  }
}

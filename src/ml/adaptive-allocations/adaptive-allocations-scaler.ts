import { KalmanFilter1d } from './kalman-filter-1d';
import { requestCount, ScalerStats } from './scaler-stats';

export const SCALE_UP_THRESHOLD = 0.9;
export const SCALE_DOWN_THRESHOLD = 0.85;
/** Without `max_number_of_allocations`, the scaler never goes above this. */
export const MAX_NUMBER_OF_ALLOCATIONS_SAFEGUARD = 32;

export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

export interface ScalerOptions {
  numberOfAllocations: number;
  /** Idle time after which a deployment whose minimum is 0 (or unset) goes to zero; undefined disables scaling to zero. */
  scaleToZeroAfterMs?: number;
  clock?: Clock;
}

/**
 * Decides one deployment's number of allocations from its measured load, as
 * Elasticsearch's `AdaptiveAllocationsScaler`: the request rate and the
 * inference time are each smoothed by a Kalman filter, and their product (the
 * load, in busy allocations) is compared with scale-up and scale-down
 * thresholds, bounded by min/max and a safeguard.
 */
export class AdaptiveAllocationsScaler {
  // A smoothing factor of 100 at 10 s sampling weighs roughly the last 15 minutes.
  private readonly requestRateEstimator = new KalmanFilter1d(100, true);
  // Inference time changes when allocations change, which is told to it explicitly instead.
  private readonly inferenceTimeEstimator = new KalmanFilter1d(100, false);
  private readonly clock: Clock;
  private lastRequestTime: number;
  private numberOfAllocations: number;
  private neededNumberOfAllocations: number;
  private minNumberOfAllocations?: number;
  private maxNumberOfAllocations?: number;
  private dynamicsChanged = false;

  constructor(
    readonly deploymentId: string,
    private readonly options: ScalerOptions,
  ) {
    this.clock = options.clock ?? systemClock;
    this.lastRequestTime = this.clock.now();
    this.numberOfAllocations = options.numberOfAllocations;
    this.neededNumberOfAllocations = options.numberOfAllocations;
  }

  setMinMaxNumberOfAllocations(min: number | undefined, max: number | undefined): void {
    this.minNumberOfAllocations = min;
    this.maxNumberOfAllocations = max;
  }

  /** Feeds one interval's counters; `numberOfAllocations` is the deployment's current allocation count. */
  process(stats: ScalerStats, intervalSeconds: number, numberOfAllocations: number): void {
    const count = requestCount(stats);
    if (count > 0) this.lastRequestTime = this.clock.now();

    // Poisson requests: the count's variance is its mean, at least one request.
    const requestRate = count / intervalSeconds;
    const rateEstimate = this.requestRateEstimator.hasValue() ? this.requestRateEstimator.estimate() : requestRate;
    const rateVariance = Math.max(1, rateEstimate * intervalSeconds) / intervalSeconds ** 2;
    this.requestRateEstimator.add(requestRate, rateVariance, false);

    if (count > 0 && !Number.isNaN(stats.inferenceTime)) {
      // The inference time's standard error is taken to equal its mean, divided over the measurements.
      const timeEstimate = this.inferenceTimeEstimator.hasValue() ? this.inferenceTimeEstimator.estimate() : stats.inferenceTime;
      this.inferenceTimeEstimator.add(stats.inferenceTime, timeEstimate ** 2 / count, this.dynamicsChanged);
    }
    this.numberOfAllocations = numberOfAllocations;
    this.dynamicsChanged = false;
  }

  loadLower(): number {
    const rate = Math.max(0, this.requestRateEstimator.lower());
    const time = Math.max(0, this.inferenceTimeEstimator.hasValue() ? this.inferenceTimeEstimator.lower() : 1);
    return rate * time;
  }

  loadUpper(): number {
    const time = this.inferenceTimeEstimator.hasValue() ? this.inferenceTimeEstimator.upper() : 1;
    return this.requestRateEstimator.upper() * time;
  }

  requestRateEstimate(): number | undefined {
    return this.requestRateEstimator.hasValue() ? this.requestRateEstimator.estimate() : undefined;
  }

  inferenceTimeEstimate(): number | undefined {
    return this.inferenceTimeEstimator.hasValue() ? this.inferenceTimeEstimator.estimate() : undefined;
  }

  get neededAllocations(): number {
    return this.neededNumberOfAllocations;
  }

  /** The new number of allocations, or undefined to keep the current one. */
  scale(): number | undefined {
    if (!this.requestRateEstimator.hasValue()) return undefined;
    const before = this.numberOfAllocations;
    let n = before;
    const lower = this.loadLower();
    while (lower / n > SCALE_UP_THRESHOLD) n++;
    const upper = this.loadUpper();
    while (n > 1 && upper / (n - 1) < SCALE_DOWN_THRESHOLD) n--;
    this.neededNumberOfAllocations = n;

    if (this.maxNumberOfAllocations === undefined) n = Math.min(n, MAX_NUMBER_OF_ALLOCATIONS_SAFEGUARD);
    if (this.minNumberOfAllocations !== undefined) n = Math.max(n, this.minNumberOfAllocations);
    if (this.maxNumberOfAllocations !== undefined) n = Math.min(n, this.maxNumberOfAllocations);
    const idleFor = this.clock.now() - this.lastRequestTime;
    if (
      this.options.scaleToZeroAfterMs !== undefined &&
      (this.minNumberOfAllocations === undefined || this.minNumberOfAllocations === 0) &&
      idleFor > this.options.scaleToZeroAfterMs
    ) {
      n = 0;
      this.neededNumberOfAllocations = 0;
    }
    this.numberOfAllocations = n;
    if (n === before) return undefined;
    this.dynamicsChanged = true;
    return n;
  }
}

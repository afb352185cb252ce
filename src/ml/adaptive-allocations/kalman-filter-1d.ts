/**
 * Estimates the mean of a series of noisy measurements, as Elasticsearch's
 * adaptive allocations scaler does: a one-dimensional Kalman filter whose
 * steady-state smoothing is fixed, with extra process noise injected for a
 * step whenever the measured quantity is known (or detected) to have changed.
 */
export class KalmanFilter1d {
  private value = Number.MAX_VALUE;
  private variance = Number.MAX_VALUE;
  private dynamicsChangedLastTime = false;

  constructor(
    private readonly smoothingFactor: number,
    private readonly autodetectDynamicsChange: boolean,
  ) {}

  /** Adds a measurement with its variance; `dynamicsChangedExternally` says the quantity may have changed before it. */
  add(value: number, variance: number, dynamicsChangedExternally: boolean): void {
    let dynamicsChanged: boolean;
    if (!this.hasValue()) {
      dynamicsChanged = true;
      this.value = value;
      this.variance = variance;
    } else {
      let processVariance = variance / this.smoothingFactor;
      dynamicsChanged = dynamicsChangedExternally || this.detectDynamicsChange(value, variance);
      if (dynamicsChanged || this.dynamicsChangedLastTime) processVariance = value ** 2;
      const gain = (this.variance + processVariance) / (this.variance + processVariance + variance);
      this.value += gain * (value - this.value);
      this.variance = (1 - gain) * (this.variance + processVariance);
    }
    this.dynamicsChangedLastTime = dynamicsChanged;
  }

  hasValue(): boolean {
    return this.value < Number.MAX_VALUE && this.variance < Number.MAX_VALUE;
  }

  estimate(): number {
    return this.value;
  }

  error(): number {
    return Math.sqrt(this.variance);
  }

  lower(): number {
    return this.value - this.error();
  }

  upper(): number {
    return this.value + this.error();
  }

  /** A measurement ten standard deviations off the estimate means the dynamics changed. */
  private detectDynamicsChange(value: number, variance: number): boolean {
    return this.hasValue() && this.autodetectDynamicsChange && Math.abs(value - this.value) ** 2 / (variance + this.variance) > 100;
  }
}

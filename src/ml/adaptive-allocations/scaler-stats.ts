/**
 * Inference counters of a deployment on a node over an interval, as the
 * adaptive allocations scaler reads them from the deployment stats:
 * `inferenceTime` is the average per-inference time in seconds (NaN when
 * nothing succeeded).
 */
export interface ScalerStats {
  successCount: number;
  pendingCount: number;
  failedCount: number;
  inferenceTime: number;
}

export const requestCount = (stats: ScalerStats) => stats.successCount + stats.pendingCount + stats.failedCount;

const totalInferenceTime = (stats: ScalerStats) => stats.successCount * stats.inferenceTime;

export function addStats(a: ScalerStats, b: ScalerStats): ScalerStats {
  const successCount = a.successCount + b.successCount;
  return {
    successCount,
    pendingCount: a.pendingCount + b.pendingCount,
    failedCount: a.failedCount + b.failedCount,
    inferenceTime: successCount > 0 ? (totalInferenceTime(a) + totalInferenceTime(b)) / successCount : NaN,
  };
}

/** The counters accumulated since `earlier` (each clamped at zero). */
export function subtractStats(later: ScalerStats, earlier: ScalerStats): ScalerStats {
  const successCount = Math.max(0, later.successCount - earlier.successCount);
  return {
    successCount,
    pendingCount: Math.max(0, later.pendingCount - earlier.pendingCount),
    failedCount: Math.max(0, later.failedCount - earlier.failedCount),
    inferenceTime: successCount > 0 ? (totalInferenceTime(later) - totalInferenceTime(earlier)) / successCount : NaN,
  };
}

import type { InferenceSession } from 'onnxruntime-node';
import type { AllocationSessionOptions } from './protocol';

/**
 * One allocation's session: `threads` intra-op threads and sequential
 * execution (the inter-op pool is unused then, so it gets a single thread).
 */
export function sessionOptionsFor(threads: number, options: AllocationSessionOptions = {}): InferenceSession.SessionOptions {
  return {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
    enableCpuMemArena: options.memoryArena ?? false,
    // The Node binding accepts only string values in `extra`.
    extra: { session: { intra_op: { allow_spinning: options.allowSpinning ? '1' : '0' } } },
  };
}

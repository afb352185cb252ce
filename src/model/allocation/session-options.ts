import * as path from 'node:path';
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
    enableCpuMemArena: options.memoryArena ?? true,
    // The Node binding accepts only string values in `extra`.
    extra: { session: { intra_op: spinning(options) } },
  };
}

/** `spinDurationUs` by default. */
export const DEFAULT_SPIN_DURATION_US = 100;

function spinning(options: AllocationSessionOptions): Record<string, string> {
  if (options.allowSpinning === false) return { allow_spinning: '0' };
  return { allow_spinning: '1', spin_duration_us: String(options.spinDurationUs ?? DEFAULT_SPIN_DURATION_US) };
}

/** `maxRunTokens` by default: one sequence of the longest length ELSER accepts. */
export const DEFAULT_MAX_RUN_TOKENS = 512;

export const SHARED_MODEL_FILE = 'model.onnx';
export const SHARED_WEIGHTS_FILE = 'model.weights';

/**
 * The options under which a session writes the model other allocations
 * share: optimized as they would optimize it, every initializer of 1 kB or
 * more moved to an external data file (onnxruntime aligns the large ones so
 * that a later load memory-maps them) together with the pre-packed forms the
 * CPU kernels make of their weights, which a later load maps instead of
 * packing private copies.
 */
export function sharedModelWriterOptions(
  threads: number,
  options: AllocationSessionOptions,
  directory: string,
): InferenceSession.SessionOptions {
  const base = sessionOptionsFor(threads, options);
  return {
    ...base,
    optimizedModelFilePath: path.join(directory, SHARED_MODEL_FILE),
    // Quiet onnxruntime's warning that a model optimized at this level may only suit this machine: it never leaves it.
    logSeverityLevel: 3,
    extra: {
      session: {
        ...(base.extra as { session: Record<string, unknown> }).session,
        optimized_model_external_initializers_file_name: SHARED_WEIGHTS_FILE,
        optimized_model_external_initializers_min_size_in_bytes: '1024',
        save_external_prepacked_constant_initializers: '1',
      },
    },
  };
}

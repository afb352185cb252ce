import type { SparseModelSignature, SparseVector } from '../sparse-model-signature';

export interface AllocationSessionOptions {
  /**
   * ORT's `session.intra_op.allow_spinning`. Spinning idle intra-op threads
   * shave latency but burn CPU that other allocations could use; off by default.
   */
  allowSpinning?: boolean;
  /**
   * ORT's CPU memory arena, off by default: it keeps each session's peak
   * allocation for good. Measured on the built-in model, one thread: a
   * [10, 512] batch took 3.5 s with the arena and left RSS at 3.3 GB, against
   * 1.9 s and 166 MB without; an 11-token query took 4 ms either way.
   */
  memoryArena?: boolean;
}

/** What an allocation worker loads: the model bytes (shared when backed by a SharedArrayBuffer) or a file. */
export type ModelSource = { model: Uint8Array; modelPath?: undefined } | { modelPath: string; model?: undefined };

/** The worker's `workerData`. */
export type WorkerInit = ModelSource & {
  signature: SparseModelSignature;
  /** `threads_per_allocation`: ORT's intra-op thread count. */
  threads: number;
  sessionOptions?: AllocationSessionOptions;
  /** Fills the input ids past each sequence's end; the attention mask hides it anyway. */
  padTokenId?: number;
};

/** Token id sequences of one batch, concatenated: row `r` is `lengths[r]` ids long. */
export interface TokenBatch {
  ids: Int32Array;
  lengths: Int32Array;
}

/** Wall-clock instants (ms since the epoch, sub-millisecond) taken in the worker around `session.run`. */
export interface RunTiming {
  startTime: number;
  endTime: number;
}

/** One batch's answer: each row's non-zero weights, ids ascending, in batch order. */
export interface RunResult extends RunTiming {
  rows: SparseVector[];
}

/**
 * `close` releases the session and lets the worker end; `exit` ends it at once
 * with `code`, as a crash would. Both take effect between runs: terminating a
 * worker inside onnxruntime-node's native `create` or `run` aborts the whole
 * process ("terminate called after throwing an instance of 'Napi::Error'").
 */
export type ToWorker = ({ type: 'run'; runId: number } & TokenBatch) | { type: 'close' } | { type: 'exit'; code: number };

export type FromWorker =
  | { type: 'ready' }
  | { type: 'start-failed'; message: string }
  | ({ type: 'result'; runId: number } & RunResult)
  | { type: 'run-failed'; runId: number; message: string };

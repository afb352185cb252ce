import type { SparseModelSignature, SparseVector } from '../sparse-model-signature';

export interface AllocationSessionOptions {
  /**
   * ORT's `session.intra_op.allow_spinning`, on by default but only for
   * `spinDurationUs` at a time: between the parallel sections of a run, an
   * intra-op thread that spins picks up the next section at once instead of
   * sleeping and being woken for each. Measured on BERT-base at 256 tokens on
   * two threads: int8 +27 % over not spinning (fp32 +1–3 %), and ORT's own
   * longer spinning 8 % below the bounded one; after a run the threads sleep
   * within the bound rather than burn CPU the HTTP thread and other
   * allocations need. Irrelevant with one thread per allocation.
   */
  allowSpinning?: boolean;
  /** How long an idle intra-op thread spins before it sleeps, in µs (`session.intra_op.spin_duration_us`; default 100). */
  spinDurationUs?: number;
  /**
   * ORT's CPU memory arena, on by default. Without it every run maps fresh
   * memory for its intermediate tensors and faults it in page by page, twice
   * the page faults of a run with it: on BERT-base at 256 tokens up to 5 %
   * more CPU time in fp32 and 10 % in int8 (whose dequantization adds a
   * tensor per linear layer), and a [10, 512] batch of the built-in int8
   * model took 1.6 times as long. The arena keeps the largest run's memory for
   * good, so runs are capped at `maxRunTokens` padded tokens (see below):
   * after a 512-token run it holds about 200 MB, the [512, 30522] logits and
   * their neighbours, whatever the model (measured on the built-in and
   * BERT-base models), instead of 2.7 GB after a [10, 512] batch in one run.
   */
  memoryArena?: boolean;
  /**
   * The most padded tokens (rows × longest row) one `session.run` takes
   * (default 512, one longest sequence); a larger batch runs in several
   * parts, each padded to the batch's longest row as the whole would be.
   */
  maxRunTokens?: number;
  /**
   * Whether the allocations of a pool map one copy of the model's weights
   * instead of each holding a private one (about 750 MB for BERT-base in
   * fp32). The pool has onnxruntime write the model, optimized, with its
   * weights and their pre-packed forms as external data, to a temporary
   * directory (in a child process), and every allocation memory-maps that.
   * Trade-offs: one extra model load when the deployment starts (seconds for
   * BERT-base), the files' size on disk (about twice the model) while the pool
   * runs, and mapped weights are page cache, which the system may evict under
   * memory pressure and read back on the next run. By default on for models
   * of 64 MiB or more, where the saving is worth it.
   */
  sharedWeights?: boolean;
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

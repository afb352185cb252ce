/** A typed tensor as it crosses a process or thread boundary. */
export interface FeedTensor {
  type: 'int64' | 'float32';
  data: BigInt64Array | Float32Array;
  dims: number[];
}

/** One `session.run` input set: tensors by input name. */
export type FeedSet = Record<string, FeedTensor>;

/** ORT options of the raw baseline beyond the thread count; see `rawSessionOptions`. */
export type RawSessionExtras = Record<string, unknown>;

export interface RawLoad {
  model: string;
  /** Workers, each with its own session: the raw counterpart of allocations. */
  workers: number;
  threads: number;
  extras?: RawSessionExtras;
}

/** Runs `feeds` round robin on every worker for `seconds` after `warmupSeconds`. */
export interface RawMeasure {
  feeds: FeedSet[];
  seconds: number;
  warmupSeconds: number;
  /** Stop after this many runs per worker; unlimited by default. */
  maxRuns?: number;
  /** Go on past `seconds` (up to four times as long) until each worker has measured this many runs. */
  minRuns?: number;
  /** Only the first this many workers run (one, for a latency probe); all by default. */
  workers?: number;
}

/** Wall-clock completion instants (ms since the epoch) and run latencies. */
export interface Timings {
  instants: number[];
  latenciesMs: number[];
}

export type ToRawRunner = { type: 'load'; load: RawLoad } | { type: 'measure'; measure: RawMeasure } | { type: 'close' };

export type FromRawRunner =
  { type: 'loaded'; loadMs: number } | { type: 'measured'; timings: Timings } | { type: 'failed'; message: string };

export type ToRawWorker = { type: 'measure'; measure: RawMeasure; startAt: number } | { type: 'close' };

export type FromRawWorker =
  { type: 'ready'; loadMs: number } | { type: 'measured'; timings: Timings } | { type: 'failed'; message: string };

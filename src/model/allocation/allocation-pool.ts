import { promises as fs } from 'node:fs';
import type { SparseEmbedding, SparseEncoder } from '../../inference/sparse-embedding';
import { BUILTIN_SIGNATURE, type SparseModelSignature } from '../sparse-model-signature';
import { BertWordPieceTokenizer, type Encoding, type TokenizationOptions } from '../tokenizer';
import { processStopping } from './inference-errors';
import { type AllocationState, type AllocationStats, ModelAllocation } from './model-allocation';
import type { AllocationSessionOptions, ModelSource, RunTiming, TokenBatch, WorkerInit } from './protocol';
import { DEFAULT_MAX_RUN_TOKENS } from './session-options';
import { deriveSharedModel, type SharedModel } from './shared-model';
import { sanitizedVocabulary, toSparseEmbedding } from './text-expansion';
import { EMBEDDING_MAX_BATCH_SIZE, packBatch, splitIntoBatches } from './token-batches';

/** `ProcessContext.NUM_RESTART_ATTEMPTS`: crashed processes restarted within 24 hours before the deployment fails. */
export const NUM_RESTART_ATTEMPTS = 3;
const RESTART_WINDOW_MS = 24 * 60 * 60 * 1000;

export interface AllocationPoolOptions {
  /** The model file, or its bytes (one copy for all allocations when backed by a SharedArrayBuffer). */
  model: string | Uint8Array;
  vocabulary: readonly string[];
  /** By default the built-in model's signature. */
  signature?: SparseModelSignature;
  numberOfAllocations: number;
  threadsPerAllocation: number;
  sessionOptions?: AllocationSessionOptions;
  tokenization?: Partial<TokenizationOptions>;
  /** Crashed allocations replaced within 24 hours before the pool stops replacing them. */
  maxRestarts?: number;
  onAllocationDied?: (event: { allocationId: number; reason: string; replaced: boolean }) => void;
  onBatchCompleted?: (event: BatchCompleted) => void;
  /** Run queued batches of different requests together when they fit in one batch (default true). */
  dynamicBatching?: boolean;
}

/** One batch's run, timed by the worker that ran it. */
export interface BatchCompleted extends RunTiming {
  allocationId: number;
  threadId: number | undefined;
  inputs: number;
}

export interface AllocationStatsSnapshot extends AllocationStats {
  id: number;
  threadId: number | undefined;
  state: AllocationState;
}

export interface AllocationPoolStats {
  /** The number of allocations asked for. */
  numberOfAllocations: number;
  /** Batches waiting for an idle allocation. */
  pendingCount: number;
  /** Batches that failed. */
  errorCount: number;
  allocations: AllocationStatsSnapshot[];
}

interface Request {
  failed: boolean;
}

interface Job {
  batch: TokenBatch;
  encodings: Encoding[];
  request: Request;
  resolve(embeddings: SparseEmbedding[]): void;
  reject(error: unknown): void;
}

/**
 * One deployment: `numberOfAllocations` worker allocations behind a FIFO
 * queue of batches of at most `EMBEDDING_MAX_BATCH_SIZE` inputs. Tokenization
 * and post-processing run on the calling thread, inference in the workers.
 */
export class AllocationPool implements SparseEncoder {
  private readonly tokenizer: BertWordPieceTokenizer;
  private readonly tokens: readonly string[];
  private readonly init: WorkerInit;
  /** Allocations counted toward the target: starting, ready or busy. */
  private readonly members = new Set<ModelAllocation>();
  /** Allocations let go while busy, with what to call once they have stopped. */
  private readonly retiring = new Map<ModelAllocation, () => void>();
  private readonly queue: Job[] = [];
  private readonly crashTimes: number[] = [];
  private target = 0;
  private errorCount = 0;
  /** The model file the allocations map, once written; see `AllocationSessionOptions.sharedWeights`. */
  private sharedModel?: Promise<SharedModel | undefined>;
  private sharesWeights?: Promise<boolean>;
  private sharedModelFile?: string;
  /** Why the pool has no allocation left and none coming; cleared when one starts. */
  private failure?: unknown;
  private closing?: Promise<void>;
  /** Aborted on close: stops work the pool started for itself, such as writing the shared model. */
  private readonly lifetime = new AbortController();

  private constructor(private readonly options: AllocationPoolOptions) {
    if (!Number.isInteger(options.threadsPerAllocation) || options.threadsPerAllocation < 1) {
      throw new RangeError(`threadsPerAllocation must be a positive integer, got ${options.threadsPerAllocation}`);
    }
    ({ tokenizer: this.tokenizer, tokens: this.tokens } = vocabularyViews(options.vocabulary, options.tokenization));
    const source = typeof options.model === 'string' ? { modelPath: options.model } : { model: options.model };
    this.init = {
      ...source,
      signature: options.signature ?? BUILTIN_SIGNATURE(options.vocabulary.length),
      threads: options.threadsPerAllocation,
      sessionOptions: options.sessionOptions,
      padTokenId: this.tokenizer.specialTokenIds.pad,
    };
  }

  /** Starts the pool; resolves once every allocation has loaded the model. */
  static async start(options: AllocationPoolOptions): Promise<AllocationPool> {
    const pool = new AllocationPool(options);
    try {
      await pool.setAllocations(options.numberOfAllocations);
    } catch (error) {
      await pool.close();
      throw error;
    }
    return pool;
  }

  get numberOfAllocations(): number {
    return this.target;
  }

  /** The model file the allocations share, once written; see `AllocationSessionOptions.sharedWeights`. */
  get sharedModelPath(): string | undefined {
    return this.sharedModelFile;
  }

  /** The allocations counted toward the target. */
  get allocations(): readonly ModelAllocation[] {
    return [...this.members];
  }

  async encode(texts: readonly string[]): Promise<SparseEmbedding[]> {
    if (this.closing) throw processStopping();
    if (this.members.size === 0 && this.failure !== undefined) throw this.failure;
    const encodings = texts.map((text) => this.tokenizer.encode(text));
    const request: Request = { failed: false };
    const batches = splitIntoBatches(encodings).map((batch) => this.enqueue(batch, request));
    this.dispatch();
    try {
      return (await Promise.all(batches)).flat();
    } catch (error) {
      // The request's batches still queued are dropped when their turn comes.
      request.failed = true;
      throw error;
    }
  }

  /**
   * Grows or shrinks the pool. Resolves once new allocations are ready and
   * removed ones have stopped; a removed allocation finishes its batch first.
   */
  async setAllocations(count: number): Promise<void> {
    if (!Number.isInteger(count) || count < 0) {
      throw new RangeError(`the number of allocations must be a non-negative integer, got ${count}`);
    }
    if (this.closing) throw processStopping();
    this.target = count;
    const changes: Promise<void>[] = [];
    while (this.members.size < count) changes.push(this.launch());
    while (this.members.size > count) changes.push(this.retire(this.leastUseful()));
    const failure = (await Promise.allSettled(changes)).find((outcome) => outcome.status === 'rejected');
    if (failure) throw failure.reason;
  }

  stats(): AllocationPoolStats {
    return {
      numberOfAllocations: this.target,
      pendingCount: this.queue.filter((job) => !job.request.failed).length,
      errorCount: this.errorCount,
      allocations: [...this.members].map((allocation) => ({
        id: allocation.id,
        threadId: allocation.threadId,
        state: allocation.state,
        ...allocation.stats,
      })),
    };
  }

  /** Stops every allocation; queued and in-flight batches fail as canceled. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.lifetime.abort();
      this.failQueue(processStopping());
      const all = [...this.members, ...this.retiring.keys()];
      this.members.clear();
      await Promise.all(all.map((allocation) => allocation.stop()));
      await (await this.sharedModel)?.remove();
    })();
    return this.closing;
  }

  private enqueue(encodings: Encoding[], request: Request): Promise<SparseEmbedding[]> {
    return new Promise((resolve, reject) => this.queue.push({ batch: packBatch(encodings), encodings, request, resolve, reject }));
  }

  private dispatch(): void {
    while (this.queue.length > 0 && !this.closing) {
      const allocation = [...this.members].find((member) => member.state === 'ready');
      if (!allocation) return;
      const jobs = this.takeJobs();
      if (jobs.length > 0) this.execute(allocation, jobs);
    }
  }

  /**
   * The oldest job, joined by queued jobs of other requests of similar length
   * (within a factor of two of its longest input) while they fit in one batch
   * and in `DYNAMIC_BATCH_TOKENS` padded tokens (or one run, if shorter).
   * Candidates closest in length go first, so that a batch pads its rows as
   * little as possible: a plug-in model computes padding like any other token
   * (the built-in graphs skip it in their linear layers, but not in attention
   * and the vocabulary projection), and short queries gain from sharing a
   * model call only as long as it does not become compute-bound on padding.
   */
  private takeJobs(): Job[] {
    const first = this.queue.shift()!;
    if (first.request.failed) return [];
    const jobs = [first];
    if (this.options.dynamicBatching === false) return jobs;
    const length = longestInput(first);
    const budget = Math.min(this.options.sessionOptions?.maxRunTokens ?? DEFAULT_MAX_RUN_TOKENS, DYNAMIC_BATCH_TOKENS);
    const candidates: { job: Job; longest: number; position: number }[] = [];
    for (let position = 0; position < Math.min(this.queue.length, BATCHING_LOOKAHEAD); position++) {
      const job = this.queue[position];
      const longest = longestInput(job);
      if (!job.request.failed && longest <= 2 * length && length <= 2 * longest) candidates.push({ job, longest, position });
    }
    candidates.sort((a, b) => Math.abs(a.longest - length) - Math.abs(b.longest - length) || a.position - b.position);
    let inputs = first.encodings.length;
    let width = length;
    const taken: number[] = [];
    for (const candidate of candidates) {
      if (inputs >= EMBEDDING_MAX_BATCH_SIZE) break;
      const count = candidate.job.encodings.length;
      const padded = Math.max(width, candidate.longest);
      if (inputs + count > EMBEDDING_MAX_BATCH_SIZE || (inputs + count) * padded > budget) continue;
      taken.push(candidate.position);
      jobs.push(candidate.job);
      inputs += count;
      width = padded;
    }
    for (const position of taken.sort((a, b) => b - a)) this.queue.splice(position, 1);
    return jobs;
  }

  private execute(allocation: ModelAllocation, jobs: Job[]): void {
    const encodings = jobs.flatMap((job) => job.encodings);
    const batch = jobs.length === 1 ? jobs[0].batch : packBatch(encodings);
    // The allocation takes its next batch before this one's answers are built and sent, so that
    // the model runs while the main thread works on the responses.
    allocation.run(batch).then(
      (result) => {
        this.afterRun(allocation);
        this.options.onBatchCompleted?.({
          allocationId: allocation.id,
          threadId: allocation.threadId,
          inputs: encodings.length,
          startTime: result.startTime,
          endTime: result.endTime,
        });
        let row = 0;
        for (const job of jobs) {
          job.resolve(job.encodings.map((encoding) => toSparseEmbedding(result.rows[row++], this.tokens, encoding.truncated)));
        }
      },
      (error: unknown) => {
        this.afterRun(allocation);
        this.errorCount += jobs.length;
        for (const job of jobs) job.reject(error);
      },
    );
  }

  private afterRun(allocation: ModelAllocation): void {
    const stopped = this.retiring.get(allocation);
    if (stopped) {
      this.retiring.delete(allocation);
      void allocation.stop().then(stopped);
    }
    this.dispatch();
  }

  private async launch(): Promise<void> {
    const allocation = new ModelAllocation(this.init, { onDead: (dead, reason) => this.onDead(dead, reason) });
    this.members.add(allocation);
    try {
      const source = await this.sourceFor();
      // Removed or closed while the shared model was being written: it never starts.
      if (!this.members.has(allocation) || this.closing) return;
      await allocation.start(source);
    } catch (error) {
      // Not a member any more: removed or closed while loading, which is no failure.
      if (!this.members.delete(allocation)) return;
      if (this.members.size === 0) this.giveUp(error);
      throw error;
    }
    this.failure = undefined;
    this.dispatch();
  }

  /**
   * What an allocation loads: the shared model when weights are shared (it
   * is written the first time one is needed), otherwise or if it cannot be
   * written the model the pool was given.
   */
  private async sourceFor(): Promise<ModelSource | undefined> {
    this.sharesWeights ??= sharesWeights(this.options.model, this.options.sessionOptions?.sharedWeights);
    if (!(await this.sharesWeights) || this.closing) return undefined;
    this.sharedModel ??= deriveSharedModel(this.init, this.lifetime.signal).catch(() => undefined);
    const shared = await this.sharedModel;
    this.sharedModelFile = shared?.modelPath;
    return shared ? { modelPath: shared.modelPath, model: undefined } : undefined;
  }

  /** Loading allocations go first, then idle ones, then busy ones. */
  private leastUseful(): ModelAllocation {
    const rank = (allocation: ModelAllocation) => ['new', 'starting', 'ready', 'busy'].indexOf(allocation.state);
    return [...this.members].reduce((best, allocation) => (rank(allocation) < rank(best) ? allocation : best));
  }

  private retire(allocation: ModelAllocation): Promise<void> {
    this.members.delete(allocation);
    if (allocation.state !== 'busy') return allocation.stop();
    return new Promise((resolve) => this.retiring.set(allocation, resolve));
  }

  private onDead(allocation: ModelAllocation, reason: string): void {
    if (!this.members.delete(allocation) || this.closing) return;
    const now = Date.now();
    while (this.crashTimes.length > 0 && now - this.crashTimes[0] > RESTART_WINDOW_MS) this.crashTimes.shift();
    this.crashTimes.push(now);
    const replaced = this.crashTimes.length <= (this.options.maxRestarts ?? NUM_RESTART_ATTEMPTS);
    this.options.onAllocationDied?.({ allocationId: allocation.id, reason, replaced });
    if (replaced) {
      this.launch().catch(() => undefined);
    } else if (this.members.size === 0) {
      this.giveUp(processStopping());
    }
  }

  private giveUp(error: unknown): void {
    this.failure = error;
    this.failQueue(error);
  }

  private failQueue(error: unknown): void {
    for (const job of this.queue.splice(0)) {
      if (job.request.failed) continue;
      this.errorCount++;
      job.reject(error);
    }
  }
}

interface VocabularyViews {
  tokenizer: BertWordPieceTokenizer;
  tokens: readonly string[];
}

/**
 * Per vocabulary (the model cache hands every deployment of a model the same array) and
 * tokenization: building them blocks the event loop for about 15 ms, at each deployment start
 * otherwise. Both are read-only once built.
 */
const viewsByVocabulary = new WeakMap<readonly string[], Map<string, VocabularyViews>>();

function vocabularyViews(vocabulary: readonly string[], tokenization: Partial<TokenizationOptions> | undefined): VocabularyViews {
  let byTokenization = viewsByVocabulary.get(vocabulary);
  if (!byTokenization) viewsByVocabulary.set(vocabulary, (byTokenization = new Map()));
  const key = JSON.stringify(tokenization ?? {});
  let views = byTokenization.get(key);
  if (!views) {
    views = { tokenizer: new BertWordPieceTokenizer(vocabulary, tokenization), tokens: sanitizedVocabulary(vocabulary) };
    byTokenization.set(key, views);
  }
  return views;
}

/**
 * Padded tokens past which a batch takes no more companions: from about 128 rows a BERT-size model's
 * matrix products run at full speed, so a larger batch gains nothing, delays its first requests, and
 * with several allocations leaves one idle while another works through a double share.
 */
export const DYNAMIC_BATCH_TOKENS = 160;

/** How many queued jobs the batching looks through for companions of the oldest. */
const BATCHING_LOOKAHEAD = 64;

/** Models smaller than this load privately unless `sharedWeights` says otherwise: a second load costs more than they would save. */
export const SHARED_WEIGHTS_MIN_BYTES = 64 * 1024 * 1024;

async function sharesWeights(model: string | Uint8Array, option: boolean | undefined): Promise<boolean> {
  if (option !== undefined) return option;
  const size = typeof model === 'string' ? ((await fs.stat(model).catch(() => undefined))?.size ?? 0) : model.byteLength;
  return size >= SHARED_WEIGHTS_MIN_BYTES;
}

const longestInput = (job: Job) => job.encodings.reduce((longest, encoding) => Math.max(longest, encoding.ids.length), 0);

import { Worker } from 'node:worker_threads';
import { ElasticsearchException, statusException } from '../../errors/elasticsearch-exception';
import { inferenceProcessError, processStopping } from './inference-errors';
import type { FromWorker, ModelSource, RunResult, ToWorker, TokenBatch, WorkerInit } from './protocol';
import { allocationWorkerScript } from './worker-script';

/**
 * `new` → `starting` → `ready` ⇄ `busy`; `stop()` leads through `stopping` to
 * `stopped`; a worker that exits on its own while `ready` or `busy` is `dead`.
 */
export type AllocationState = 'new' | 'starting' | 'ready' | 'busy' | 'stopping' | 'stopped' | 'dead';

export interface AllocationStats {
  /** Batches run to completion. */
  inferenceCount: number;
  /** Time spent in `session.run`, summed over those batches. */
  totalInferenceTimeMs: number;
  /** When the last batch finished (ms since the epoch). */
  lastAccess?: number;
}

export interface ModelAllocationOptions {
  /** Called once if the worker exits or crashes on its own after it was ready. */
  onDead?: (allocation: ModelAllocation, reason: string) => void;
}

interface Deferred<T> {
  resolve(value: T): void;
  reject(error: ElasticsearchException): void;
}

/** The main-thread handle of one allocation: a worker thread owning one inference session. */
export class ModelAllocation {
  private static lastId = 0;
  readonly id = ++ModelAllocation.lastId;
  readonly stats: AllocationStats = { inferenceCount: 0, totalInferenceTimeMs: 0 };
  private current: AllocationState = 'new';
  private worker?: Worker;
  private exited: Promise<void> = Promise.resolve();
  private startup?: Deferred<void>;
  private inFlight?: Deferred<RunResult> & { runId: number };
  private lastRunId = 0;
  private crash?: Error;
  private loadFailure?: string;

  constructor(
    private init: WorkerInit,
    private readonly options: ModelAllocationOptions = {},
  ) {}

  get state(): AllocationState {
    return this.current;
  }

  /** The worker's `threadId`, once started. */
  get threadId(): number | undefined {
    return this.worker?.threadId;
  }

  /**
   * Starts the worker, loading `source` instead of the model it was created
   * with when given; resolves once its session is loaded, rejects with the
   * reason it could not load.
   */
  start(source?: ModelSource): Promise<void> {
    if (this.current !== 'new') return Promise.reject(new Error(`allocation ${this.id} was already started`));
    if (source) {
      this.init =
        source.model !== undefined
          ? { ...this.init, model: source.model, modelPath: undefined }
          : { ...this.init, modelPath: source.modelPath, model: undefined };
    }
    this.current = 'starting';
    const started = new Promise<void>((resolve, reject) => (this.startup = { resolve, reject }));
    const script = allocationWorkerScript();
    let worker: Worker;
    try {
      worker = new Worker(script.filename, { workerData: this.init, execArgv: script.execArgv });
    } catch (error) {
      this.current = 'stopped';
      return Promise.reject(error);
    }
    this.worker = worker;
    this.exited = new Promise((resolve) =>
      worker.once('exit', (code) => {
        this.onExit(code);
        resolve();
      }),
    );
    worker.on('message', (message: FromWorker) => this.onMessage(message));
    worker.on('error', (error) => (this.crash ??= error));
    return started;
  }

  /** Runs one batch. Only one batch may be in flight; its buffers are transferred to the worker. */
  run(batch: TokenBatch): Promise<RunResult> {
    if (this.current !== 'ready') {
      if (this.current === 'busy') return Promise.reject(new Error(`allocation ${this.id} already has a batch in flight`));
      return Promise.reject(processStopping());
    }
    this.current = 'busy';
    const runId = ++this.lastRunId;
    const result = new Promise<RunResult>((resolve, reject) => (this.inFlight = { runId, resolve, reject }));
    this.post({ type: 'run', runId, ids: batch.ids, lengths: batch.lengths }, [
      batch.ids.buffer as ArrayBuffer,
      batch.lengths.buffer as ArrayBuffer,
    ]);
    return result;
  }

  /**
   * Stops the worker: it releases its session and ends once it has finished
   * loading or running; a batch in flight fails at once as canceled.
   */
  async stop(): Promise<void> {
    if (this.current === 'new') {
      this.current = 'stopped';
      return;
    }
    if (this.current !== 'stopping' && this.current !== 'stopped' && this.current !== 'dead') {
      this.current = 'stopping';
      this.settle(processStopping());
      this.post({ type: 'close' });
    }
    return this.exited;
  }

  /**
   * Makes the worker exit as a crash would when it reads this message, that
   * is after any batch it is already running. A batch posted after this call
   * is in flight when the worker goes: it fails, and the allocation reports
   * itself dead.
   */
  kill(code = 1): void {
    if (this.current === 'ready' || this.current === 'busy') this.post({ type: 'exit', code });
  }

  private post(message: ToWorker, transfer: ArrayBuffer[] = []): void {
    this.worker!.postMessage(message, transfer);
  }

  private onMessage(message: FromWorker): void {
    switch (message.type) {
      case 'ready':
        if (this.current !== 'starting') return;
        this.current = 'ready';
        this.startup?.resolve();
        this.startup = undefined;
        return;
      case 'start-failed':
        // The worker ends by itself; start() rejects once it has.
        this.loadFailure = message.message;
        return;
      case 'result':
      case 'run-failed': {
        const pending = this.inFlight;
        if (!pending || pending.runId !== message.runId) return;
        this.inFlight = undefined;
        if (this.current === 'busy') this.current = 'ready';
        if (message.type === 'run-failed') {
          pending.reject(inferenceProcessError(message.message));
          return;
        }
        this.stats.inferenceCount++;
        this.stats.totalInferenceTimeMs += message.endTime - message.startTime;
        this.stats.lastAccess = message.endTime;
        pending.resolve({ rows: message.rows, startTime: message.startTime, endTime: message.endTime });
        return;
      }
    }
  }

  private onExit(code: number): void {
    const unexpected = this.current === 'ready' || this.current === 'busy';
    const wasStarting = this.current === 'starting';
    this.current = unexpected ? 'dead' : 'stopped';
    const reason = this.loadFailure ?? this.crash?.message ?? `worker exited with code [${code}]`;
    this.settle(wasStarting ? statusException(500, reason) : processStopping());
    if (unexpected) this.options.onDead?.(this, reason);
  }

  /** Fails whatever is still waiting on this allocation. */
  private settle(error: ElasticsearchException): void {
    this.startup?.reject(error);
    this.startup = undefined;
    this.inFlight?.reject(error);
    this.inFlight = undefined;
  }
}

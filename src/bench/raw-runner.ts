import { Worker } from 'node:worker_threads';
import { benchEntry } from './entries';
import type { FromRawRunner, FromRawWorker, RawLoad, Timings, ToRawRunner, ToRawWorker } from './protocol';

/*
 * The raw baseline's process: as many worker threads as the server has
 * allocations, each owning an InferenceSession with the same thread count.
 * A process of its own, so that its peak RSS is its own. Driven over IPC.
 */

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

class RawWorker {
  private readonly worker: Worker;
  private pending?: { resolve(message: FromRawWorker): void; reject(error: Error): void };

  constructor(load: RawLoad) {
    const entry = benchEntry('raw-worker');
    this.worker = new Worker(entry.filename, { workerData: load, execArgv: entry.execArgv });
    this.worker.on('message', (message: FromRawWorker) => {
      const pending = this.pending;
      this.pending = undefined;
      if (message.type === 'failed') pending?.reject(new Error(message.message));
      else pending?.resolve(message);
    });
    this.worker.on('error', (error) => this.pending?.reject(error));
    this.worker.on('exit', (code) => this.pending?.reject(new Error(`raw worker exited with code ${code}`)));
  }

  next(message?: ToRawWorker): Promise<FromRawWorker> {
    const reply = new Promise<FromRawWorker>((resolve, reject) => (this.pending = { resolve, reject }));
    if (message) this.worker.postMessage(message);
    return reply;
  }

  close(): Promise<number> {
    this.worker.postMessage({ type: 'close' } satisfies ToRawWorker);
    return new Promise((resolve) => this.worker.once('exit', resolve));
  }
}

let workers: RawWorker[] = [];
const send = (message: FromRawRunner) => process.send?.(message);

async function handle(message: ToRawRunner): Promise<void> {
  switch (message.type) {
    case 'load': {
      const started = performance.now();
      workers = Array.from({ length: message.load.workers }, () => new RawWorker(message.load));
      await Promise.all(workers.map((worker) => worker.next()));
      send({ type: 'loaded', loadMs: performance.now() - started });
      return;
    }
    case 'measure': {
      const startAt = performance.timeOrigin + performance.now() + 50;
      const taking = workers.slice(0, message.measure.workers ?? workers.length);
      const replies = await Promise.all(taking.map((worker) => worker.next({ type: 'measure', measure: message.measure, startAt })));
      const timings: Timings = { instants: [], latenciesMs: [] };
      for (const reply of replies) {
        if (reply.type !== 'measured') continue;
        timings.instants.push(...reply.timings.instants);
        timings.latenciesMs.push(...reply.timings.latenciesMs);
      }
      send({ type: 'measured', timings });
      return;
    }
    case 'close':
      await Promise.all(workers.map((worker) => worker.close()));
      process.disconnect?.();
      return;
  }
}

process.on('message', (message: ToRawRunner) => {
  handle(message).catch((error: unknown) => send({ type: 'failed', message: messageOf(error) }));
});

import { parentPort, workerData } from 'node:worker_threads';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import type { FeedSet, FromRawWorker, RawLoad, ToRawWorker, Timings } from './protocol';

/*
 * One raw-baseline worker thread: a plain InferenceSession that runs
 * prepared feeds back to back, with nothing of the server around it.
 */

const now = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * What a user would write for the thread count asked for: ORT's defaults
 * otherwise (memory arena on, idle threads spinning), plus any extras under test.
 */
export function rawSessionOptions(load: RawLoad): InferenceSession.SessionOptions {
  return {
    intraOpNumThreads: load.threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
    ...load.extras,
  };
}

function tensors(feeds: FeedSet): Record<string, Tensor> {
  const result: Record<string, Tensor> = {};
  for (const [name, feed] of Object.entries(feeds)) result[name] = new Tensor(feed.type, feed.data, feed.dims);
  return result;
}

async function measure(session: InferenceSession, message: Extract<ToRawWorker, { type: 'measure' }>): Promise<Timings> {
  const { feeds, seconds, warmupSeconds, maxRuns, minRuns = 0 } = message.measure;
  const sets = feeds.map(tensors);
  const timings: Timings = { instants: [], latenciesMs: [] };
  // Every worker starts at the same instant, so that parallel workers overlap for the whole window.
  await sleep(message.startAt - now());
  const measureFrom = now() + warmupSeconds * 1000;
  const end = measureFrom + seconds * 1000;
  const limit = measureFrom + 4 * seconds * 1000;
  const going = () => {
    const time = now();
    const enough = timings.instants.length >= minRuns;
    return (time < end || (!enough && time < limit)) && (maxRuns === undefined || timings.instants.length < maxRuns);
  };
  for (let run = 0; going(); run++) {
    const started = now();
    await session.run(sets[run % sets.length]);
    const finished = now();
    if (started >= measureFrom) {
      timings.instants.push(finished);
      timings.latenciesMs.push(finished - started);
    }
  }
  return timings;
}

async function serve(port: NonNullable<typeof parentPort>, load: RawLoad): Promise<void> {
  const post = (message: FromRawWorker) => port.postMessage(message);
  const started = now();
  let session: InferenceSession;
  try {
    session = await InferenceSession.create(load.model, rawSessionOptions(load));
  } catch (error) {
    post({ type: 'failed', message: messageOf(error) });
    port.close();
    return;
  }
  port.on('message', (message: ToRawWorker) => {
    if (message.type === 'close') {
      void session.release().finally(() => port.close());
      return;
    }
    measure(session, message).then(
      (timings) => post({ type: 'measured', timings }),
      (error: unknown) => post({ type: 'failed', message: messageOf(error) }),
    );
  });
  post({ type: 'ready', loadMs: now() - started });
}

if (parentPort) void serve(parentPort, workerData as RawLoad);

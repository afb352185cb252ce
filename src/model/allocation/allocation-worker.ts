import { parentPort, workerData } from 'node:worker_threads';
import { InferenceSession } from 'onnxruntime-node';
import type { SparseVector } from '../sparse-model-signature';
import { buildFeeds, runSlices } from './feeds';
import type { FromWorker, ToWorker, WorkerInit } from './protocol';
import { DEFAULT_MAX_RUN_TOKENS, sessionOptionsFor } from './session-options';
import { rowsFromOutputs } from './sparse-rows';

/*
 * The entry of one allocation's worker thread: it owns one InferenceSession
 * and runs one batch at a time, since `session.run` blocks the thread.
 */

const now = () => performance.timeOrigin + performance.now();

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** The binding rejects SharedArrayBuffer-backed views, so a shared model is copied into private memory. */
function privateBytes(model: Uint8Array): Uint8Array {
  return model.buffer instanceof SharedArrayBuffer ? model.slice() : model;
}

async function serve(port: NonNullable<typeof parentPort>, init: WorkerInit): Promise<void> {
  const post = (message: FromWorker, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);
  let session: InferenceSession;
  try {
    const options = sessionOptionsFor(init.threads, init.sessionOptions);
    session =
      init.model !== undefined
        ? await InferenceSession.create(privateBytes(init.model), options)
        : await InferenceSession.create(init.modelPath, options);
  } catch (error) {
    post({ type: 'start-failed', message: messageOf(error) });
    port.close();
    return;
  }

  port.on('message', async (message: ToWorker) => {
    if (message.type === 'exit') process.exit(message.code);
    if (message.type === 'close') {
      await session.release().catch(() => undefined);
      port.close();
      return;
    }
    try {
      const rows: SparseVector[] = [];
      const startTime = now();
      for (const slice of runSlices(message, init.sessionOptions?.maxRunTokens ?? DEFAULT_MAX_RUN_TOKENS)) {
        const outputs = await session.run(buildFeeds(message, init.signature, init.padTokenId, slice));
        rows.push(...rowsFromOutputs(outputs, init.signature, slice.to - slice.from));
      }
      const endTime = now();
      const transfer = rows.flatMap((row) => [row.ids.buffer, row.weights.buffer]) as ArrayBuffer[];
      post({ type: 'result', runId: message.runId, rows, startTime, endTime }, transfer);
    } catch (error) {
      post({ type: 'run-failed', runId: message.runId, message: messageOf(error) });
    }
  });
  post({ type: 'ready' });
}

if (parentPort) void serve(parentPort, workerData as WorkerInit);

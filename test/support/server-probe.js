'use strict';

/**
 * Preloaded (`node --require`) into an `elser-mock` process started with an
 * IPC channel, so that tests can observe it from the inside without any
 * test-only code in the server itself:
 *
 * - `{ type: 'read', id, reset, gc }` answers `{ type: 'reading', id, ... }` with the
 *   event-loop delay since the last reset, the process's RSS (after a full garbage
 *   collection when `gc` is set and the process runs with `--expose-gc`), and the
 *   unhandled promise rejections seen;
 * - `{ type: 'kill-worker-on-next-run', id }` makes the next allocation that is
 *   given a batch exit as a crash would (ModelAllocation.kill) with the batch in
 *   flight, and answers `{ type: 'armed', id }`.
 */
const path = require('node:path');
const { monitorEventLoopDelay } = require('node:perf_hooks');

const histogram = monitorEventLoopDelay({ resolution: 10 });
histogram.enable();

const rejections = [];
process.on('unhandledRejection', (reason) => {
  rejections.push(reason instanceof Error ? reason.stack : String(reason));
});

const MODEL_ALLOCATION = path.resolve(__dirname, '..', '..', 'dist', 'model', 'allocation', 'model-allocation.js');

function armWorkerKill() {
  const { ModelAllocation } = require(MODEL_ALLOCATION);
  const run = ModelAllocation.prototype.run;
  ModelAllocation.prototype.run = function (batch) {
    ModelAllocation.prototype.run = run;
    this.kill();
    return run.call(this, batch);
  };
}

/** The longest delay seen before the probe's own collections, which are no stall of the server. */
let carriedMax = 0;
const maxDelay = () => Math.max(carriedMax, histogram.max);

/**
 * Full collections, then a pause: V8 frees the memory of dead ArrayBuffers
 * concurrently, after the collection itself. Delays meanwhile are the probe's
 * doing, not the server's, and are dropped from the histogram.
 */
async function collectGarbage() {
  if (typeof global.gc !== 'function') return;
  carriedMax = maxDelay();
  for (let i = 0; i < 2; i++) {
    global.gc();
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  histogram.reset();
}

process.on('message', async (message) => {
  if (!message || typeof message !== 'object') return;
  if (message.type === 'read') {
    if (message.gc) await collectGarbage();
    const reading = {
      type: 'reading',
      id: message.id,
      eventLoopDelayMaxMs: maxDelay() / 1e6,
      rssBytes: process.memoryUsage.rss(),
      unhandledRejections: rejections.slice(),
    };
    if (message.reset) {
      carriedMax = 0;
      histogram.reset();
    }
    process.send(reading);
  } else if (message.type === 'kill-worker-on-next-run') {
    armWorkerKill();
    process.send({ type: 'armed', id: message.id });
  }
});
// The server decides when to exit; the channel must not keep it alive.
process.channel?.unref();

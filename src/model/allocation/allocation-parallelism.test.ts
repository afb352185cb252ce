import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { AllocationPool, BatchCompleted } from './allocation-pool';

const REPOSITORY = path.resolve(__dirname, '../../../.cache/model-repository');
const modelPath = path.join(REPOSITORY, 'elser_model_2.onnx');
const vocabulary = (JSON.parse(readFileSync(path.join(REPOSITORY, 'elser_model_2.vocab.json'), 'utf8')) as { vocabulary: string[] })
  .vocabulary;

/**
 * Ten inputs of about 250 word pieces each: one full batch. At 500 pieces each
 * run materializes a [10, 512, 30522] float logits tensor (625 MB); on the
 * 2-core test machine two such runs side by side took nearly as long as one
 * after the other (3.5 s against 3.8 s), which only makes this test slow.
 */
const longRequest = (seed: number) =>
  Array.from({ length: 10 }, (_, i) =>
    Array.from({ length: 250 }, (_, w) => vocabulary[2000 + ((seed * 7919 + i * 131 + w * 17) % 20000)]).join(' '),
  );

/** Runs two concurrent one-batch requests and returns the two batches' timings, earliest first. */
async function twoConcurrentRequests(numberOfAllocations: number): Promise<BatchCompleted[]> {
  const batches: BatchCompleted[] = [];
  const pool = await AllocationPool.start({
    model: modelPath,
    vocabulary,
    numberOfAllocations,
    threadsPerAllocation: 1,
    onBatchCompleted: (batch) => batches.push(batch),
  });
  try {
    await pool.encode(['warm up']);
    batches.length = 0;
    const results = await Promise.all([pool.encode(longRequest(1)), pool.encode(longRequest(2))]);
    expect(results.map((result) => result.length)).toEqual([10, 10]);
  } finally {
    await pool.close();
  }
  expect(batches).toHaveLength(2);
  return batches.sort((a, b) => a.startTime - b.startTime);
}

const overlapMs = ([first, second]: BatchCompleted[]) => Math.min(first.endTime, second.endTime) - second.startTime;

describe('allocations run in parallel', () => {
  test('two allocations run two concurrent requests at the same time', async () => {
    const batches = await twoConcurrentRequests(2);
    expect(batches[0].allocationId).not.toBe(batches[1].allocationId);
    expect(batches[0].threadId).not.toBe(batches[1].threadId);
    const shorter = Math.min(...batches.map((batch) => batch.endTime - batch.startTime));
    // Both runs were dispatched together, so most of the shorter one overlaps the other.
    expect(overlapMs(batches)).toBeGreaterThan(0.5 * shorter);
  });

  test('one allocation runs them one after the other', async () => {
    const batches = await twoConcurrentRequests(1);
    expect(batches[0].allocationId).toBe(batches[1].allocationId);
    expect(overlapMs(batches)).toBeLessThanOrEqual(0);
  });
});

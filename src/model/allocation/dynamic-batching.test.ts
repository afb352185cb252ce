import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { AllocationPool, BatchCompleted } from './allocation-pool';

const REPOSITORY = path.resolve(__dirname, '../../../.cache/model-repository');
const modelPath = path.join(REPOSITORY, 'elser_model_2_linux-x86_64.onnx');
const vocabulary = (
  JSON.parse(readFileSync(path.join(REPOSITORY, 'elser_model_2_linux-x86_64.vocab.json'), 'utf8')) as { vocabulary: string[] }
).vocabulary;

const QUERIES = [
  'sparse retrieval',
  'what is elser',
  'capital of france',
  'reset my password',
  'television channel',
  'the sky above the port',
  'colors and colours',
  'harbour shipping containers',
];
const LONG_DOCUMENT = `${'a long document about ranking and relevance '.repeat(40)}end`;

async function runConcurrently(dynamicBatching: boolean) {
  const batches: BatchCompleted[] = [];
  const pool = await AllocationPool.start({
    model: modelPath,
    vocabulary,
    numberOfAllocations: 1,
    threadsPerAllocation: 1,
    dynamicBatching,
    onBatchCompleted: (batch) => batches.push(batch),
  });
  try {
    // The long document occupies the only allocation while the short queries queue up behind it.
    const blocker = pool.encode([LONG_DOCUMENT]);
    const answers = await Promise.all(QUERIES.map((query) => pool.encode([query])));
    await blocker;
    return { answers, batches };
  } finally {
    await pool.close();
  }
}

describe('dynamic batching', () => {
  it('runs short queries of concurrent requests in one model call, with the same results as one by one', async () => {
    const batched = await runConcurrently(true);
    const unbatched = await runConcurrently(false);
    expect(unbatched.batches.map((b) => b.inputs)).toEqual([1, 1, 1, 1, 1, 1, 1, 1, 1]);
    expect(batched.batches.map((b) => b.inputs)).toEqual([1, 8]);
    expect(batched.answers).toEqual(unbatched.answers);
  });
});

import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { AllocationPool, AllocationPoolOptions, BatchCompleted, DYNAMIC_BATCH_TOKENS } from './allocation-pool';

const REPOSITORY = path.resolve(__dirname, '../../../.cache/model-repository');
const modelPath = path.join(REPOSITORY, 'elser_model_2_linux-x86_64.onnx');
const vocabulary = (
  JSON.parse(readFileSync(path.join(REPOSITORY, 'elser_model_2_linux-x86_64.vocab.json'), 'utf8')) as { vocabulary: string[] }
).vocabulary;

/** One allocation of one thread of the built-in int8 model. */
const startPool = (options: Partial<AllocationPoolOptions> = {}) =>
  AllocationPool.start({ model: modelPath, vocabulary, numberOfAllocations: 1, threadsPerAllocation: 1, ...options });

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
  const pool = await startPool({ dynamicBatching, onBatchCompleted: (batch) => batches.push(batch) });
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

describe('dynamic batching companions', () => {
  const words = vocabulary.filter((token, id) => id >= 3000 && /^[a-z]{3,}$/.test(token));
  /** `tokens` tokens in all: `[CLS]`, whole words of the vocabulary, `[SEP]`. */
  const query = (tokens: number, seed: number) => Array.from({ length: tokens - 2 }, (_, i) => words[seed * 37 + i]).join(' ');

  it('go closest in length first, within one run of padded tokens, and answer as one by one', async () => {
    const batches: BatchCompleted[] = [];
    const pool = await startPool({ sessionOptions: { maxRunTokens: 24 }, onBatchCompleted: (batch) => batches.push(batch) });
    const unbatched = await startPool({ dynamicBatching: false });
    try {
      const queries = [6, 12, 7, 6, 11, 8].map(query);
      const blocker = pool.encode([LONG_DOCUMENT]);
      const answers = await Promise.all(queries.map((text) => pool.encode([text])));
      await blocker;
      // 6 takes the other 6 and the 7 (3 x 7 = 21 padded tokens; an 8 would make 32); then 12 takes 11; the 8 runs alone.
      expect(batches.map((batch) => batch.inputs)).toEqual([1, 3, 2, 1]);
      expect(answers).toEqual(await Promise.all(queries.map((text) => unbatched.encode([text]))));
    } finally {
      await Promise.all([pool.close(), unbatched.close()]);
    }
  });

  it(`stop joining at ${DYNAMIC_BATCH_TOKENS} padded tokens, where a bigger batch runs no faster`, async () => {
    const batches: BatchCompleted[] = [];
    const pool = await startPool({ onBatchCompleted: (batch) => batches.push(batch) });
    try {
      const fitting = Math.floor(DYNAMIC_BATCH_TOKENS / 3);
      const blocker = pool.encode([LONG_DOCUMENT]);
      await Promise.all([fitting, fitting, fitting, 100, 100].map((tokens, seed) => pool.encode([query(tokens, seed)])));
      await blocker;
      expect(batches.map((batch) => batch.inputs)).toEqual([1, 3, 1, 1]);
    } finally {
      await pool.close();
    }
  });
});

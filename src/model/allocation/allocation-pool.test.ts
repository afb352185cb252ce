import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { buildEncoderModel, float32WeightOps } from '../builder/bert-sparse-encoder';
import { generateEncoderWeights } from '../builder/encoder-weights';
import { encodeModel } from '../builder/onnx-graph';
import { PLUGIN_TEST_CONFIG } from '../builder/plugin-conventions';
import { OnnxSparseEncoder } from '../onnx-sparse-encoder';
import { loadBertUncasedVocabulary } from '../vocabulary';
import { AllocationPool, BatchCompleted } from './allocation-pool';
import type { ModelAllocation } from './model-allocation';

const REPOSITORY = path.resolve(__dirname, '../../../.cache/model-repository');
const modelPath = path.join(REPOSITORY, 'elser_model_2.onnx');
const vocabulary = (JSON.parse(readFileSync(path.join(REPOSITORY, 'elser_model_2.vocab.json'), 'utf8')) as { vocabulary: string[] })
  .vocabulary;

const SENTENCES = [
  'What is the weather like in Amsterdam today?',
  'Node.js 20 ships worker_threads; e.g. v20.1.0 is fine...',
  'The quick brown fox jumps over the lazy dog.',
  'ELSER is a learned sparse encoder trained by Elastic.',
  `${'long '.repeat(600)}tail`,
];

const inputsAbout = (count: number) =>
  Array.from({ length: count }, (_, i) => `Document number ${i} is about ${vocabulary[2000 + 37 * i]} and ${vocabulary[5000 + 11 * i]}.`);

describe('AllocationPool', () => {
  let pool: AllocationPool;
  let reference: OnnxSparseEncoder;
  const batches: BatchCompleted[] = [];

  beforeAll(async () => {
    [pool, reference] = await Promise.all([
      AllocationPool.start({
        model: modelPath,
        vocabulary,
        numberOfAllocations: 2,
        threadsPerAllocation: 1,
        onBatchCompleted: (batch) => batches.push(batch),
      }),
      OnnxSparseEncoder.load({ modelPath, vocabulary, threads: 1 }),
    ]);
  });

  afterAll(async () => {
    await Promise.all([pool.close(), reference.close()]);
  });

  beforeEach(() => {
    batches.length = 0;
  });

  test('gives the in-process encoder’s embeddings: same tokens, same order, same weights, same truncation', async () => {
    const [fromPool, fromReference] = await Promise.all([pool.encode(SENTENCES), reference.encode(SENTENCES)]);
    expect(fromPool).toEqual(fromReference);
    expect(fromPool.map((embedding) => embedding.isTruncated)).toEqual([false, false, false, false, true]);
    const tokens = fromPool.flatMap((embedding) => embedding.tokens.map(([token]) => token));
    expect(tokens.some((token) => token.includes('__'))).toBe(true);
    expect(tokens.some((token) => token.includes('.'))).toBe(false);
    for (const { tokens: weighted } of fromPool) {
      expect(weighted.length).toBeGreaterThan(0);
      weighted.forEach(([, weight], i) => {
        expect(weight).toBeGreaterThan(0);
        if (i > 0) expect(weight).toBeLessThanOrEqual(weighted[i - 1][1]);
      });
    }
  });

  test('runs each allocation in a worker thread of its own', () => {
    const threadIds = pool.allocations.map((allocation) => allocation.threadId);
    expect(threadIds).toHaveLength(2);
    expect(new Set(threadIds).size).toBe(2);
    expect(threadIds).not.toContain(0);
  });

  test('answers in input order across batches of 10', async () => {
    const inputs = inputsAbout(25);
    const [fromPool, fromReference] = await Promise.all([pool.encode(inputs), reference.encode(inputs)]);
    expect(fromPool).toEqual(fromReference);
    expect(batches.map((batch) => batch.inputs).sort()).toEqual([10, 10, 5]);
    fromPool.forEach((embedding, i) => {
      const own = new Set(embedding.tokens.map(([token]) => token));
      expect(own.has(String(i))).toBe(true);
    });
  });

  test('counts batches and inference time per allocation', async () => {
    const before = pool.stats().allocations.reduce((sum, allocation) => sum + allocation.inferenceCount, 0);
    await pool.encode(inputsAbout(12));
    const stats = pool.stats();
    expect(stats.numberOfAllocations).toBe(2);
    expect(stats.pendingCount).toBe(0);
    expect(stats.errorCount).toBe(0);
    expect(stats.allocations.reduce((sum, allocation) => sum + allocation.inferenceCount, 0)).toBe(before + 2);
    for (const allocation of stats.allocations) {
      expect(allocation.state).toBe('ready');
      expect(allocation.totalInferenceTimeMs).toBeGreaterThan(0);
      expect(allocation.lastAccess).toBeGreaterThan(Date.now() - 60_000);
    }
  });

  test('an empty request needs no allocation', async () => {
    await expect(pool.encode([])).resolves.toEqual([]);
  });
});

describe('AllocationPool sizing', () => {
  const longInputs = Array.from({ length: 10 }, (_, i) => `${vocabulary[3000 + i]} `.repeat(300));

  test('grows and shrinks the number of workers; close() stops them all', async () => {
    const pool = await AllocationPool.start({ model: modelPath, vocabulary, numberOfAllocations: 1, threadsPerAllocation: 1 });
    const seen = new Set<ModelAllocation>(pool.allocations);
    try {
      await pool.setAllocations(3);
      pool.allocations.forEach((allocation) => seen.add(allocation));
      expect(pool.allocations).toHaveLength(3);
      expect(new Set(pool.allocations.map((allocation) => allocation.threadId)).size).toBe(3);
      expect(pool.allocations.every((allocation) => allocation.state === 'ready')).toBe(true);

      const kept = pool.allocations;
      await pool.setAllocations(1);
      expect(pool.allocations).toHaveLength(1);
      expect(pool.stats().numberOfAllocations).toBe(1);
      expect(kept.filter((allocation) => allocation.state === 'stopped')).toHaveLength(2);
      await expect(pool.encode(['still serving'])).resolves.toHaveLength(1);
    } finally {
      await pool.close();
    }
    expect([...seen].map((allocation) => allocation.state)).toEqual(['stopped', 'stopped', 'stopped']);
    await expect(pool.encode(['after close'])).rejects.toMatchObject({
      status: 500,
      reason: 'Error in inference process: [inference canceled as process is stopping]',
    });
  });

  test('shrinking lets the batches in flight finish', async () => {
    const pool = await AllocationPool.start({ model: modelPath, vocabulary, numberOfAllocations: 2, threadsPerAllocation: 1 });
    try {
      const requests = [pool.encode(longInputs), pool.encode(longInputs)];
      expect(pool.allocations.map((allocation) => allocation.state)).toEqual(['busy', 'busy']);
      const busy = pool.allocations;
      await pool.setAllocations(1);
      const results = await Promise.all(requests);
      expect(results.map((result) => result.length)).toEqual([10, 10]);
      expect(busy.filter((allocation) => allocation.state === 'stopped')).toHaveLength(1);
      expect(pool.allocations).toHaveLength(1);
      expect(pool.stats().errorCount).toBe(0);
    } finally {
      await pool.close();
    }
  });

  test('shrinking to zero queues requests until an allocation is added', async () => {
    const pool = await AllocationPool.start({ model: modelPath, vocabulary, numberOfAllocations: 1, threadsPerAllocation: 1 });
    try {
      await pool.setAllocations(0);
      const request = pool.encode(['waiting for an allocation']);
      expect(pool.stats().pendingCount).toBe(1);
      await pool.setAllocations(1);
      await expect(request).resolves.toHaveLength(1);
    } finally {
      await pool.close();
    }
  });

  test('closing fails queued and in-flight batches as canceled', async () => {
    const pool = await AllocationPool.start({ model: modelPath, vocabulary, numberOfAllocations: 1, threadsPerAllocation: 1 });
    const outcomes = Promise.allSettled([pool.encode(longInputs), pool.encode(['queued'])]);
    await pool.close();
    const canceled = {
      status: 500,
      type: 'status_exception',
      reason: 'Error in inference process: [inference canceled as process is stopping]',
    };
    expect(await outcomes).toMatchObject([
      { status: 'rejected', reason: canceled },
      { status: 'rejected', reason: canceled },
    ]);
  });
});

describe('AllocationPool runs', () => {
  test('a batch split into runs of a few padded tokens answers exactly as one run of the whole batch', async () => {
    // 5 to 20 word pieces each: runs of two rows padded to the longest.
    const inputs = Array.from({ length: 10 }, (_, i) => `${vocabulary[7000 + i]} `.repeat(3 + 5 * (i % 4)));
    const [pool, reference] = await Promise.all([
      AllocationPool.start({
        model: modelPath,
        vocabulary,
        numberOfAllocations: 1,
        threadsPerAllocation: 1,
        sessionOptions: { maxRunTokens: 40 },
      }),
      OnnxSparseEncoder.load({ modelPath, vocabulary, threads: 1 }),
    ]);
    try {
      const [fromPool, fromReference] = await Promise.all([pool.encode(inputs), reference.encode(inputs)]);
      expect(fromPool).toEqual(fromReference);
    } finally {
      await Promise.all([pool.close(), reference.close()]);
    }
  });
});

describe('AllocationPool shared weights', () => {
  test('allocations mapping one shared copy of the model answer exactly as a private session does; the copy goes with the pool', async () => {
    const [pool, reference] = await Promise.all([
      AllocationPool.start({
        model: modelPath,
        vocabulary,
        numberOfAllocations: 2,
        threadsPerAllocation: 1,
        sessionOptions: { sharedWeights: true },
      }),
      OnnxSparseEncoder.load({ modelPath, vocabulary, threads: 1 }),
    ]);
    let shared: string | undefined;
    try {
      shared = pool.sharedModelPath;
      expect(shared).toBeDefined();
      expect(path.dirname(shared!).startsWith(tmpdir())).toBe(true);
      expect(existsSync(shared!)).toBe(true);
      const inputs = [...SENTENCES, ...inputsAbout(15)];
      const [fromPool, fromReference] = await Promise.all([pool.encode(inputs), reference.encode(inputs)]);
      expect(fromPool).toEqual(fromReference);
      await pool.setAllocations(3);
      await expect(pool.encode(SENTENCES)).resolves.toEqual(await reference.encode(SENTENCES));
    } finally {
      await Promise.all([pool.close(), reference.close()]);
    }
    expect(existsSync(path.dirname(shared!))).toBe(false);
  });

  test('a model this small loads privately by default, and never when sharing is off', async () => {
    for (const sessionOptions of [{}, { sharedWeights: false }]) {
      const pool = await AllocationPool.start({
        model: modelPath,
        vocabulary,
        numberOfAllocations: 2,
        threadsPerAllocation: 1,
        sessionOptions,
      });
      try {
        await expect(pool.encode(['private'])).resolves.toHaveLength(1);
        expect(pool.sharedModelPath).toBeUndefined();
      } finally {
        await pool.close();
      }
    }
  });

  test('closing the pool while the shared model is being written stops the writer', async () => {
    // The writer blocks opening a FIFO nobody writes to: only killing it ends it.
    const fifo = path.join(mkdtempSync(path.join(tmpdir(), 'elser-mock-fifo-')), 'model.onnx');
    execFileSync('mkfifo', [fifo]);
    const pool = await AllocationPool.start({
      model: fifo,
      vocabulary,
      numberOfAllocations: 0,
      threadsPerAllocation: 1,
      sessionOptions: { sharedWeights: true },
    });
    const growing = pool.setAllocations(1).catch((error: unknown) => error);
    let writer: number | undefined;
    for (let polls = 0; writer === undefined && polls < 2000; polls++) {
      writer = sharedModelWriters()[0];
      if (writer === undefined) await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect(writer).toBeDefined();
    await pool.close();
    await growing;
    expect(() => process.kill(writer!, 0)).toThrow(expect.objectContaining({ code: 'ESRCH' }));
    rmSync(path.dirname(fifo), { recursive: true, force: true });
  });

  test('a model whose shared form onnxruntime cannot run loads privately instead', async () => {
    // An fp32 matrix product feeding a fused GELU crashes onnxruntime 1.30 once its pre-packed weights are saved.
    const weights = generateEncoderWeights({ ...PLUGIN_TEST_CONFIG }, loadBertUncasedVocabulary());
    const model = encodeModel(buildEncoderModel(weights, {}, { ...float32WeightOps(), fusedGelu: true }));
    const [pool, reference] = await Promise.all(
      [true, false].map((sharedWeights) =>
        AllocationPool.start({ model, vocabulary, numberOfAllocations: 2, threadsPerAllocation: 1, sessionOptions: { sharedWeights } }),
      ),
    );
    try {
      expect(pool.sharedModelPath).toBeUndefined();
      await expect(pool.encode(SENTENCES)).resolves.toEqual(await reference.encode(SENTENCES));
    } finally {
      await Promise.all([pool.close(), reference.close()]);
    }
  });

  test('a model given as bytes is written for sharing too', async () => {
    const bytes = new Uint8Array(readFileSync(modelPath));
    const pool = await AllocationPool.start({
      model: bytes,
      vocabulary,
      numberOfAllocations: 2,
      threadsPerAllocation: 1,
      sessionOptions: { sharedWeights: true },
    });
    try {
      expect(pool.sharedModelPath).toBeDefined();
      await expect(pool.encode(SENTENCES)).resolves.toHaveLength(SENTENCES.length);
    } finally {
      await pool.close();
    }
  });
});

/** Child processes of this one writing a shared model (Linux's /proc). */
function sharedModelWriters(): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .map(Number)
    .filter((pid) => {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        return parent === process.pid && readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('shared-model-writer');
      } catch {
        return false;
      }
    });
}

import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ElasticsearchException } from '../../errors/elasticsearch-exception';
import { AllocationPool, AllocationPoolOptions } from './allocation-pool';
import { ModelAllocation } from './model-allocation';

const REPOSITORY = path.resolve(__dirname, '../../../.cache/model-repository');
const modelPath = path.join(REPOSITORY, 'elser_model_2.onnx');
const vocabularyPath = path.join(REPOSITORY, 'elser_model_2.vocab.json');
const vocabulary = (JSON.parse(readFileSync(vocabularyPath, 'utf8')) as { vocabulary: string[] }).vocabulary;

const longInputs = Array.from({ length: 10 }, (_, i) => `${vocabulary[4000 + i]} `.repeat(200));

const CANCELED = {
  status: 500,
  type: 'status_exception',
  reason: 'Error in inference process: [inference canceled as process is stopping]',
};

type Died = Parameters<NonNullable<AllocationPoolOptions['onAllocationDied']>>[0];

const until = (condition: () => boolean) =>
  new Promise<void>((resolve) => {
    const poll = setInterval(() => {
      if (condition()) {
        clearInterval(poll);
        resolve();
      }
    }, 5);
  });

async function startPool(overrides: Partial<AllocationPoolOptions> = {}) {
  const died: Died[] = [];
  const pool = await AllocationPool.start({
    model: modelPath,
    vocabulary,
    numberOfAllocations: 1,
    threadsPerAllocation: 1,
    onAllocationDied: (event) => died.push(event),
    ...overrides,
  });
  return { pool, died };
}

describe('a crashed allocation', () => {
  test('fails the request in flight, is replaced, and later requests succeed', async () => {
    const { pool, died } = await startPool();
    try {
      const [victim] = pool.allocations;
      victim.kill();
      const inFlight = pool.encode(longInputs).then(
        () => undefined,
        (error: unknown) => error,
      );
      const queued = pool.encode(['queued behind the crash']);
      expect(victim.state).toBe('busy');

      const error = await inFlight;
      expect(error).toBeInstanceOf(ElasticsearchException);
      expect((error as ElasticsearchException).toJSON()).toEqual({
        error: { root_cause: [{ type: CANCELED.type, reason: CANCELED.reason }], type: CANCELED.type, reason: CANCELED.reason },
        status: 500,
      });
      expect(victim.state).toBe('dead');
      expect(died).toEqual([{ allocationId: victim.id, reason: expect.any(String), replaced: true }]);

      await expect(queued).resolves.toHaveLength(1);
      const [replacement] = pool.allocations;
      expect(pool.allocations).toHaveLength(1);
      expect(replacement).not.toBe(victim);
      expect(replacement.threadId).not.toBe(victim.threadId);
      await expect(pool.encode(['after the crash'])).resolves.toHaveLength(1);
      expect(pool.stats().errorCount).toBe(1);
    } finally {
      await pool.close();
    }
  });

  test('fails only the requests on the crashed allocation', async () => {
    const { pool } = await startPool({ numberOfAllocations: 2 });
    try {
      const [victim, survivor] = pool.allocations;
      victim.kill();
      const onVictim = pool.encode(longInputs).catch((error: unknown) => error);
      const onSurvivor = pool.encode(longInputs);
      expect([victim.state, survivor.state]).toEqual(['busy', 'busy']);
      await expect(onVictim).resolves.toMatchObject(CANCELED);
      await expect(onSurvivor).resolves.toHaveLength(10);
      expect(survivor.state).toBe('ready');
    } finally {
      await pool.close();
    }
  });

  test('an idle allocation that dies is replaced too', async () => {
    const { pool, died } = await startPool();
    try {
      const [victim] = pool.allocations;
      victim.kill();
      await until(() => died.length > 0);
      expect(victim.state).toBe('dead');
      await expect(pool.encode(['served by the replacement'])).resolves.toHaveLength(1);
      expect(died.map((event) => event.replaced)).toEqual([true]);
      expect(pool.allocations[0]).not.toBe(victim);
    } finally {
      await pool.close();
    }
  });

  test('past the restart limit the pool gives up instead of replacing', async () => {
    const { pool, died } = await startPool({ maxRestarts: 0 });
    try {
      pool.allocations[0].kill();
      await until(() => died.length > 0);
      expect(died.map((event) => event.replaced)).toEqual([false]);
      expect(pool.allocations).toHaveLength(0);
      await expect(pool.encode(['nobody left'])).rejects.toMatchObject(CANCELED);
    } finally {
      await pool.close();
    }
  });
});

describe('an allocation that cannot load the model', () => {
  test('fails the pool start with the loader’s reason and leaves no worker behind', async () => {
    const starts = jest.spyOn(ModelAllocation.prototype, 'start');
    try {
      const failure = AllocationPool.start({ model: vocabularyPath, vocabulary, numberOfAllocations: 2, threadsPerAllocation: 1 });
      await expect(failure).rejects.toBeInstanceOf(ElasticsearchException);
      await expect(failure).rejects.toMatchObject({ status: 500, type: 'status_exception', reason: expect.stringMatching(/protobuf/i) });
      const allocations = starts.mock.contexts as ModelAllocation[];
      expect(allocations).toHaveLength(2);
      expect(allocations.map((allocation) => allocation.state)).toEqual(['stopped', 'stopped']);
    } finally {
      starts.mockRestore();
    }
  });
});

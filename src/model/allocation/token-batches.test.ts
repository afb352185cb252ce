import { EMBEDDING_MAX_BATCH_SIZE, packBatch, splitIntoBatches } from './token-batches';

describe('token batches', () => {
  test('splits inputs into batches of at most 10, in order', () => {
    const inputs = Array.from({ length: 25 }, (_, i) => i);
    const batches = splitIntoBatches(inputs);
    expect(EMBEDDING_MAX_BATCH_SIZE).toBe(10);
    expect(batches.map((batch) => batch.length)).toEqual([10, 10, 5]);
    expect(batches.flat()).toEqual(inputs);
    expect(splitIntoBatches([])).toEqual([]);
  });

  test('packs token ids into one buffer with per-row lengths', () => {
    const batch = packBatch([
      { ids: [101, 7, 102], truncated: false },
      { ids: [101, 102], truncated: false },
    ]);
    expect([...batch.ids]).toEqual([101, 7, 102, 101, 102]);
    expect([...batch.lengths]).toEqual([3, 2]);
  });
});

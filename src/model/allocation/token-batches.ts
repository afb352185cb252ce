import type { Encoding } from '../tokenizer';
import type { TokenBatch } from './protocol';

/** Elasticsearch sends at most this many inputs to the model in one call. */
export const EMBEDDING_MAX_BATCH_SIZE = 10;

export function splitIntoBatches<T>(items: readonly T[], size: number = EMBEDDING_MAX_BATCH_SIZE): T[][] {
  const batches: T[][] = [];
  for (let start = 0; start < items.length; start += size) batches.push(items.slice(start, start + size));
  return batches;
}

/** Concatenates the batch's token ids into one transferable buffer. */
export function packBatch(encodings: readonly Encoding[]): TokenBatch {
  const lengths = Int32Array.from(encodings, (encoding) => encoding.ids.length);
  const ids = new Int32Array(lengths.reduce((sum, length) => sum + length, 0));
  let offset = 0;
  for (const encoding of encodings) {
    ids.set(encoding.ids, offset);
    offset += encoding.ids.length;
  }
  return { ids, lengths };
}

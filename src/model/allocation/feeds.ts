import { Tensor } from 'onnxruntime-node';
import type { SparseModelSignature } from '../sparse-model-signature';
import type { TokenBatch } from './protocol';

/** Rows `[from, to)` of a batch, each padded to `width` columns. */
export interface RowSlice {
  from: number;
  to: number;
  width: number;
}

/** The length of the batch's longest row. */
export function longestRow(batch: TokenBatch): number {
  let longest = 0;
  for (let row = 0; row < batch.lengths.length; row++) longest = Math.max(longest, batch.lengths[row]);
  return longest;
}

/**
 * The int64 `[rows, width]` inputs for a batch (by default all of it, padded
 * to its longest row): ids padded with `padTokenId`, an attention mask of ones
 * over each sequence, and all-zero segment ids when the graph takes them.
 */
export function buildFeeds(
  batch: TokenBatch,
  signature: SparseModelSignature,
  padTokenId = 0,
  slice: RowSlice = { from: 0, to: batch.lengths.length, width: longestRow(batch) },
): Record<string, Tensor> {
  const { from, to, width } = slice;
  const rows = to - from;
  const inputIds = new BigInt64Array(rows * width).fill(BigInt(padTokenId));
  const attentionMask = new BigInt64Array(rows * width);
  let offset = 0;
  for (let row = 0; row < from; row++) offset += batch.lengths[row];
  for (let row = from; row < to; row++) {
    const start = (row - from) * width;
    for (let column = 0; column < batch.lengths[row]; column++) {
      inputIds[start + column] = BigInt(batch.ids[offset + column]);
      attentionMask[start + column] = 1n;
    }
    offset += batch.lengths[row];
  }
  const dims = [rows, width];
  const feeds: Record<string, Tensor> = {
    [signature.inputs.inputIds]: new Tensor('int64', inputIds, dims),
    [signature.inputs.attentionMask]: new Tensor('int64', attentionMask, dims),
  };
  if (signature.inputs.tokenTypeIds !== undefined) {
    feeds[signature.inputs.tokenTypeIds] = new Tensor('int64', new BigInt64Array(rows * width), dims);
  }
  return feeds;
}

/**
 * Splits a batch into runs of at most `maxTokens` padded tokens (always at
 * least one row each). Every run keeps the batch's padded width, so a row
 * sees exactly the inputs it would in one run of the whole batch.
 */
export function runSlices(batch: TokenBatch, maxTokens: number): RowSlice[] {
  const width = longestRow(batch);
  const rowsPerRun = Math.max(1, Math.floor(maxTokens / Math.max(1, width)));
  const slices: RowSlice[] = [];
  for (let from = 0; from < batch.lengths.length; from += rowsPerRun) {
    slices.push({ from, to: Math.min(batch.lengths.length, from + rowsPerRun), width });
  }
  return slices;
}

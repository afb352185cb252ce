import { Tensor } from 'onnxruntime-node';
import type { SparseModelSignature } from '../sparse-model-signature';
import type { TokenBatch } from './protocol';

/**
 * The int64 `[batch, longest]` inputs for one batch: ids padded with
 * `padTokenId`, an attention mask of ones over each sequence, and all-zero
 * segment ids when the graph takes them.
 */
export function buildFeeds(batch: TokenBatch, signature: SparseModelSignature, padTokenId = 0): Record<string, Tensor> {
  const rows = batch.lengths.length;
  let longest = 0;
  for (let row = 0; row < rows; row++) longest = Math.max(longest, batch.lengths[row]);
  const inputIds = new BigInt64Array(rows * longest).fill(BigInt(padTokenId));
  const attentionMask = new BigInt64Array(rows * longest);
  let offset = 0;
  for (let row = 0; row < rows; row++) {
    const start = row * longest;
    for (let column = 0; column < batch.lengths[row]; column++) {
      inputIds[start + column] = BigInt(batch.ids[offset + column]);
      attentionMask[start + column] = 1n;
    }
    offset += batch.lengths[row];
  }
  const dims = [rows, longest];
  const feeds: Record<string, Tensor> = {
    [signature.inputs.inputIds]: new Tensor('int64', inputIds, dims),
    [signature.inputs.attentionMask]: new Tensor('int64', attentionMask, dims),
  };
  if (signature.inputs.tokenTypeIds !== undefined) {
    feeds[signature.inputs.tokenTypeIds] = new Tensor('int64', new BigInt64Array(rows * longest), dims);
  }
  return feeds;
}

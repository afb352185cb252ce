import type { Tensor } from 'onnxruntime-node';
import type { SparseModelSignature, SparseVector } from '../sparse-model-signature';

type Weights = ArrayLike<number>;
type Indices = ArrayLike<number | bigint>;

/** Grown to the longest vector seen; `nonZero` copies out of it, so each result owns its buffers. */
let scratchIds = new Int32Array(0);
let scratchWeights = new Float32Array(0);

/** The non-zero entries of the dense vector `data[start, start + size)`, ids ascending. */
export function nonZero(data: Weights, start = 0, size = data.length - start): SparseVector {
  if (scratchIds.length < size) {
    scratchIds = new Int32Array(size);
    scratchWeights = new Float32Array(size);
  }
  let count = 0;
  for (let id = 0; id < size; id++) {
    const weight = data[start + id];
    if (weight !== 0) {
      scratchIds[count] = id;
      scratchWeights[count++] = weight;
    }
  }
  return { ids: scratchIds.slice(0, count), weights: scratchWeights.slice(0, count) };
}

/** Rows of a pooled `[batch, vocabularySize]` output. */
export function pooledRows(data: Weights, batchSize: number, vocabularySize: number): SparseVector[] {
  const rows: SparseVector[] = [];
  if (data.length !== batchSize * vocabularySize) {
    throw new Error(`pooled output has ${data.length} weights, expected ${batchSize} x ${vocabularySize}`);
  }
  for (let row = 0; row < batchSize; row++) rows.push(nonZero(data, row * vocabularySize, vocabularySize));
  return rows;
}

/** Rows of a sparse output: flat `b * vocabularySize + id` indices with their weights, in any order. */
export function sparseRows(indices: Indices, weights: Weights, batchSize: number, vocabularySize: number): SparseVector[] {
  if (indices.length !== weights.length) {
    throw new Error(`sparse output has ${indices.length} indices but ${weights.length} weights`);
  }
  const perRow: { id: number; weight: number }[][] = Array.from({ length: batchSize }, () => []);
  for (let k = 0; k < indices.length; k++) {
    if (weights[k] === 0) continue;
    const flat = Number(indices[k]);
    const row = Math.floor(flat / vocabularySize);
    if (row < 0 || row >= batchSize) throw new Error(`sparse output index ${flat} is outside a batch of ${batchSize}`);
    perRow[row].push({ id: flat - row * vocabularySize, weight: weights[k] });
  }
  return perRow.map((entries) => {
    entries.sort((a, b) => a.id - b.id);
    return { ids: Int32Array.from(entries, (e) => e.id), weights: Float32Array.from(entries, (e) => e.weight) };
  });
}

/** Reads a run's outputs per the signature's output kind. */
export function rowsFromOutputs(outputs: Record<string, Tensor>, signature: SparseModelSignature, batchSize: number): SparseVector[] {
  const output = signature.output;
  const tensor = (name: string) => {
    const value = outputs[name];
    if (value === undefined) throw new Error(`the model has no output [${name}]`);
    return value.data as ArrayLike<number | bigint>;
  };
  if (output.kind === 'pooled') return pooledRows(tensor(output.name) as Weights, batchSize, signature.vocabularySize);
  return sparseRows(tensor(output.indices), tensor(output.weights) as Weights, batchSize, signature.vocabularySize);
}

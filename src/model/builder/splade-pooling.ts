/**
 * Plain-JS reference versions of the pooling the built-in graph does, for
 * checking models that stop earlier (see plugin-conventions.ts). They loop
 * over `[batch, sequence, vocab]` and are far too slow for serving.
 */

// An alias: in a VM context (as under Jest) each global lookup in a hot loop is slow.
const { log1p } = Math;

/**
 * `pooled[b, v] = keep[v] · log(1 + relu(max over t with mask[b, t] != 0 of logits[b, t, v]))`,
 * 0 where a row has no unmasked position.
 */
export function poolLogits(
  logits: Float32Array,
  dims: readonly [number, number, number],
  mask: ArrayLike<number | bigint>,
  keep?: Float32Array,
): Float32Array {
  const [batch, sequence, vocab] = dims;
  if (logits.length !== batch * sequence * vocab)
    throw new Error(`logits hold ${logits.length} values, dims say ${batch * sequence * vocab}`);
  const pooled = new Float32Array(batch * vocab);
  const maximum = new Float32Array(vocab);
  for (let b = 0; b < batch; b++) {
    maximum.fill(Number.NEGATIVE_INFINITY);
    for (let t = 0; t < sequence; t++) {
      if (Number(mask[b * sequence + t]) === 0) continue;
      const offset = (b * sequence + t) * vocab;
      for (let v = 0; v < vocab; v++) if (logits[offset + v] > maximum[v]) maximum[v] = logits[offset + v];
    }
    for (let v = 0; v < vocab; v++) {
      const value = maximum[v] > 0 ? log1p(maximum[v]) : 0;
      pooled[b * vocab + v] = keep ? value * keep[v] : value;
    }
  }
  return pooled;
}

/** Rebuilds `[batch, vocab]` from flattened non-zero indices `b · vocab + v` and their weights. */
export function sparseToDense(indices: BigInt64Array, weights: Float32Array, batch: number, vocab: number): Float32Array {
  if (indices.length !== weights.length) throw new Error(`${indices.length} indices but ${weights.length} weights`);
  const dense = new Float32Array(batch * vocab);
  for (let k = 0; k < indices.length; k++) {
    const index = Number(indices[k]);
    if (index < 0 || index >= dense.length) throw new Error(`sparse index ${index} is outside [0, ${dense.length})`);
    dense[index] = weights[k];
  }
  return dense;
}

/** `[token, weight]` pairs of one row with weight > 0, highest first. */
export function rowTokens(pooled: Float32Array, row: number, vocabulary: readonly string[]): [string, number][] {
  const vocab = vocabulary.length;
  const entries: [string, number][] = [];
  for (let v = 0; v < vocab; v++) {
    const weight = pooled[row * vocab + v];
    if (weight > 0) entries.push([vocabulary[v], weight]);
  }
  return entries.sort((a, b) => b[1] - a[1]);
}

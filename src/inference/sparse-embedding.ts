/** One input's sparse embedding: tokens in descending weight order. */
export interface SparseEmbedding {
  isTruncated: boolean;
  tokens: ReadonlyArray<readonly [token: string, weight: number]>;
}

/** Turns inputs into sparse embeddings; the model layer provides the implementation. */
export interface SparseEncoder {
  encode(texts: readonly string[]): Promise<SparseEmbedding[]>;
  close(): Promise<void>;
}

const float32 = new Float32Array(1);

/** Java's `Float.toString`: the shortest decimal that reads back as the same float, scientific outside [1e-3, 1e7). */
export function formatJavaFloat(value: number): string {
  float32[0] = value;
  const target = float32[0];
  let shortest = target;
  for (let digits = 1; digits <= 9; digits++) {
    const candidate = Number(target.toPrecision(digits));
    float32[0] = candidate;
    if (float32[0] === target) {
      shortest = candidate;
      break;
    }
  }
  const magnitude = Math.abs(shortest);
  if (magnitude === 0 || (magnitude >= 1e-3 && magnitude < 1e7)) {
    const text = String(shortest);
    return text.includes('.') ? text : `${text}.0`;
  }
  const [mantissa, exponent] = shortest.toExponential().split('e');
  return `${mantissa.includes('.') ? mantissa : `${mantissa}.0`}E${Number(exponent)}`;
}

/**
 * The `sparse_embedding` response body. Written by hand because token keys such
 * as "2020" would otherwise be moved ahead of the others by JavaScript's object
 * key ordering, breaking the descending-weight order Elasticsearch emits.
 */
export function sparseEmbeddingResponseJson(results: readonly SparseEmbedding[]): string {
  const items = results.map((result) => {
    const entries = result.tokens.map(([token, weight]) => `${JSON.stringify(token)}:${formatJavaFloat(weight)}`);
    return `{"is_truncated":${result.isTruncated},"embedding":{${entries.join(',')}}}`;
  });
  return `{"sparse_embedding":[${items.join(',')}]}`;
}

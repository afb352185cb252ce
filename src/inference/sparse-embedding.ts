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
const float32Bits = new Uint32Array(float32.buffer);

/** Whether `digits` significant digits of `target` read back as the float `target`. */
function readsBack(target: number, digits: number): number | undefined {
  const candidate = Number(target.toPrecision(digits));
  float32[0] = candidate;
  return float32[0] === target ? candidate : undefined;
}

/**
 * The shortest decimal of at most 9 significant digits that reads back as the
 * float `target`. Every float needs at most 9 and model weights mostly 7 or 8,
 * so the search starts at 8 and walks down while the shorter form still reads
 * back, rather than trying 1, 2, … 9 in turn. That gives the same answer
 * because reading back is monotone in the number of digits: d + 1 digits are
 * at least as close as d digits, and the floats that round to `target` form
 * an interval symmetric around it. Only powers of two have an asymmetric one
 * (the gap below is half the gap above), so they take the plain scan.
 */
function shortestDecimal(target: number): number {
  float32[0] = target;
  if ((float32Bits[0] & 0x7fffff) === 0) {
    for (let digits = 1; digits <= 9; digits++) {
      const candidate = readsBack(target, digits);
      if (candidate !== undefined) return candidate;
    }
    return target;
  }
  let shortest = readsBack(target, 8);
  if (shortest === undefined) return readsBack(target, 9) ?? target;
  for (let digits = 7; digits >= 1; digits--) {
    const candidate = readsBack(target, digits);
    if (candidate === undefined) break;
    shortest = candidate;
  }
  return shortest;
}

/** Java's `Float.toString`: the shortest decimal that reads back as the same float, scientific outside [1e-3, 1e7). */
export function formatJavaFloat(value: number): string {
  float32[0] = value;
  const shortest = shortestDecimal(float32[0]);
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
  let json = '{"sparse_embedding":[';
  for (let r = 0; r < results.length; r++) {
    const { isTruncated, tokens } = results[r];
    json += `${r === 0 ? '' : ','}{"is_truncated":${isTruncated},"embedding":{`;
    for (let i = 0; i < tokens.length; i++) {
      const [token, weight] = tokens[i];
      json += `${i === 0 ? '' : ','}${JSON.stringify(token)}:${formatJavaFloat(weight)}`;
    }
    json += '}}';
  }
  return `${json}]}`;
}

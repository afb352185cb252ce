import { formatJavaFloat, sparseEmbeddingResponseJson } from './sparse-embedding';

describe('sparse embedding serialization', () => {
  it('prints floats as Java prints a float', () => {
    expect(formatJavaFloat(Math.fround(2.1259406))).toBe('2.1259406');
    expect(formatJavaFloat(Math.fround(0.99471164))).toBe('0.99471164');
    expect(formatJavaFloat(1)).toBe('1.0');
    expect(formatJavaFloat(Math.fround(0.5))).toBe('0.5');
    expect(formatJavaFloat(Math.fround(0.0005))).toBe('5.0E-4');
  });

  it('keeps token order even for numeric tokens', () => {
    const json = sparseEmbeddingResponseJson([
      {
        isTruncated: false,
        tokens: [
          ['sky', 2],
          ['2020', 1],
        ],
      },
    ]);
    expect(json).toBe('{"sparse_embedding":[{"is_truncated":false,"embedding":{"sky":2.0,"2020":1.0}}]}');
    expect(Object.keys(JSON.parse(json).sparse_embedding[0].embedding)).toEqual(['2020', 'sky']);
  });
});

describe('shortest float decimal', () => {
  const float32 = new Float32Array(1);
  const bits = new Uint32Array(float32.buffer);

  /** The definition: the first of 1, 2, … 9 significant digits that reads back as the float. */
  function byDefinition(value: number): number {
    float32[0] = value;
    const target = float32[0];
    for (let digits = 1; digits <= 9; digits++) {
      const candidate = Number(target.toPrecision(digits));
      float32[0] = candidate;
      if (float32[0] === target) return candidate;
    }
    return target;
  }

  const javaFloat = (value: number) => {
    const shortest = byDefinition(value);
    const magnitude = Math.abs(shortest);
    if (magnitude === 0 || (magnitude >= 1e-3 && magnitude < 1e7))
      return String(shortest).includes('.') ? String(shortest) : `${shortest}.0`;
    const [mantissa, exponent] = shortest.toExponential().split('e');
    return `${mantissa.includes('.') ? mantissa : `${mantissa}.0`}E${Number(exponent)}`;
  };

  it('agrees with the digit-by-digit definition across the float range, powers of two included', () => {
    const values: number[] = [];
    for (let pattern = 0; pattern < 2 ** 32; pattern += 40_009) {
      bits[0] = pattern;
      values.push(float32[0]);
    }
    for (let exponent = 0; exponent < 256; exponent++) {
      bits[0] = exponent << 23;
      values.push(float32[0], -float32[0]);
    }
    for (let i = 0; i < 20_000; i++) values.push(Math.fround((i * 0.000731) % 12));
    const mismatches = values.filter((value) => formatJavaFloat(value) !== javaFloat(value));
    expect(mismatches).toEqual([]);
  });
});

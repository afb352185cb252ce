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

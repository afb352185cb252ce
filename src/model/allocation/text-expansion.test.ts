import { sanitizedVocabulary, sanitizeToken, toSparseEmbedding, tokenWeights } from './text-expansion';

describe('text expansion post-processing', () => {
  test('dots become double underscores', () => {
    expect(['.', '...', 'e.g', '##.', 'plain'].map(sanitizeToken)).toEqual(['__', '______', 'e__g', '##__', 'plain']);
    expect(sanitizedVocabulary(['a.b', 'c'])).toEqual(['a__b', 'c']);
  });

  test('keeps weights above zero, by descending weight, ties by ascending id', () => {
    const tokens = ['t0', 't1', 't2', 't3', 't4', 't5'];
    const vector = { ids: Int32Array.from([0, 1, 2, 3, 4, 5]), weights: Float32Array.from([0.5, -1, 2, 0.5, 0, 0.25]) };
    expect(tokenWeights(vector, tokens)).toEqual([
      ['t2', 2],
      ['t0', 0.5],
      ['t3', 0.5],
      ['t5', 0.25],
    ]);
    expect(toSparseEmbedding(vector, tokens, true)).toEqual({ isTruncated: true, tokens: tokenWeights(vector, tokens) });
  });
});

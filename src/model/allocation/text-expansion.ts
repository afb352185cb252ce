import type { SparseEmbedding } from '../../inference/sparse-embedding';
import type { SparseVector } from '../sparse-model-signature';

/** `TextExpansionProcessor.buildSanitizedVocabMap`: dots would become object paths in field names. */
export const sanitizeToken = (token: string) => token.replace(/\./g, '__');

export const sanitizedVocabulary = (vocabulary: readonly string[]): string[] => vocabulary.map(sanitizeToken);

/**
 * `TextExpansionProcessor.sparseVectorToTokenWeights`: every weight > 0 kept
 * under its sanitized token, sorted by descending weight, ties by ascending id.
 */
export function tokenWeights(vector: SparseVector, tokens: readonly string[]): [string, number][] {
  const kept: number[] = [];
  for (let k = 0; k < vector.ids.length; k++) if (vector.weights[k] > 0) kept.push(k);
  kept.sort((a, b) => vector.weights[b] - vector.weights[a] || vector.ids[a] - vector.ids[b]);
  return kept.map((k) => [tokens[vector.ids[k]], vector.weights[k]]);
}

export const toSparseEmbedding = (vector: SparseVector, tokens: readonly string[], isTruncated: boolean): SparseEmbedding => ({
  isTruncated,
  tokens: tokenWeights(vector, tokens),
});

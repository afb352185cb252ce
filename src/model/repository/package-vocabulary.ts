import type { VocabularyFile } from './model-package';
import type { ModelRepositorySource } from './model-repository-source';
import { parseFailure, parseJsonObject, readAll } from './read-artefact';
import { failedToLoadVocabulary, unknownVocabularyFormat } from './repository-errors';

/** Elasticsearch reads at most 20 MB of a vocabulary file. */
export const VOCABULARY_SIZE_LIMIT = 20 * 1024 * 1024;

/**
 * Parses `{"vocabulary":[...], "merges":[...]?, "scores":[...]?}`. As in
 * Elasticsearch every top-level field must be a list and a missing
 * `vocabulary` is an empty one.
 */
export function parseVocabularyFile(bytes: Buffer): VocabularyFile {
  const document = parseJsonObject(bytes);
  for (const [field, value] of Object.entries(document)) {
    if (!Array.isArray(value)) throw parseFailure(`[${field}] must be a list`);
  }
  const strings = (field: string): string[] | undefined => {
    const list = document[field] as unknown[] | undefined;
    if (list === undefined) return undefined;
    if (!list.every((entry) => typeof entry === 'string')) throw parseFailure(`[${field}] must be a list of strings`);
    return list as string[];
  };
  const scores = document.scores as unknown[] | undefined;
  if (scores !== undefined && !scores.every((entry) => typeof entry === 'number')) throw parseFailure('[scores] must be a list of numbers');
  const merges = strings('merges');
  return {
    vocabulary: strings('vocabulary') ?? [],
    ...(merges !== undefined ? { merges } : {}),
    ...(scores !== undefined ? { scores: scores as number[] } : {}),
  };
}

/** Downloads and parses the vocabulary named by the package metadata. */
export async function fetchVocabulary(source: ModelRepositorySource, vocabularyFile: string): Promise<VocabularyFile> {
  // Resolving first lets an illegal name fail with its own message, as in Elasticsearch.
  source.uriOf(vocabularyFile);
  if (!vocabularyFile.endsWith('.json')) throw unknownVocabularyFormat();
  try {
    const body = await source.open(vocabularyFile);
    return parseVocabularyFile(await readAll(body.stream, VOCABULARY_SIZE_LIMIT));
  } catch (error) {
    throw failedToLoadVocabulary(error);
  }
}

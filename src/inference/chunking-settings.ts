import { illegalArgument, ValidationErrors } from '../errors/elasticsearch-exception';
import { formatJavaDouble, hashMapOrder, JavaMap, javaToString } from '../java/values';
import type { ChunkingSettings } from './endpoint';
import { mustBePositiveIntegerMessage, missingSettingMessage, removeAsType } from './settings-map';

const SCOPE = 'chunking_settings';

export const DEFAULT_CHUNKING_SETTINGS: ChunkingSettings = { strategy: 'sentence', max_chunk_size: 250, sentence_overlap: 1 };

const rangeMessage = (setting: string, value: number, bound: number, relation: 'greater' | 'less') =>
  `[${SCOPE}] Invalid value [${formatJavaDouble(value)}]. [${setting}] must be a ${relation} than or equal to [${formatJavaDouble(bound)}]`;

function requiredIntegerBetween(map: JavaMap, key: string, min: number, max: number, errors: ValidationErrors): number | undefined {
  const before = errors.count;
  const value = removeAsType(map, key, 'Integer', errors) as number | undefined;
  if (errors.count > before) return undefined;
  if (value === undefined) {
    errors.add(missingSettingMessage(key, SCOPE));
    return undefined;
  }
  if (value <= 0) {
    errors.add(mustBePositiveIntegerMessage(key, SCOPE, value));
    return undefined;
  }
  if (value < min) {
    errors.add(rangeMessage(key, value, min, 'greater'));
    return undefined;
  }
  if (value > max) {
    errors.add(rangeMessage(key, value, max, 'less'));
    return undefined;
  }
  return value;
}

function unknownKeys(map: JavaMap, valid: readonly string[]): string[] {
  return hashMapOrder([...map.keys()]).filter((key) => !valid.includes(key));
}

/** `ChunkingSettingsBuilder.fromMap` for the sentence and word strategies. */
export function parseChunkingSettings(map: JavaMap | undefined): ChunkingSettings {
  if (map === undefined || map.size === 0) return { ...DEFAULT_CHUNKING_SETTINGS };
  const strategyValue = map.get('strategy');
  if (strategyValue === undefined || strategyValue === null) {
    throw illegalArgument("Can't generate Chunker without ChunkingStrategy provided");
  }
  const strategy = javaToString(strategyValue).toLowerCase();
  const errors = new ValidationErrors();
  if (strategy === 'sentence') {
    const invalid = unknownKeys(map, ['strategy', 'max_chunk_size', 'sentence_overlap']);
    if (invalid.length > 0) errors.add(`Sentence based chunking settings can not have the following settings: [${invalid.join(', ')}]`);
    const maxChunkSize = requiredIntegerBetween(map, 'max_chunk_size', 20, 300, errors);
    const overlap = removeAsType(map, 'sentence_overlap', 'Integer', errors) as number | undefined;
    if (overlap !== undefined && overlap !== 0 && overlap !== 1) errors.add(`sentence_overlap[${overlap}] must be either 0 or 1`);
    errors.throwIfAny();
    return { strategy: 'sentence', max_chunk_size: maxChunkSize as number, sentence_overlap: overlap === 0 ? 0 : 1 };
  }
  if (strategy === 'word') {
    const invalid = unknownKeys(map, ['strategy', 'max_chunk_size', 'overlap']);
    if (invalid.length > 0) errors.add(`Word based chunking settings can not have the following settings: [${invalid.join(', ')}]`);
    const maxChunkSize = requiredIntegerBetween(map, 'max_chunk_size', 10, 300, errors);
    const overlapBefore = errors.count;
    const overlap = removeAsType(map, 'overlap', 'Integer', errors) as number | undefined;
    if (errors.count === overlapBefore) {
      if (overlap === undefined) errors.add(missingSettingMessage('overlap', SCOPE));
      else if (overlap <= 0) errors.add(mustBePositiveIntegerMessage('overlap', SCOPE, overlap));
      else if (maxChunkSize !== undefined && overlap > maxChunkSize / 2)
        errors.add(rangeMessage('overlap', overlap, maxChunkSize / 2, 'less'));
    }
    errors.throwIfAny();
    return { strategy: 'word', max_chunk_size: maxChunkSize as number, overlap: overlap as number };
  }
  throw illegalArgument(`Invalid chunkingStrategy ${javaToString(strategyValue)}`);
}

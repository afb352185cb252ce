import { badRequest } from '../errors/elasticsearch-exception';

/** Task types as Elasticsearch's `TaskType` enum names them (lower case on the wire). */
export type TaskType = 'text_embedding' | 'sparse_embedding' | 'rerank' | 'completion' | 'any' | 'chat_completion';

/** Elasticsearch's `TaskType.fromStringOrStatusException`: case-insensitive, trimmed. */
export function parseTaskType(text: string, known: readonly TaskType[]): TaskType {
  const normalized = text.trim().toLowerCase() as TaskType;
  if (!known.includes(normalized)) throw badRequest(`Unknown task_type [${text}]`);
  return normalized;
}

/** `TaskType.isAnyOrSame`. */
export const isAnyOrSame = (a: TaskType, b: TaskType) => a === 'any' || b === 'any' || a === b;

export const unsupportedTaskTypeMessage = (taskType: TaskType, service: string) =>
  `The [${service}] service does not support task type [${taskType}]`;

/**
 * The `stack_trace` that `?error_trace=true` adds to each error object: `ExceptionsHelper.stackTrace`,
 * which starts with the exception's `toString()`. Elasticsearch's own exceptions print as
 * `SimpleName[reason]` (followed by their causes), the JDK's and Jackson's as `fully.qualified.Name: reason`.
 * UNCONFIRMED choice: only that first line is written; this server has no Java frames to show.
 */
export function stackTraceOf(type: string, reason: string, causedBy?: { type: string; reason: string }): string {
  const javaClass = JAVA_CLASSES[type];
  if (javaClass) return `${javaClass}: ${reason}`;
  // `ExceptionsHelper.detailedMessage`: with a cause, each exception of the chain and "; nested: ".
  if (causedBy) return `${simpleName(type)}[${reason}]; nested: ${simpleName(causedBy.type)}[${causedBy.reason}];`;
  return `${simpleName(type)}[${reason}]`;
}

const simpleName = (type: string) => JAVA_CLASSES[type]?.split('.').pop() ?? ELASTICSEARCH_CLASSES[type] ?? camelCase(type);

/** Exceptions Elasticsearch reports from the JDK or Jackson, by their snake_case type. */
const JAVA_CLASSES: Record<string, string> = {
  illegal_argument_exception: 'java.lang.IllegalArgumentException',
  illegal_state_exception: 'java.lang.IllegalStateException',
  class_cast_exception: 'java.lang.ClassCastException',
  number_format_exception: 'java.lang.NumberFormatException',
  i_o_exception: 'java.io.IOException',
  json_parse_exception: 'com.fasterxml.jackson.core.JsonParseException',
};

/** Elasticsearch classes whose name is not the camel case of their type. */
const ELASTICSEARCH_CLASSES: Record<string, string> = {
  status_exception: 'ElasticsearchStatusException',
  parse_exception: 'ElasticsearchParseException',
  security_exception: 'ElasticsearchSecurityException',
  es_rejected_execution_exception: 'EsRejectedExecutionException',
};

const camelCase = (type: string) =>
  type
    .split('_')
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join('');

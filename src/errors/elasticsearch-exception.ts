import { stackTraceOf } from './stack-trace';

/**
 * An error as Elasticsearch reports it: `type` is the exception class in
 * snake_case, `status` the HTTP status, `cause` an optional wrapped error that
 * appears as `caused_by`.
 */
export class ElasticsearchException extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    readonly reason: string,
    readonly causedBy?: { type: string; reason: string },
    /** Exception metadata (written beside `type` and `reason`), HTTP headers and deprecation warnings of the response. */
    readonly extra: { metadata?: Record<string, unknown>; headers?: Record<string, string | string[]>; warnings?: readonly string[] } = {},
  ) {
    super(reason);
  }

  /** The same exception, answered with these deprecation warnings too (Elasticsearch sends them with errors as well). */
  withWarnings(warnings: readonly string[]): ElasticsearchException {
    if (warnings.length === 0) return this;
    return new ElasticsearchException(this.status, this.type, this.reason, this.causedBy, {
      ...this.extra,
      warnings: [...(this.extra.warnings ?? []), ...warnings],
    });
  }

  /** The response body; `errorTrace` (`?error_trace=true`) adds each error object's `stack_trace`, last, as Elasticsearch does. */
  toJSON(errorTrace = false): ErrorResponseBody {
    const trace = (...of: Parameters<typeof stackTraceOf>) => (errorTrace ? { stack_trace: stackTraceOf(...of) } : {});
    const cause = { type: this.type, reason: this.reason, ...this.extra.metadata };
    const error: ErrorCauseBody = { root_cause: [{ ...cause, ...trace(this.type, this.reason, this.causedBy) }], ...cause };
    if (this.causedBy) error.caused_by = { ...this.causedBy, ...trace(this.causedBy.type, this.causedBy.reason) };
    Object.assign(error, trace(this.type, this.reason, this.causedBy));
    return { error, status: this.status };
  }
}

export interface ErrorCauseBody {
  root_cause: { type: string; reason: string; [metadata: string]: unknown }[];
  type: string;
  reason: string;
  caused_by?: { type: string; reason: string };
  [metadata: string]: unknown;
}

export interface ErrorResponseBody {
  error: ErrorCauseBody;
  status: number;
}

/** `ElasticsearchStatusException`. */
export const statusException = (status: number, reason: string) => new ElasticsearchException(status, 'status_exception', reason);

export const badRequest = (reason: string) => statusException(400, reason);

export const illegalArgument = (reason: string) => new ElasticsearchException(400, 'illegal_argument_exception', reason);

export const resourceNotFound = (reason: string) => new ElasticsearchException(404, 'resource_not_found_exception', reason);

export const resourceAlreadyExists = (reason: string) => new ElasticsearchException(400, 'resource_already_exists_exception', reason);

export const parseException = (reason: string, causedBy?: { type: string; reason: string }) =>
  new ElasticsearchException(400, 'parse_exception', reason, causedBy);

/** Numbered messages as `ValidationException.getMessage()` renders them. */
export function validationFailedReason(messages: readonly string[]): string {
  return `Validation Failed: ${messages.map((message, i) => `${i + 1}: ${message};`).join('')}`;
}

/** `ValidationException` (400 `validation_exception`). */
export const validationException = (messages: readonly string[]) =>
  new ElasticsearchException(400, 'validation_exception', validationFailedReason(messages));

/** `ActionRequestValidationException` (400 `action_request_validation_exception`). */
export const actionRequestValidation = (messages: readonly string[]) =>
  new ElasticsearchException(400, 'action_request_validation_exception', validationFailedReason(messages));

/** A Java `ClassCastException` escaping a handler, which Elasticsearch answers with 500. */
export function classCastException(actualClass: string, expectedClass: string): ElasticsearchException {
  const loader = "are in module java.base of loader 'bootstrap'";
  return new ElasticsearchException(
    500,
    'class_cast_exception',
    `class ${actualClass} cannot be cast to class ${expectedClass} (${actualClass} and ${expectedClass} ${loader})`,
  );
}

/** Collects messages the way Elasticsearch's `ValidationException` does. */
export class ValidationErrors {
  readonly messages: string[] = [];

  add(message: string): void {
    this.messages.push(message);
  }

  get count(): number {
    return this.messages.length;
  }

  throwIfAny(factory: (messages: readonly string[]) => ElasticsearchException = validationException): void {
    if (this.messages.length > 0) throw factory(this.messages);
  }
}

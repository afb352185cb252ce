import { actionRequestValidation } from '../errors/elasticsearch-exception';

const VALID_ID = /^[a-z0-9](?:[a-z0-9_\-.]*[a-z0-9])?$/;

/** `MlStrings.isValidId`: lower-case alphanumerics, `-`, `_`, `.`, alphanumeric at both ends, and not `_all`. */
export const isValidInferenceId = (id: string) => VALID_ID.test(id) && id !== '_all';

export function invalidIdMessage(field: string, id: string): string {
  return `Invalid ${field}; '${id}' can contain lowercase alphanumeric (a-z and 0-9), hyphens or underscores; must start and end with alphanumeric`;
}

/** `PutInferenceModelAction.Request.validate`. */
export function validateInferenceIdForCreate(id: string): void {
  if (!isValidInferenceId(id)) throw actionRequestValidation([invalidIdMessage('inference_id', id)]);
}

/** The `_all` and `*` forms that mean "every endpoint" in GET requests (`Strings.isAllOrWildcard`). */
export const isAllOrWildcard = (id: string | undefined) => id === undefined || id === '' || id === '_all' || id === '*';

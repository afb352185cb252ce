import type { ErrorObject } from 'ajv/dist/2020';

/**
 * Ajv's errors for a contract file, reduced to the ones a person needs. For a `oneOf` (a header
 * expectation is a string or a matcher) Ajv reports every alternative; the alternative whose
 * type fits is the one that was meant, so the type mismatches of the others are dropped, and
 * the `oneOf` error itself when the fitting alternative explains the problem.
 */
export function relevantErrors(errors: readonly ErrorObject[]): ErrorObject[] {
  let remaining = [...errors];
  const alternatives = errors.filter((error) => error.keyword === 'oneOf' || error.keyword === 'anyOf');
  for (const alternative of alternatives) {
    const at = alternative.instancePath;
    const inside = (error: ErrorObject) => error !== alternative && (error.instancePath === at || error.instancePath.startsWith(`${at}/`));
    const wrongType = (error: ErrorObject) => inside(error) && error.keyword === 'type' && error.instancePath === at;
    remaining = remaining.filter((error) => !wrongType(error));
    if (remaining.some(inside)) remaining = remaining.filter((error) => error !== alternative);
  }
  return remaining;
}

/** `cases/3/request/method` → `request.method`, relative to the case when there is one. */
export function describeLocation(instancePath: string): string {
  const parts = instancePath.split('/').slice(1);
  const relative = parts[0] === 'cases' && parts.length >= 2 ? parts.slice(2) : parts;
  return relative.length === 0 ? '' : relative.map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~')).join('.');
}

export function describeError(error: ErrorObject): string {
  const where = describeLocation(error.instancePath);
  const subject = where === '' ? 'the value' : where;
  switch (error.keyword) {
    case 'additionalProperties':
      return `${subject} has the unknown property [${error.params.additionalProperty}]`;
    case 'required':
      return `${subject} lacks the required property [${error.params.missingProperty}]`;
    case 'enum':
      return `${subject} must be one of ${(error.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'const':
      return `${subject} must be ${JSON.stringify(error.params.allowedValue)}`;
    case 'not':
      return `${subject} must not give both body and bodyText`;
    case 'minProperties':
      return `${subject} must have at least ${error.params.limit} propert${error.params.limit === 1 ? 'y' : 'ies'}`;
    case 'oneOf':
    case 'anyOf':
      return `${subject} matches none of its allowed forms`;
    default:
      return `${subject} ${error.message}`;
  }
}

import type { JsonType, Matcher } from './case-model';
import { compact, deepEqual, isPlainObject } from './json-values';

/**
 * The matchers of `expect.match` and `expect.headers`. Every property of a matcher must hold.
 * `matchValue` returns what did not hold, as readable sentences; none means the value matches.
 */

function jsonType(value: unknown): JsonType {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value as JsonType;
}

function hasType(value: unknown, type: JsonType): boolean {
  const actual = jsonType(value);
  return actual === type || (type === 'number' && actual === 'integer');
}

/** What `regex` is matched against: strings as they are, other values as JSON. */
function asString(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function sizeOf(value: unknown): number | undefined {
  if (typeof value === 'string' || Array.isArray(value)) return value.length;
  if (isPlainObject(value)) return Object.keys(value).length;
  return undefined;
}

function membersOf(value: unknown): Array<[string, unknown]> | undefined {
  if (Array.isArray(value)) return value.map((item, i) => [String(i), item]);
  if (isPlainObject(value)) return Object.entries(value);
  return undefined;
}

/** Checks `value` (`present: false` when the path does not exist) against `matcher`. */
export function matchValue(matcher: Matcher, value: unknown, present = true): string[] {
  if (matcher.absent) {
    return present ? [`expected no value, got ${compact(value)}`] : [];
  }
  if (!present) return [`expected a value matching ${describeMatcher(matcher)}, but it is absent`];
  const failures: string[] = [];
  if ('equals' in matcher && !deepEqual(value, matcher.equals)) failures.push(`expected ${compact(matcher.equals)}, got ${compact(value)}`);
  if (matcher.type !== undefined && !hasType(value, matcher.type))
    failures.push(`expected a value of type ${matcher.type}, got ${jsonType(value)}`);
  if (matcher.regex !== undefined && !new RegExp(matcher.regex).test(asString(value))) {
    failures.push(`expected a value matching /${matcher.regex}/, got ${compact(value)}`);
  }
  if (matcher.containsKeys !== undefined || matcher.lacksKeys !== undefined) {
    if (!isPlainObject(value)) {
      failures.push(`expected an object, got ${jsonType(value)}`);
    } else {
      const missing = (matcher.containsKeys ?? []).filter((key) => !Object.prototype.hasOwnProperty.call(value, key));
      if (missing.length > 0) failures.push(`expected keys ${compact(missing)}, which are missing (keys: ${compact(Object.keys(value))})`);
      const unwanted = (matcher.lacksKeys ?? []).filter((key) => Object.prototype.hasOwnProperty.call(value, key));
      if (unwanted.length > 0) failures.push(`expected no keys ${compact(unwanted)}, which are present`);
    }
  }
  if (matcher.length !== undefined || matcher.minLength !== undefined || matcher.maxLength !== undefined) {
    const size = sizeOf(value);
    if (size === undefined) failures.push(`expected a string, array or object to measure, got ${jsonType(value)}`);
    else {
      if (matcher.length !== undefined && size !== matcher.length) failures.push(`expected length ${matcher.length}, got ${size}`);
      if (matcher.minLength !== undefined && size < matcher.minLength)
        failures.push(`expected length >= ${matcher.minLength}, got ${size}`);
      if (matcher.maxLength !== undefined && size > matcher.maxLength)
        failures.push(`expected length <= ${matcher.maxLength}, got ${size}`);
    }
  }
  if (matcher.sortedByValueDesc) failures.push(...sortedByValueDesc(value));
  if (matcher.every !== undefined) {
    const members = membersOf(value);
    if (members === undefined) failures.push(`expected an array or object for "every", got ${jsonType(value)}`);
    else {
      for (const [key, member] of members) {
        const inner = matchValue(matcher.every, member);
        if (inner.length > 0) {
          failures.push(`[${key}]: ${inner.join('; ')}`);
          break;
        }
      }
    }
  }
  if (matcher.greaterThan !== undefined || matcher.lessThanOrEqual !== undefined) {
    if (typeof value !== 'number') failures.push(`expected a number, got ${jsonType(value)}`);
    else {
      if (matcher.greaterThan !== undefined && !(value > matcher.greaterThan))
        failures.push(`expected > ${matcher.greaterThan}, got ${value}`);
      if (matcher.lessThanOrEqual !== undefined && !(value <= matcher.lessThanOrEqual)) {
        failures.push(`expected <= ${matcher.lessThanOrEqual}, got ${value}`);
      }
    }
  }
  return failures;
}

function sortedByValueDesc(value: unknown): string[] {
  if (!isPlainObject(value)) return [`expected an object sorted by value, got ${jsonType(value)}`];
  const entries = Object.entries(value);
  for (const [key, weight] of entries) {
    if (typeof weight !== 'number') return [`expected numeric values, but [${key}] is ${compact(weight)}`];
  }
  for (let i = 1; i < entries.length; i++) {
    const [previousKey, previous] = entries[i - 1] as [string, number];
    const [key, weight] = entries[i] as [string, number];
    if (weight > previous) return [`expected values in descending order, but [${key}]=${weight} follows [${previousKey}]=${previous}`];
  }
  return [];
}

export function describeMatcher(matcher: Matcher): string {
  return JSON.stringify(matcher);
}

/** The regular expressions of a matcher, nested ones included, for checking them when a file loads. */
export function matcherRegexes(matcher: Matcher): string[] {
  return [...(matcher.regex !== undefined ? [matcher.regex] : []), ...(matcher.every ? matcherRegexes(matcher.every) : [])];
}

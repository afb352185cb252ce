import { HEAVY_VALUES, HostileValue, WRONG_TYPES } from './hostile-values';
import { describe as describeValue, Entries, isPlainObject, JsonLike, Raw } from './json-text';

/** Where a value sits in a body: object keys and array indexes from the root. */
export type KeyPath = readonly (string | number)[];

export type Mutation =
  | { kind: 'remove'; path: KeyPath }
  | { kind: 'replace'; path: KeyPath; value: HostileValue }
  | { kind: 'add'; path: KeyPath; key: string; value: JsonLike }
  | { kind: 'duplicate'; path: KeyPath };

export function describeMutation(mutation: Mutation): string {
  const at = mutation.path.length === 0 ? '<root>' : mutation.path.join('.');
  switch (mutation.kind) {
    case 'remove':
      return `remove ${at}`;
    case 'replace':
      return `${at} = ${mutation.value.name}`;
    case 'add':
      return `add ${at === '<root>' ? '' : `${at}.`}${mutation.key} = ${describeValue(mutation.value)}`;
    case 'duplicate':
      return `duplicate the first key of ${at}`;
  }
}

/** Every path to a value inside `value`: each key of each object, the first items of each array. */
export function keyPaths(value: JsonLike, arrayItems = 2, prefix: KeyPath = []): KeyPath[] {
  const paths: KeyPath[] = [];
  if (isPlainObject(value)) {
    for (const [key, child] of Object.entries(value)) {
      const path = [...prefix, key];
      paths.push(path, ...keyPaths(child, arrayItems, path));
    }
  } else if (Array.isArray(value)) {
    value.slice(0, arrayItems).forEach((child, i) => {
      const path = [...prefix, i];
      paths.push(path, ...keyPaths(child, arrayItems, path));
    });
  }
  return paths;
}

/** Paths of the objects in `value` (the root included when it is one). */
export function objectPaths(value: JsonLike): KeyPath[] {
  const paths: KeyPath[] = isPlainObject(value) ? [[]] : [];
  for (const path of keyPaths(value)) if (isPlainObject(getAt(value, path))) paths.push(path);
  return paths;
}

export function getAt(value: JsonLike, path: KeyPath): JsonLike | undefined {
  let current: JsonLike | undefined = value;
  for (const step of path) {
    if (Array.isArray(current) && typeof step === 'number') current = current[step];
    else if (isPlainObject(current) && typeof step === 'string' && Object.hasOwn(current, step)) current = current[step];
    else return undefined;
  }
  return current;
}

/** A copy of `value` with the value at `path` changed by `edit` (`undefined` removes it); unchanged when the path is gone. */
function editAt(value: JsonLike, path: KeyPath, edit: (current: JsonLike) => JsonLike | undefined): JsonLike {
  if (path.length === 0) return edit(value) ?? {};
  const [step, ...rest] = path;
  if (Array.isArray(value) && typeof step === 'number' && step < value.length) {
    const copy = [...value];
    if (rest.length > 0) copy[step] = editAt(copy[step], rest, edit);
    else {
      const next = edit(copy[step]);
      if (next === undefined) copy.splice(step, 1);
      else copy[step] = next;
    }
    return copy;
  }
  if (isPlainObject(value) && typeof step === 'string' && Object.hasOwn(value, step)) {
    const copy: { [key: string]: JsonLike } = { ...value };
    if (rest.length > 0) copy[step] = editAt(copy[step], rest, edit);
    else {
      const next = edit(copy[step]);
      if (next === undefined) delete copy[step];
      else copy[step] = next;
    }
    return copy;
  }
  return value;
}

export function applyMutation(value: JsonLike, mutation: Mutation): JsonLike {
  switch (mutation.kind) {
    case 'remove':
      return editAt(value, mutation.path, () => undefined);
    case 'replace':
      return editAt(value, mutation.path, () => mutation.value.value);
    case 'add':
      return editAt(value, mutation.path, (current) => (isPlainObject(current) ? { ...current, [mutation.key]: mutation.value } : current));
    case 'duplicate':
      return editAt(value, mutation.path, (current) => {
        if (!isPlainObject(current)) return current;
        const entries = Object.entries(current);
        return entries.length === 0 ? current : new Entries([...entries, entries[0]]);
      });
  }
}

const byName = (names: readonly string[]) => WRONG_TYPES.filter((value) => names.includes(value.name));

/** One value of each JSON type. */
export const TYPE_REPRESENTATIVES = byName(['null', 'true', 'zero', 'string', 'empty array', 'empty object']);

/** What replaces a number: the limits of Java's int, long and double, and fractions. */
export const NUMBER_EXTREMES = byName([
  'negative',
  'int max',
  'int max + 1',
  'int min - 1',
  '2^53 + 1',
  'long max + 1',
  'huge integer',
  '1e309 (overflows a double)',
  '-1e309',
  '1e-400 (underflows a double)',
  'negative zero',
  'float where an integer belongs',
  'integral float',
  'exponent integer',
]);

/** What replaces a string: the texts that break naive readers. */
export const STRING_HOSTILES = byName([
  'empty string',
  'numeric string',
  'boolean string',
  'NUL bytes',
  'escaped lone surrogate',
  'invalid UTF-8',
  'unicode',
]);

export interface SystematicOptions {
  /** Whether the megabyte and deep-nesting values are tried at this path too. */
  heavyAt?: (path: KeyPath) => boolean;
}

/**
 * The systematic mutations of a body: each key removed, each value replaced by each
 * other JSON type (numbers by their extremes, strings by hostile texts), extra and
 * duplicate keys in each object.
 */
export function systematicMutations(body: JsonLike, options: SystematicOptions = {}): Mutation[] {
  const mutations: Mutation[] = [];
  for (const path of keyPaths(body)) {
    const current = getAt(body, path);
    mutations.push({ kind: 'remove', path });
    const replacements = [...TYPE_REPRESENTATIVES];
    if (typeof current === 'number' || (current instanceof Raw && /^-?\d/.test(current.bytes.toString())))
      replacements.push(...NUMBER_EXTREMES);
    if (typeof current === 'string') replacements.push(...STRING_HOSTILES);
    if (options.heavyAt?.(path)) replacements.push(...HEAVY_VALUES);
    for (const value of replacements) mutations.push({ kind: 'replace', path, value });
  }
  for (const path of objectPaths(body)) {
    mutations.push({ kind: 'add', path, key: 'fuzz_extra', value: 1 });
    mutations.push({ kind: 'add', path, key: '', value: null });
    mutations.push({ kind: 'duplicate', path });
  }
  if (isPlainObject(body) && Object.keys(body).length > 0)
    mutations.push({ kind: 'replace', path: [], value: { name: 'empty object', value: {} } });
  return mutations;
}

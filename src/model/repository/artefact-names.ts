import { illegalPackagePath } from './repository-errors';

/**
 * Package ids and artefact names come from callers and from downloaded
 * metadata, so they are only ever used as a single file name: no separators,
 * no `..`, no NUL or other control characters, no drive or scheme prefix.
 */
export function isPlainFileName(name: string): boolean {
  return (
    name.length > 0 &&
    name.length <= 255 &&
    name !== '.' &&
    !name.includes('..') &&
    !/[/\\:]/.test(name) &&
    !/[\u0000-\u001f\u007f]/.test(name)
  );
}

/** Throws Elasticsearch's `Illegal path in package location` for anything but a plain file name. */
export function requirePlainFileName(name: string): string {
  if (!isPlainFileName(name)) throw illegalPackagePath();
  return name;
}

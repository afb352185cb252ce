/**
 * Dotted paths into a JSON body, as `expect.match` writes them: `sparse_embedding.0.embedding`.
 * A number selects an array element; a dot that belongs to a key is written `\.`
 * (`service_settings.model\.id`), a backslash `\\`. The empty path is the body itself.
 */

export class PathSyntaxError extends Error {}

export function parsePath(path: string): string[] {
  if (path === '') return [];
  const segments: string[] = [];
  let current = '';
  for (let i = 0; i < path.length; i++) {
    const char = path[i];
    if (char === '\\') {
      const next = path[i + 1];
      if (next !== '.' && next !== '\\') throw new PathSyntaxError(`path [${path}]: a backslash must precede "." or "\\"`);
      current += next;
      i++;
    } else if (char === '.') {
      segments.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  segments.push(current);
  if (segments.some((segment) => segment === '')) throw new PathSyntaxError(`path [${path}] has an empty segment`);
  return segments;
}

export type Lookup = { present: true; value: unknown } | { present: false; missingAt: string };

const INDEX = /^(0|[1-9][0-9]*)$/;

/** Follows the path; `missingAt` names the first segment that does not exist. */
export function lookup(root: unknown, segments: readonly string[]): Lookup {
  let value = root;
  for (const [depth, segment] of segments.entries()) {
    const here = formatPath(segments.slice(0, depth + 1));
    if (Array.isArray(value)) {
      if (!INDEX.test(segment) || Number(segment) >= value.length) return { present: false, missingAt: here };
      value = value[Number(segment)];
    } else if (value !== null && typeof value === 'object' && Object.prototype.hasOwnProperty.call(value, segment)) {
      value = (value as Record<string, unknown>)[segment];
    } else {
      return { present: false, missingAt: here };
    }
  }
  return { present: true, value };
}

/** The inverse of `parsePath`. */
export function formatPath(segments: readonly string[]): string {
  return segments.map((segment) => segment.replace(/\\/g, '\\\\').replace(/\./g, '\\.')).join('.');
}

import { simpleMatch } from '../java/simple-match';

/**
 * Elasticsearch's `filter_path`: comma-separated dotted paths whose segments may
 * hold `*` wildcards; a leading `-` excludes.
 */
export function applyFilterPath(body: unknown, filterPath: string | undefined): unknown {
  if (!filterPath) return body;
  const expressions = filterPath
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
  const includes = expressions.filter((e) => !e.startsWith('-')).map((e) => e.split('.'));
  const excludes = expressions.filter((e) => e.startsWith('-')).map((e) => e.slice(1).split('.'));
  let result = includes.length > 0 ? include(body, includes) : body;
  if (excludes.length > 0 && result !== undefined) result = exclude(result, excludes);
  return result ?? {};
}

const matches = (pattern: string, name: string) => simpleMatch(pattern, name);

function include(value: unknown, paths: string[][]): unknown {
  if (paths.some((p) => p.length === 0)) return value;
  if (Array.isArray(value)) {
    const items = value.map((item) => include(item, paths)).filter((item) => item !== undefined);
    return items.length > 0 ? items : undefined;
  }
  if (value === null || typeof value !== 'object') return undefined;
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    const next = paths.filter((p) => matches(p[0], key)).map((p) => p.slice(1));
    if (next.length === 0) continue;
    const filtered = include(child, next);
    if (filtered !== undefined) out[key] = filtered;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

function exclude(value: unknown, paths: string[][]): unknown {
  if (Array.isArray(value)) return value.map((item) => exclude(item, paths));
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    if (paths.some((p) => p.length === 1 && matches(p[0], key))) continue;
    const deeper = paths.filter((p) => p.length > 1 && matches(p[0], key)).map((p) => p.slice(1));
    out[key] = deeper.length > 0 ? exclude(child, deeper) : child;
  }
  return out;
}

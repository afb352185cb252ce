import { resourceNotFound } from '../errors/elasticsearch-exception';
import { simpleMatch } from '../java/simple-match';

const isWildcard = (token: string) => token.includes('*');

/**
 * Elasticsearch's id expressions for ML resources: comma-separated ids and
 * wildcard patterns, `_all` or `*` for everything. An explicit id that matches
 * nothing is always an error; a pattern that matches nothing is one only when
 * `allow_no_match` is false.
 */
export function matchIds<T>(expression: string | undefined, items: readonly T[], idsOf: (item: T) => string[], allowNoMatch: boolean): T[] {
  const tokens = (expression ?? '_all')
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);
  if (tokens.length === 0 || tokens.includes('_all')) {
    if (items.length === 0 && !allowNoMatch) throw missing(expression ?? '_all');
    return [...items];
  }
  const matched = new Set<T>();
  for (const token of tokens) {
    const hits = items.filter((item) => idsOf(item).some((id) => simpleMatch(token, id)));
    if (hits.length === 0 && (!isWildcard(token) || !allowNoMatch)) throw missing(token);
    hits.forEach((hit) => matched.add(hit));
  }
  return items.filter((item) => matched.has(item));
}

export const missing = (id: string) => resourceNotFound(`No known trained model with model_id [${id}]`);

/** The proxy's query once it passed Kibana's route validation. */
export interface ConsoleProxyQuery {
  method: string;
  path: string;
  withProductOrigin?: boolean;
}

export type QueryValidation = { ok: true; query: ConsoleProxyQuery } | { ok: false; message: string };

export const PROXY_METHODS = ['HEAD', 'GET', 'POST', 'PUT', 'DELETE', 'PATCH'] as const;

type QueryValue = string | string[] | undefined;

/** `type-detect`'s name for a query value, as config-schema quotes it. */
function typeName(value: QueryValue): string {
  if (value === undefined) return 'undefined';
  return Array.isArray(value) ? 'Array' : 'string';
}

const failure = (key: string, message: string): QueryValidation => ({ ok: false, message: `[request query.${key}]: ${message}` });

/** hapi's query object: a key given more than once becomes an array. */
export function queryObject(search: URLSearchParams): Map<string, string | string[]> {
  const query = new Map<string, string | string[]>();
  for (const [key, value] of search) {
    const previous = query.get(key);
    if (previous === undefined) query.set(key, value);
    else query.set(key, Array.isArray(previous) ? [...previous, value] : [previous, value]);
  }
  return query;
}

/**
 * Kibana's `@kbn/config-schema` check of `{ method, path, withProductOrigin }`:
 * keys in declaration order, then unknown keys, stopping at the first failure.
 */
export function validateProxyQuery(query: ReadonlyMap<string, string | string[]>): QueryValidation {
  const method = query.get('method');
  if (typeof method !== 'string') return failure('method', `expected value of type [string] but got [${typeName(method)}]`);
  if (!PROXY_METHODS.some((verb) => verb.toLowerCase() === method.toLowerCase())) {
    return failure('method', `Method must be one of, case insensitive ['${PROXY_METHODS.join("', '")}']. Received '${method}'.`);
  }

  const path = query.get('path');
  if (typeof path !== 'string') return failure('path', `expected value of type [string] but got [${typeName(path)}]`);
  if (path === '') return failure('path', 'Expected non-empty string');

  const origin = query.get('withProductOrigin');
  let withProductOrigin: boolean | undefined;
  if (origin !== undefined) {
    const normalized = typeof origin === 'string' ? origin.toLowerCase() : undefined;
    if (normalized !== 'true' && normalized !== 'false') {
      return failure('withProductOrigin', `expected value of type [boolean] but got [${typeName(origin)}]`);
    }
    withProductOrigin = normalized === 'true';
  }

  const unknown = [...query.keys()].find((key) => !['method', 'path', 'withProductOrigin'].includes(key));
  if (unknown !== undefined) return failure(unknown, 'definition for this key is missing');

  return { ok: true, query: { method, path, withProductOrigin } };
}

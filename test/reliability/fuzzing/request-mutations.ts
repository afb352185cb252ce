import { percentEncode } from './arbitraries';
import type { ContractRequest } from './contract-cases';
import { HOSTILE_BODIES } from './hostile-values';
import { encodeJson, JsonLike } from './json-text';
import { applyMutation, describeMutation, KeyPath, systematicMutations } from './mutations';
import type { WireRequest } from './wire';

/** One mutated request of a case, named after what changed. */
export interface MutatedRequest {
  mutation: string;
  request: WireRequest;
  /** Requests that differ only in the case's id are sent once per suite (paths, methods, headers). */
  dedupeKey?: string;
}

/** The wire form of a contract request. */
export function toWire(request: ContractRequest, overrides: { body?: Buffer | null; headers?: [string, string][] } = {}): WireRequest {
  const query = Object.entries(request.query ?? {})
    .map(([name, value]) => `${percentEncode(name)}=${percentEncode(String(value))}`)
    .join('&');
  const target = `${request.path
    .split('/')
    .map((segment) => percentEncode(decodeSafely(segment)))
    .join('/')}${query ? `?${query}` : ''}`;
  const body = overrides.body === null ? undefined : (overrides.body ?? contractBody(request));
  const headers: [string, string][] = overrides.headers ?? [
    ['Host', 'localhost'],
    ...Object.entries(request.headers ?? {}),
    ...(body !== undefined && !Object.keys(request.headers ?? {}).some((name) => name.toLowerCase() === 'content-type')
      ? ([['Content-Type', 'application/json']] as [string, string][])
      : []),
  ];
  return { method: request.method, target, headers, ...(body !== undefined && { body }) };
}

function decodeSafely(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function contractBody(request: ContractRequest): Buffer | undefined {
  if (request.bodyText !== undefined) return Buffer.from(request.bodyText, 'utf8');
  if (request.body !== undefined) return Buffer.from(JSON.stringify(request.body), 'utf8');
  return undefined;
}

/** The JSON of a case's body, when it has one that parses. */
function bodyJson(request: ContractRequest): JsonLike | undefined {
  if (request.body !== undefined) return request.body as JsonLike;
  if (request.bodyText === undefined) return undefined;
  try {
    return JSON.parse(request.bodyText) as JsonLike;
  } catch {
    return undefined;
  }
}

const HOSTILE_SEGMENTS = [
  '',
  '%00',
  '..',
  '%2e%2e',
  '%2F',
  '%zz',
  '*',
  '_all',
  'UPPER',
  percentEncode('é日本'),
  'a'.repeat(300),
  `${'*'.repeat(40)}x`,
];
const METHODS = ['GET', 'PUT', 'POST', 'DELETE', 'HEAD', 'PATCH', 'OPTIONS', 'TRACE', 'CONNECT', 'PROPFIND', 'FOO', 'get'];
const QUERY_VALUES = ['', 'x', '-1', '0', '1.5', 'true', 'false', '%zz', '9'.repeat(30), percentEncode('é'), '1d', '-5s'];
const CONTENT_TYPES = [
  undefined,
  'text/plain',
  'application/x-ndjson',
  'application/vnd.elasticsearch+json;compatible-with=7',
  'application/json; charset=utf-16',
  ';;',
];

/** What a case id looks like in a path, for keys that do not depend on it. */
function pathTemplate(path: string, id: string): string {
  return path.split(id).join('{id}');
}

/**
 * The systematic mutations of one contract request: each path segment replaced by hostile
 * ones, each other method, each query parameter removed, retyped and duplicated plus unknown
 * ones, the Content-Type and body framing changed, and the body mutated key by key
 * (see `systematicMutations`).
 */
export function requestMutations(request: ContractRequest, caseId: string): MutatedRequest[] {
  const mutated: MutatedRequest[] = [];
  const template = pathTemplate(request.path, caseId);
  const key = (what: string) => `${request.method} ${template} ${what}`;
  const json = bodyJson(request);

  const segments = request.path.split('/');
  // `_ml/trained_models/<pattern>` still matches with a backtracking regular expression (an open
  // finding of src/ml, pinned by reliability/fuzz.test.ts): runs of stars stay out of its paths.
  const hostileSegments = request.path.startsWith('/_ml/') ? HOSTILE_SEGMENTS.filter((s) => !s.includes('**')) : HOSTILE_SEGMENTS;
  segments.forEach((segment, i) => {
    if (i === 0) return;
    for (const hostile of hostileSegments) {
      const path = [...segments.slice(0, i), hostile, ...segments.slice(i + 1)].join('/');
      const wire = toWire({ ...request, path: '/' });
      const query = wire.target.slice(1);
      mutated.push({
        mutation: `path segment ${i} = ${JSON.stringify(hostile.slice(0, 20))}`,
        request: { ...wire, target: `${path}${query}` },
        dedupeKey: key(`segment ${i} ${hostile}`),
      });
    }
  });

  for (const method of METHODS) {
    if (method === request.method) continue;
    mutated.push({ mutation: `method ${method}`, request: { ...toWire(request), method }, dedupeKey: key(`method ${method}`) });
  }

  const query = request.query ?? {};
  for (const name of Object.keys(query)) {
    const { [name]: _removed, ...rest } = query;
    mutated.push({ mutation: `query ${name} removed`, request: toWire({ ...request, query: rest }), dedupeKey: key(`query -${name}`) });
    for (const value of QUERY_VALUES) {
      mutated.push({
        mutation: `query ${name}=${JSON.stringify(value.slice(0, 20))}`,
        request: toWire({ ...request, query: { ...query, [name]: decodeSafely(value) } }),
      });
    }
    const wire = toWire(request);
    mutated.push({ mutation: `query ${name} twice`, request: { ...wire, target: `${wire.target}&${percentEncode(name)}=x` } });
  }
  for (const extra of ['unknown_parameter', 'timout', 'pretty', 'filter_path', 'error_trace', 'human']) {
    for (const value of ['', 'x', `${'*'.repeat(40)}x`]) {
      mutated.push({
        mutation: `query +${extra}=${JSON.stringify(value.slice(0, 10))}`,
        request: toWire({ ...request, query: { ...query, [extra]: value } }),
        dedupeKey: key(`query +${extra}=${value}`),
      });
    }
  }

  const body = contractBody(request);
  if (body !== undefined) {
    for (const type of CONTENT_TYPES) {
      const headers = toWire(request).headers.filter(([name]) => name.toLowerCase() !== 'content-type');
      if (type !== undefined) headers.push(['Content-Type', type]);
      mutated.push({ mutation: `Content-Type ${type ?? 'absent'}`, request: toWire(request, { headers }) });
    }
    mutated.push({ mutation: 'body removed', request: toWire(request, { body: null }) });
    for (const { name, body: hostile } of HOSTILE_BODIES)
      mutated.push({ mutation: `body: ${name}`, request: toWire(request, { body: hostile }), dedupeKey: key(`body ${name}`) });
  } else {
    // A body where none belongs.
    mutated.push({
      mutation: 'unexpected body',
      request: toWire(request, { body: Buffer.from('{"input":"x"}') }),
      dedupeKey: key('unexpected body'),
    });
  }

  if (json !== undefined) {
    const heavyAt = (path: KeyPath) => path.length === 1 || path[path.length - 1] === 'input';
    for (const mutation of systematicMutations(json, { heavyAt })) {
      mutated.push({ mutation: describeMutation(mutation), request: toWire(request, { body: encodeJson(applyMutation(json, mutation)) }) });
    }
  }
  return mutated;
}

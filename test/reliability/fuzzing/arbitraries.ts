import fc from 'fast-check';
import type { EsVersion } from '../../../src/inference/profiles';
import { HEAVY_VALUES, HOSTILE_BODIES, TEN_THOUSAND_INPUTS, WRONG_TYPES } from './hostile-values';
import { encodeJson, JsonLike } from './json-text';
import { applyMutation, keyPaths, Mutation, objectPaths } from './mutations';
import { summarize } from './campaign';
import { CONSOLE_PROXY_PATH } from './oracle';
import type { RouteTemplate } from './openapi-routes';
import type { WireRequest } from './wire';

/** What a generated request may aim at on the server under test. */
export interface FuzzTargets {
  esVersion: EsVersion;
  /** A started endpoint no generated request deletes: valid inferences reach the model. */
  liveId: string;
  /** Ids generated requests may create and delete (a small pool bounds the deployments). */
  poolIds: readonly string[];
  routes: readonly RouteTemplate[];
}

export interface GeneratedRequest {
  /** Which generator made it, for the statistics and reports. */
  label: string;
  request: WireRequest;
}

/** fast-check prints a counterexample with this: the request in short, not a megabyte of numbers. */
function generated(label: string, request: WireRequest): GeneratedRequest {
  return { label, request, [fc.toStringMethod]: () => `${label}: ${summarize(request)}` } as GeneratedRequest;
}

// ---------------------------------------------------------------------------------------------
// Text and encodings
// ---------------------------------------------------------------------------------------------

/** Percent-encodes the UTF-8 bytes of `text` except unreserved characters (lone surrogates become U+FFFD). */
export function percentEncode(text: string): string {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const ch = String.fromCharCode(byte);
    out += /[A-Za-z0-9\-._~]/.test(ch) ? ch : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** The UTF-8 bytes of `text` as a latin1 string, so that a request line carries them unencoded. */
const rawBytes = (text: string) => Buffer.from(text, 'utf8').toString('latin1');

/** Writes a path segment or query value as a client might: encoded, raw, double-encoded. */
const encodedArb = (text: string): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 6, arbitrary: fc.constant(percentEncode(text)) },
    { weight: 2, arbitrary: fc.constant(rawBytes(text.replace(/[\r\n ]/g, '_'))) },
    { weight: 1, arbitrary: fc.constant(percentEncode(percentEncode(text))) },
  );

const HOSTILE_SEGMENTS = [
  'nope',
  'missing-endpoint',
  '.elser-2-elasticsearch',
  '_all',
  '*',
  '_update',
  '_stats',
  'sparse_embedding',
  'UPPER',
  '-x',
  'x-',
  'a b',
  'é',
  '日本語',
  '🙂',
  'a\u0000b',
  '..',
  '.',
  '../..',
  '../../etc/passwd',
  '..\\..\\windows',
  '%',
  '%zz',
  '%2e%2e',
  '%2F',
  'a/b',
  'a?b',
  'a#b',
  'a;b',
  '+',
  // filter_path and id patterns once matched with backtracking regular expressions
  `${'*'.repeat(40)}x`,
];

const idArb = (targets: FuzzTargets, { starRuns = true } = {}): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(targets.liveId, ...targets.poolIds) },
    { weight: 4, arbitrary: fc.constantFrom(...HOSTILE_SEGMENTS.filter((segment) => starRuns || !segment.includes('**'))) },
    { weight: 2, arbitrary: fc.stringMatching(/^[a-z0-9][a-z0-9_.-]{0,20}[a-z0-9]$/) },
    { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 12 }) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 8 }) },
    { weight: 1, arbitrary: fc.integer({ min: 256, max: 3000 }).map((n) => 'a'.repeat(n)) },
  );

const TASK_TYPES = ['sparse_embedding', 'text_embedding', 'rerank', 'completion', 'chat_completion', 'any'];
const taskTypeArb = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...TASK_TYPES) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      'SPARSE_EMBEDDING',
      'Sparse_Embedding',
      ' sparse_embedding ',
      'bogus',
      '_update',
      '',
      'sparse_embedding\u0000',
    ),
  },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 10 }) },
);

const NODE_VALUES = ['_all', '_local', 'http', 'settings', 'os,http', 'elser-mock', 'x', '*', ',', '_all,_local'];

// The id expressions of `_ml/trained_models` still match with backtracking regular expressions
// (src/ml/id-expression.ts): runs of stars stay out of them here; reliability/fuzz.test.ts pins
// the open finding with a test of its own.
const MODEL_IDS = [
  '.elser_model_2',
  '.elser_model_2_linux-x86_64',
  '.elser_model_1',
  '.elser*',
  '*',
  '_all',
  'nope',
  'a,b',
  ',',
  '.elser_model_2,nope',
  '*elser*',
  'UPPER',
];

function segmentArb(name: string, targets: FuzzTargets): fc.Arbitrary<string> {
  let text: fc.Arbitrary<string>;
  if (name === 'task_type') text = taskTypeArb;
  else if (name === 'inference_id' || name === 'task_type_or_id') text = idArb(targets);
  else if (name === 'model_id')
    text = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...MODEL_IDS) }, { weight: 1, arbitrary: idArb(targets, { starRuns: false }) });
  else
    text = fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom(...NODE_VALUES) },
      { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 10 }) },
    );
  return text.chain(encodedArb);
}

// ---------------------------------------------------------------------------------------------
// Paths, methods, query strings, headers
// ---------------------------------------------------------------------------------------------

const NON_ROUTES = [
  '/unknown',
  '/_inference/a/b/c/d',
  '//_inference',
  '/_inference/',
  '/_inference//x',
  '/../../etc/passwd',
  '/_ml',
  '/api/console',
  '/api/console/proxy/x',
  '/%2e%2e/%2e%2e',
  '/_inference/_all/x',
];

function pathArb(route: RouteTemplate, targets: FuzzTargets): fc.Arbitrary<string> {
  const names = [...route.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
  const filled = fc.tuple(...names.map((name) => segmentArb(name, targets))).map((segments) => {
    let i = 0;
    return route.path.replace(/\{[^}]+\}/g, () => segments[i++]);
  });
  return fc.oneof(
    { weight: 12, arbitrary: filled },
    { weight: 1, arbitrary: filled.map((p) => `${p}/`) },
    { weight: 1, arbitrary: filled.map((p) => p.replace(/^\//, '//')) },
    { weight: 1, arbitrary: filled.map((p) => `${p}/extra`) },
    { weight: 1, arbitrary: filled.map((p) => p.toUpperCase()) },
  );
}

const ODD_METHODS = [
  'PROPFIND',
  'FOO',
  'get',
  'Post',
  'M-SEARCH',
  'PURGE',
  'LINK',
  'TRACE',
  'CONNECT',
  'OPTIONS',
  'PATCH',
  'HEAD',
  'QUERY',
];

const methodArb = (route: RouteTemplate) =>
  fc.oneof(
    { weight: 14, arbitrary: fc.constantFrom(...route.methods) },
    { weight: 4, arbitrary: fc.constantFrom('GET', 'PUT', 'POST', 'DELETE', 'HEAD') },
    { weight: 2, arbitrary: fc.constantFrom(...ODD_METHODS) },
  );

const BOOLEAN_VALUES = ['true', 'false', '', 'yes', '1', 'TRUE', 'maybe'];
const PARAMETER_VALUES: Record<string, readonly string[]> = {
  // Elasticsearch waits as long as a valid timeout says: these stay short, or invalid.
  timeout: ['1s', '500ms', '2s', '1ms', '0', '0s', 'abc', '-5s', '-2', '1.5s', '1x', '', '10S', ' 1s'],
  dry_run: BOOLEAN_VALUES,
  force: BOOLEAN_VALUES,
  pretty: BOOLEAN_VALUES,
  human: BOOLEAN_VALUES,
  error_trace: BOOLEAN_VALUES,
  allow_no_match: BOOLEAN_VALUES,
  decompress_definition: BOOLEAN_VALUES,
  exclude_generated: BOOLEAN_VALUES,
  flat_settings: BOOLEAN_VALUES,
  withProductOrigin: BOOLEAN_VALUES,
  filter_path: [
    'endpoints.inference_id',
    '-endpoints',
    '*',
    '**',
    '*.*',
    `${'*'.repeat(40)}x`,
    `${'*e'.repeat(30)}Z`,
    '.',
    ',,',
    'a.b.c.d.e',
    'error.type',
    '-error',
    'sparse_embedding.*.embedding',
  ],
  from: ['0', '10', '-1', 'abc', '2147483648', '1.5', ''],
  size: ['0', '10', '-1', 'abc', '2147483648', '1.5', ''],
  include: ['definition', 'total_feature_importance', 'definition_status', 'hyperparameters', 'feature_importance_baseline', 'junk', ''],
  tags: ['a', '', 'a,b'],
  method: ['GET', 'PUT', 'POST', 'DELETE', 'HEAD', 'PATCH', 'get', 'FOO', ''],
  path: [
    '/_inference',
    '/_inference/_all',
    '/',
    '/_nodes',
    '/_ml/trained_models',
    '/_inference/nope',
    '_inference',
    '/api/console/proxy',
    'http://evil.invalid/',
    '',
    '/%zz',
    '/?pretty=false',
    '/_inference?filter_path=***x',
  ],
};

function queryArb(route: RouteTemplate, targets: FuzzTargets): fc.Arbitrary<string> {
  const known = [...route.queryParameters, 'pretty', 'human', 'error_trace', 'filter_path'];
  const name = fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...known) },
    { weight: 2, arbitrary: fc.constantFrom('timout', 'dryrun', 'Force', 'unknown', 'a[b]', '', '=', '&', 'pretty ', 'filter_path[]') },
    { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 8 }) },
  );
  const pair = name.chain((n) => {
    const values = Object.hasOwn(PARAMETER_VALUES, n) ? PARAMETER_VALUES[n] : ['x', '', 'true', '1'];
    const value = fc.oneof(
      { weight: 5, arbitrary: fc.constantFrom(...values) },
      { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 10 }) },
      { weight: 1, arbitrary: fc.constantFrom(targets.liveId, '%zz', '+', 'a&b', 'a=b', '\u0000', 'é') },
    );
    return fc.tuple(encodedArb(n), value.chain(encodedArb), fc.constantFrom('=', '=', '=', ''));
  });
  return fc
    .array(pair, { maxLength: 4 })
    .chain((pairs) =>
      fc.oneof(
        { weight: 8, arbitrary: fc.constant(pairs) },
        // The same parameter twice.
        { weight: 1, arbitrary: fc.constant(pairs.length > 0 ? [...pairs, pairs[0]] : pairs) },
      ),
    )
    .map((pairs) => pairs.map(([n, v, eq]) => (eq === '' && v === '' ? n : `${n}=${v}`)).join('&'))
    .chain((query) =>
      fc.oneof(
        { weight: 10, arbitrary: fc.constant(query === '' ? '' : `?${query}`) },
        { weight: 1, arbitrary: fc.constant(`?${query}#fragment`) },
        { weight: 1, arbitrary: fc.constant(`?${query}&&&`) },
        { weight: 1, arbitrary: fc.constant('?') },
      ),
    );
}

const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'application/json;charset=ISO-8859-1',
  'application/vnd.elasticsearch+json;compatible-with=8',
  'application/vnd.elasticsearch+json;compatible-with=9',
  'application/vnd.elasticsearch+json;compatible-with=7',
  'application/vnd.elasticsearch+json;compatible-with=99999999999999999999',
  'APPLICATION/JSON',
  'text/plain',
  'application/x-ndjson',
  'application/yaml',
  'application/cbor',
  'application/smile',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  ';;;',
  'json',
  '',
];

const ACCEPTS = [
  'application/json',
  '*/*',
  'text/plain',
  'application/vnd.elasticsearch+json;compatible-with=8',
  'application/vnd.elasticsearch+json;compatible-with=9',
  'application/vnd.elasticsearch+json;compatible-with=7',
  'application/vnd.elasticsearch+json;compatible-with=x',
  'application/yaml',
  '',
];

const EXTRA_HEADERS: [string, string][] = [
  ['X-Opaque-Id', 'fuzz'],
  ['X-Opaque-Id', 'é'.repeat(10)],
  ['traceparent', 'not-a-traceparent'],
  ['Authorization', 'Basic !!!'],
  ['Authorization', 'ApiKey x'],
  ['Authorization', 'Bearer'],
  ['X-elastic-product-origin', 'kibana'],
  ['kbn-xsrf', 'x'],
  ['Connection', 'close'],
  ['Expect', '100-continue'],
  ['Content-Encoding', 'gzip'],
  ['Accept-Encoding', 'gzip, deflate'],
];

function headersArb(hasBody: boolean, consoleProxy: boolean): fc.Arbitrary<[string, string][]> {
  const contentType = hasBody
    ? fc.oneof(
        { weight: 12, arbitrary: fc.constant('application/json') },
        { weight: 3, arbitrary: fc.constantFrom(...CONTENT_TYPES) },
        { weight: 1, arbitrary: fc.constant(undefined) },
      )
    : fc.oneof({ weight: 8, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.constantFrom(...CONTENT_TYPES) });
  return fc
    .record({
      host: fc.oneof(
        { weight: 12, arbitrary: fc.constant<string | undefined>('localhost') },
        { weight: 1, arbitrary: fc.constant(undefined) },
      ),
      contentType,
      accept: fc.oneof({ weight: 6, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.constantFrom(...ACCEPTS) }),
      xsrf: fc.boolean().map((b) => b || !consoleProxy),
      extra: fc.subarray(EXTRA_HEADERS, { maxLength: 2 }),
    })
    .map(({ host, contentType: type, accept, xsrf, extra }) => {
      const headers: [string, string][] = [];
      if (host) headers.push(['Host', host]);
      if (type !== undefined) headers.push(['Content-Type', type]);
      if (accept !== undefined) headers.push(['Accept', accept]);
      if (consoleProxy && xsrf) headers.push(['kbn-xsrf', 'kibana']);
      // A generated request is answered on its own connection; Content-Encoding is left out of bodies it does not describe.
      for (const [name, value] of extra) if (name !== 'Content-Encoding' || hasBody) headers.push([name, value]);
      return headers;
    });
}

// ---------------------------------------------------------------------------------------------
// Bodies
// ---------------------------------------------------------------------------------------------

/** Request bodies of the create API that Elasticsearch accepts, to mutate. */
export function createTemplates(esVersion: EsVersion): JsonLike[] {
  const templates: JsonLike[] = [
    { service: 'elser', service_settings: { num_allocations: 1, num_threads: 1 } },
    { service: 'elasticsearch', service_settings: { num_allocations: 1, num_threads: 1, model_id: '.elser_model_2' } },
    {
      service: 'elser',
      service_settings: {
        num_threads: 1,
        adaptive_allocations: { enabled: true, min_number_of_allocations: 1, max_number_of_allocations: 2 },
      },
    },
    { service: 'elser', task_type: 'sparse_embedding', service_settings: { num_allocations: 1, num_threads: 2 } },
  ];
  if (esVersion === '9.1') {
    templates.push({
      service: 'elasticsearch',
      service_settings: { num_allocations: 1, num_threads: 1, model_id: '.elser_model_2_linux-x86_64' },
      chunking_settings: { strategy: 'word', max_chunk_size: 100, overlap: 10 },
    });
  } else {
    templates.push({ service: 'elser', service_settings: { num_allocations: 1, num_threads: 1 }, task_settings: {} });
  }
  return templates;
}

export const INFER_TEMPLATES: JsonLike[] = [
  { input: ['hello world'] },
  { input: 'a single text' },
  { input: ['one', 'two'], task_settings: {} },
  { input: ['x'], input_type: 'ingest' },
  { input: ['q'], query: 'q', top_n: 1, return_documents: true },
];

export const UPDATE_TEMPLATES: JsonLike[] = [
  { service_settings: { num_allocations: 1 } },
  { service_settings: { adaptive_allocations: { enabled: true, min_number_of_allocations: 0, max_number_of_allocations: 2 } } },
  { task_type: 'sparse_embedding', service_settings: { num_allocations: 1 }, task_settings: {} },
];

const hostileValueArb = fc.oneof(
  { weight: 30, arbitrary: fc.constantFrom(...WRONG_TYPES) },
  // A megabyte here and there (a few per thousand requests), as the value of any key.
  { weight: 1, arbitrary: fc.constantFrom(...HEAVY_VALUES) },
);

function mutationArb(template: JsonLike): fc.Arbitrary<Mutation> {
  const paths = keyPaths(template);
  const objects = objectPaths(template);
  const options: fc.Arbitrary<Mutation>[] = [];
  if (paths.length > 0) {
    options.push(fc.constantFrom(...paths).map((path): Mutation => ({ kind: 'remove', path })));
    options.push(fc.tuple(fc.constantFrom(...paths), hostileValueArb).map(([path, value]): Mutation => ({ kind: 'replace', path, value })));
    options.push(fc.tuple(fc.constantFrom(...paths), hostileValueArb).map(([path, value]): Mutation => ({ kind: 'replace', path, value })));
  }
  if (objects.length > 0) {
    options.push(
      fc
        .tuple(
          fc.constantFrom(...objects),
          fc.constantFrom('fuzz_extra', 'service', 'num_threads', 'input', '', 'é', 'a.b'),
          fc.constantFrom(...WRONG_TYPES),
        )
        .map(([path, key, value]): Mutation => ({ kind: 'add', path, key, value: value.value })),
    );
    options.push(fc.constantFrom(...objects).map((path): Mutation => ({ kind: 'duplicate', path })));
  }
  return fc.oneof(...options);
}

/** A template with zero to three random mutations. */
function mutatedArb(templates: readonly JsonLike[]): fc.Arbitrary<JsonLike> {
  return fc
    .constantFrom(...templates)
    .chain((template) =>
      fc
        .array(mutationArb(template), { maxLength: 3 })
        .map((mutations) => mutations.reduce<JsonLike>((body, mutation) => applyMutation(body, mutation), template)),
    );
}

/** Inference bodies the model answers quickly: a few short inputs. */
const shortInputsArb = fc
  .array(fc.string({ unit: 'grapheme', maxLength: 24 }), { minLength: 1, maxLength: 3 })
  .map((input): JsonLike => ({ input }));

/** Ten thousand real inferences take half a minute: this body only goes to an endpoint that does not exist. */
const TEN_THOUSAND_VALID_INPUTS = encodeJson({ input: [...TEN_THOUSAND_INPUTS] });

export type BodyKind = 'create' | 'infer' | 'update' | 'other';

export function bodyKind(method: string, routePath: string): BodyKind {
  if (routePath.endsWith('/_update')) return 'update';
  if (routePath.startsWith('/_inference/{')) {
    if (method === 'PUT') return 'create';
    if (method === 'POST') return 'infer';
  }
  return 'other';
}

/** A body for a request of that kind: mostly a mutated valid body, sometimes no JSON at all. */
export function bodyArb(kind: BodyKind, esVersion: EsVersion): fc.Arbitrary<Buffer | undefined> {
  const templates = kind === 'create' ? createTemplates(esVersion) : kind === 'update' ? UPDATE_TEMPLATES : INFER_TEMPLATES;
  const json = fc.oneof(
    { weight: 10, arbitrary: mutatedArb(templates) },
    { weight: kind === 'infer' ? 4 : 1, arbitrary: shortInputsArb },
    { weight: 1, arbitrary: mutatedArb([...createTemplates(esVersion), ...INFER_TEMPLATES, ...UPDATE_TEMPLATES]) },
  );
  return fc.oneof(
    { weight: kind === 'other' ? 3 : 20, arbitrary: json.map(encodeJson) },
    { weight: kind === 'other' ? 12 : 1, arbitrary: fc.constant(undefined) },
    { weight: 2, arbitrary: fc.constantFrom(...HOSTILE_BODIES).map(({ body }) => body) },
    // Ten thousand valid inputs: parsed in full, then refused for a missing endpoint.
    { weight: kind === 'infer' ? 1 : 0, arbitrary: fc.constant(TEN_THOUSAND_VALID_INPUTS) },
  );
}

// ---------------------------------------------------------------------------------------------
// Whole requests
// ---------------------------------------------------------------------------------------------

/**
 * A request against a route of the OpenAPI document (or a path next to one): method,
 * path segments, query and headers from pools of valid, invalid and odd values, with a
 * body fitting the route, mutated.
 */
export function apiRequestArb(targets: FuzzTargets): fc.Arbitrary<GeneratedRequest> {
  const extraRoutes: RouteTemplate[] = NON_ROUTES.map((p) => ({
    path: p,
    methods: ['GET', 'PUT', 'POST', 'DELETE'],
    queryParameters: [],
    examples: [],
  }));
  const routes = [...targets.routes, ...extraRoutes];
  // Arbitraries are built once: building them for every sample costs more than generating.
  const bodies: Record<BodyKind, fc.Arbitrary<Buffer | undefined>> = {
    create: bodyArb('create', targets.esVersion),
    infer: bodyArb('infer', targets.esVersion),
    update: bodyArb('update', targets.esVersion),
    other: bodyArb('other', targets.esVersion),
  };
  const headers = new Map<string, fc.Arbitrary<[string, string][]>>();
  const headersFor = (hasBody: boolean, consoleProxy: boolean) => {
    const key = `${hasBody} ${consoleProxy}`;
    if (!headers.has(key)) headers.set(key, headersArb(hasBody, consoleProxy));
    return headers.get(key) as fc.Arbitrary<[string, string][]>;
  };
  const chunked = fc.oneof({ weight: 9, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) });
  const perRoute = routes.map((route) =>
    fc
      .record({ route: fc.constant(route), method: methodArb(route), path: pathArb(route, targets), query: queryArb(route, targets) })
      .chain(({ method, path, query }) => {
        const consoleProxy = route.path === CONSOLE_PROXY_PATH;
        const kind = consoleProxy ? 'create' : bodyKind(method.toUpperCase(), route.path);
        return fc.record({ body: bodies[kind], chunked }).chain(({ body, chunked: isChunked }) =>
          headersFor(body !== undefined, consoleProxy).map((generatedHeaders): GeneratedRequest => {
            // The live endpoint serves the valid inferences: no generated request deletes it.
            const safePath = method.toUpperCase() === 'DELETE' ? path.split(targets.liveId).join(targets.poolIds[0]) : path;
            const request: WireRequest = { method, target: `${safePath}${query}`, headers: generatedHeaders };
            if (body === TEN_THOUSAND_VALID_INPUTS) request.target = `/_inference/missing-endpoint${query}`;
            if (body !== undefined) {
              if (isChunked && body.length > 0) request.chunks = splitInto(body, 3);
              else request.body = body;
            }
            return generated(`api ${method} ${route.path}`, request);
          }),
        );
      }),
  );
  return fc.oneof(...perRoute);
}

function splitInto(body: Buffer, parts: number): Buffer[] {
  const size = Math.max(1, Math.ceil(body.length / parts));
  const chunks: Buffer[] = [];
  for (let offset = 0; offset < body.length; offset += size) chunks.push(body.subarray(offset, offset + size));
  return chunks;
}

/**
 * Requests whose routes are right and whose bodies are the point: every body kind to
 * the live endpoint, a pool id or a missing one, with the valid bodies mutated.
 */
export function bodyRequestArb(targets: FuzzTargets): fc.Arbitrary<GeneratedRequest> {
  const shapes: { kind: BodyKind; method: string; path: (id: string) => string; ids: readonly string[] }[] = [
    {
      kind: 'create',
      method: 'PUT',
      path: (id) => `/_inference/sparse_embedding/${id}`,
      ids: [...targets.poolIds, targets.liveId, 'Bad-Id'],
    },
    { kind: 'create', method: 'PUT', path: (id) => `/_inference/${id}`, ids: [...targets.poolIds, targets.liveId] },
    { kind: 'infer', method: 'POST', path: (id) => `/_inference/sparse_embedding/${id}`, ids: [targets.liveId, 'missing-endpoint'] },
    {
      kind: 'infer',
      method: 'POST',
      path: (id) => `/_inference/${id}`,
      ids: [targets.liveId, 'missing-endpoint', '.elser-2-elasticsearch'],
    },
    {
      kind: 'update',
      method: 'PUT',
      path: (id) => `/_inference/${id}/_update`,
      ids: [targets.liveId, ...targets.poolIds, 'missing-endpoint'],
    },
  ];
  const bodies = new Map(
    (['create', 'infer', 'update'] as const).map(
      (kind) => [kind, bodyArb(kind, targets.esVersion).filter((b) => b !== undefined)] as const,
    ),
  );
  return fc
    .constantFrom(...shapes)
    .chain((shape) =>
      fc.record({
        shape: fc.constant(shape),
        id: fc.constantFrom(...shape.ids),
        body: bodies.get(shape.kind as 'create' | 'infer' | 'update') as fc.Arbitrary<Buffer | undefined>,
        contentType: fc.oneof(
          { weight: 10, arbitrary: fc.constant('application/json') },
          { weight: 1, arbitrary: fc.constantFrom(...CONTENT_TYPES) },
        ),
      }),
    )
    .map(({ shape, id, body, contentType }): GeneratedRequest => {
      let target = shape.path(id);
      const bytes = body as Buffer;
      if (bytes === TEN_THOUSAND_VALID_INPUTS) target = shape.path('missing-endpoint');
      return generated(`body ${shape.kind}`, {
        method: shape.method,
        target,
        headers: [
          ['Host', 'localhost'],
          ['Content-Type', contentType],
        ],
        body: bytes,
      });
    });
}

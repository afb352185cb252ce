import type { CaseRequest, ContractCase, Expect, HttpMethod, LoadedCase, Matcher, Profile, Step } from './case-model';
import { OPENAPI_EXAMPLES_AREA } from './case-model';
import { HTTP_METHODS, JSON_MEDIA, Obj, OpenApiDocument } from './openapi-document';

/**
 * The documented examples of the OpenAPI document, read with the conventions its
 * `info.description` sets out (`x-profile`, `x-request-path`, `x-request-example`,
 * `x-request-method`, `x-request-body`, `x-request-headers`, `x-setup`, `x-condition`,
 * `x-compare`, `x-warnings`, `x-response-headers`, the `X-elastic-product` declaration and
 * text examples), and turned into contract cases of the area `openapi-examples`.
 */

export const TEXT_MEDIA = 'text/plain';
/** The media types whose examples are cases. */
export const RESPONSE_MEDIA = [JSON_MEDIA, TEXT_MEDIA];

export interface ExampleSetupStep {
  method: string;
  path: string;
  body?: unknown;
}

export interface OpenApiExample {
  /** A readable, unique label: where the example sits in the document. */
  where: string;
  profile: Profile | 'both';
  status: number;
  /** Lower case, as in the document's operation keys. */
  method: string;
  /** With the query string, if any. */
  path: string;
  /** `undefined` when the request has no body. */
  body?: unknown;
  requestHeaders: Record<string, string>;
  setup: ExampleSetupStep[];
  /** The media type of the documented response. */
  media: string;
  compare: 'exact' | 'schema';
  schema: Obj;
  /** The body, or for a text media type the response text. */
  expected: unknown;
  warnings?: string[];
  /** Expected header values by lower-case name; `null` for a header that must be absent. */
  headers: Record<string, string | null>;
  /** How the response declares `X-elastic-product`. */
  product: 'required' | 'optional' | 'undeclared';
  condition?: string;
}

function requestExamplesOf(document: OpenApiDocument, operation: Obj): Obj {
  const requestBody = operation.requestBody ? document.resolve(operation.requestBody) : undefined;
  return requestBody?.content?.[JSON_MEDIA]?.examples ?? {};
}

function productDeclaration(document: OpenApiDocument, response: Obj): OpenApiExample['product'] {
  const headers: Obj = response.headers ?? {};
  const key = Object.keys(headers).find((name) => name.toLowerCase() === 'x-elastic-product');
  if (key === undefined) return 'undeclared';
  return document.resolve(headers[key]).required === true ? 'required' : 'optional';
}

function lowerCaseKeys<T>(record: Record<string, T> | undefined): Record<string, T> {
  return Object.fromEntries(Object.entries(record ?? {}).map(([name, value]) => [name.toLowerCase(), value]));
}

/** Every response example of the document; an example of a shared response is listed once. */
export function collectOpenApiExamples(document: OpenApiDocument): OpenApiExample[] {
  const examples: OpenApiExample[] = [];
  const sharedSeen = new Set<string>();
  for (const [template, item] of Object.entries(document.paths)) {
    for (const method of HTTP_METHODS) {
      const operation: Obj | undefined = item[method];
      if (!operation) continue;
      const requestExamples = requestExamplesOf(document, operation);
      for (const [status, responseOrRef] of Object.entries<Obj>(operation.responses ?? {})) {
        const shared = typeof responseOrRef.$ref === 'string' ? (responseOrRef.$ref as string) : undefined;
        const response = document.resolve(responseOrRef);
        const documented = RESPONSE_MEDIA.flatMap((media) =>
          Object.entries<Obj>(response.content?.[media]?.examples ?? {}).map(([name, exampleOrRef]) => ({ media, name, exampleOrRef })),
        );
        for (const { media, name, exampleOrRef } of documented) {
          const content: Obj = response.content[media];
          const label = media === JSON_MEDIA ? name : `${media} ${name}`;
          const where = shared
            ? `${shared.replace(/^#\//, '')} ${status} ${label}`
            : `${method.toUpperCase()} ${template} ${status} ${label}`;
          if (shared) {
            if (sharedSeen.has(where)) continue;
            sharedSeen.add(where);
          }
          const example = document.resolve(exampleOrRef);
          const requestName: string | undefined = example['x-request-example'];
          let body: unknown = example['x-request-body'];
          let requestPath: string | undefined = example['x-request-path'];
          if (requestName !== undefined) {
            const requestExample = requestExamples[requestName] ? document.resolve(requestExamples[requestName]) : undefined;
            if (!requestExample) throw new Error(`${where}: no request example ${requestName}`);
            body = requestExample.value;
            requestPath ??= requestExample['x-request-path'];
          }
          if (typeof requestPath !== 'string') throw new Error(`${where}: no x-request-path`);
          const profile = String(example['x-profile']);
          if (profile !== '8.15' && profile !== '9.1' && profile !== 'both')
            throw new Error(`${where}: x-profile must be 8.15, 9.1 or both`);
          examples.push({
            where,
            profile,
            status: Number(status),
            method: String(example['x-request-method'] ?? method).toLowerCase(),
            path: requestPath,
            body,
            requestHeaders: example['x-request-headers'] ?? {},
            setup: example['x-setup'] ?? [],
            media,
            compare: example['x-compare'] === 'schema' ? 'schema' : 'exact',
            schema: content.schema,
            expected: example.value,
            warnings: example['x-warnings'],
            headers: lowerCaseKeys(example['x-response-headers']),
            product: productDeclaration(document, response),
            condition: example['x-condition'],
          });
        }
      }
    }
  }
  return examples;
}

/**
 * The ids the examples give the endpoints they create, `my-elser-model` and variants such as
 * `my-other-elser-model`; they become the case's own id (`{{id}}`, `{{id}}-other`).
 */
const EXAMPLE_ENDPOINT_ID = /\bmy-(?:([a-z0-9-]+)-)?elser-model\b/g;

function withCaseId<T>(value: T): T {
  if (typeof value === 'string')
    return value.replace(EXAMPLE_ENDPOINT_ID, (_, variant?: string) => (variant ? `{{id}}-${variant}` : '{{id}}')) as T;
  if (Array.isArray(value)) return value.map(withCaseId) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [withCaseId(key), withCaseId(item)])) as T;
  }
  return value;
}

function toRequest(method: string, pathWithQuery: string, body: unknown, headers: Record<string, string> = {}): CaseRequest {
  const url = new URL(pathWithQuery, 'http://example.invalid');
  const request: CaseRequest = { method: method.toUpperCase() as HttpMethod, path: withCaseId(decodeURIComponent(url.pathname)) };
  if (url.search !== '') request.query = Object.fromEntries([...url.searchParams].map(([key, value]) => [key, withCaseId(value)]));
  if (Object.keys(headers).length > 0) request.headers = withCaseId(headers);
  if (body !== undefined) request.body = withCaseId(body);
  return request;
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * The `Warning` header carrying these messages, in order, as one regular expression over the
 * header's combined value (`299 Elasticsearch-<version>-<hash> "<message>", ...`); the version
 * and build hash are the target's.
 */
function warningsRegex(messages: string[]): string {
  const quoted = messages.map((message) => `299 Elasticsearch-\\S+ "${escapeRegex(message.replace(/(["\\])/g, '\\$1'))}"`);
  return `^${quoted.join(', ')}$`;
}

const ABSENT: Matcher = { absent: true };

function expectedHeaders(example: OpenApiExample): Record<string, string | Matcher> {
  const headers: Record<string, string | Matcher> = {};
  if (example.product === 'required') headers['x-elastic-product'] = 'Elasticsearch';
  if (example.product === 'undeclared') headers['x-elastic-product'] = ABSENT;
  headers['content-type'] = { regex: `^${escapeRegex(example.media)}\\s*(;|$)` };
  for (const [name, value] of Object.entries(example.headers)) headers[name] = value === null ? ABSENT : withCaseId(value);
  if (example.warnings !== undefined) headers.warning = { regex: warningsRegex(example.warnings) };
  return headers;
}

export function exampleToCase(example: OpenApiExample): ContractCase {
  const expect: Expect = { status: example.status, headers: expectedHeaders(example) };
  if (example.media !== JSON_MEDIA) {
    expect.bodyText = withCaseId(String(example.expected));
  } else if (example.compare === 'exact') {
    // Elasticsearch writes keys in a fixed order and the example shows it.
    expect.body = withCaseId(example.expected);
    expect.keyOrder = true;
  }
  const setup: Step[] = example.setup.map((step) => ({ request: toRequest(step.method, step.path, step.body) }));
  const contractCase: ContractCase = {
    name: example.where,
    request: toRequest(example.method, example.path, example.body, example.requestHeaders),
    expect,
  };
  if (example.profile !== 'both') contractCase.requires = { profiles: [example.profile] };
  if (example.condition !== undefined) contractCase.skip = `needs a server state the API cannot establish: ${example.condition}`;
  if (setup.length > 0) contractCase.setup = setup;
  return contractCase;
}

/** The examples as cases of the area `openapi-examples`, generated on every load. */
export function openApiExampleCases(document: OpenApiDocument): LoadedCase[] {
  return collectOpenApiExamples(document).map((example) => ({
    area: OPENAPI_EXAMPLES_AREA,
    case: exampleToCase(example),
    origin: { file: document.file },
    freshServer: true,
  }));
}

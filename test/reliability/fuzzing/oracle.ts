import { header, WireRequest, WireResponse } from './wire';

/**
 * What every response must satisfy, whatever the request was: no 5xx Elasticsearch would
 * not send for it, every error in Elasticsearch's envelope (or one of the few shapes
 * Elasticsearch sends without it), `X-elastic-product` on everything Elasticsearch answers.
 */

/** A 5xx Elasticsearch itself sends, for the inputs `applies` accepts. */
export interface Allowed5xx {
  status: number;
  type: string;
  reason: RegExp;
  /** Only with this server fixture (none of the fuzzed servers has one). */
  fixture?: 'tampered-model-repository';
  applies: (request: ProxiedRequest) => boolean;
  why: string;
}

/** The Elasticsearch request a response answers: the request itself, or the one Kibana's proxy sent. */
export interface ProxiedRequest {
  method: string;
  path: string;
}

const isCreateOrUpdate = ({ method, path }: ProxiedRequest) => method === 'PUT' && /^\/_inference(\/|$)/.test(path);
const isCreate = ({ method, path }: ProxiedRequest) => method === 'PUT' && /^\/_inference\/[^/]+(\/[^/]+)?$/.test(path);

const JAVA_CAST =
  /^class (java\.[\w.$]+) cannot be cast to class (java\.util\.Map|java\.lang\.String) \(\1 and \2 are in module java\.base of loader 'bootstrap'\)$/;

export const ALLOWED_5XX: readonly Allowed5xx[] = [
  {
    status: 500,
    type: 'class_cast_exception',
    reason: JAVA_CAST,
    applies: isCreateOrUpdate,
    why:
      'The create and update actions read the body map with Java casts: `(Map<String, Object>) map.remove("service_settings")` ' +
      '(also task_settings, chunking_settings, adaptive_allocations) and `(String) map.get("service")` (also task_type, model_id). ' +
      'A value of another JSON type throws ClassCastException, which is not an ElasticsearchException, so RestController ' +
      'answers 500 (contracts/create.yaml "service_settings that is not an object").',
  },
  {
    status: 500,
    type: 'illegal_state_exception',
    reason: /^The \[elasticsearch\] service does not support task type \[(completion|chat_completion)\]$/,
    applies: isCreate,
    why:
      'BaseElasticsearchInternalService.start checks the task type only after the endpoint is stored, with an ' +
      'IllegalStateException, which RestController answers with 500 (contracts/create.yaml "a completion endpoint…").',
  },
  {
    status: 500,
    type: 'status_exception',
    reason: /^Model sha256 checksums do not match, expected \[[0-9a-f]{64}\] but got \[[0-9a-f]{64}\]$/,
    fixture: 'tampered-model-repository',
    applies: isCreate,
    why: 'ModelLoaderUtils verifies the downloaded package; a mismatch fails the deployment with 500 (contracts/timeouts.yaml).',
  },
  {
    status: 500,
    type: 'status_exception',
    reason: /^Model size does not match, expected \[\d+\] but got \[\d+\]$/,
    fixture: 'tampered-model-repository',
    applies: isCreate,
    why: 'The same verification, for the package size.',
  },
];

/** The answers Elasticsearch sends without its error envelope, with the texts they carry. */
const BARE_ERRORS: Record<number, RegExp> = {
  // RestController.handleBadRequest: a path no handler serves.
  400: /^no handler found for uri \[.*\] and method \[.*\]$/s,
  // handleUnsupportedHttpMethod.
  405: /^(Incorrect HTTP method for uri \[.*\] and method \[.*\], allowed: \[.*\]|Unexpected http method: .*)$/s,
  // RestController.sendContentTypeErrorMessage.
  406: /^Content-Type header (\[.*\] is not supported|is missing)$/s,
};

export const CONSOLE_PROXY_PATH = '/api/console/proxy';

export interface Verdict {
  violations: string[];
  /** The Elasticsearch `error.type` of an error answer, for the statistics. */
  errorType?: string;
}

export interface OracleOptions {
  fixtures?: readonly string[];
  /** Longest acceptable wait for one response, in milliseconds. */
  maxResponseMs: number;
}

function pathOf(target: string): string {
  return target.split('?')[0];
}

function parseJson(body: Buffer): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(body.toString('utf8')) };
  } catch {
    return { ok: false };
  }
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Problems with an Elasticsearch error envelope, or none. */
export function envelopeProblems(value: unknown, status: number): string[] {
  if (!isObject(value)) return ['the error body is not a JSON object'];
  const problems: string[] = [];
  if (value.status !== status) problems.push(`"status" is ${JSON.stringify(value.status)}, the HTTP status ${status}`);
  const error = value.error;
  if (!isObject(error)) return [...problems, '"error" is not an object'];
  if (typeof error.type !== 'string' || error.type === '') problems.push('"error.type" is not a non-empty string');
  if (typeof error.reason !== 'string') problems.push('"error.reason" is not a string');
  const rootCause = error.root_cause;
  if (!Array.isArray(rootCause) || rootCause.length === 0) problems.push('"error.root_cause" is not a non-empty array');
  else if (!rootCause.every((cause) => isObject(cause) && typeof cause.type === 'string' && typeof cause.reason === 'string'))
    problems.push('an "error.root_cause" entry lacks a string type or reason');
  if (error.caused_by !== undefined && !(isObject(error.caused_by) && typeof error.caused_by.type === 'string'))
    problems.push('"error.caused_by" is not an error object');
  return problems;
}

function bareProblems(value: unknown, status: number): string[] | undefined {
  if (!isObject(value) || typeof value.error !== 'string') return undefined;
  const pattern = BARE_ERRORS[status];
  if (!pattern) return [`a bare {"error": "..."} body with status ${status}, which Elasticsearch only sends for 400, 405 and 406`];
  const problems: string[] = [];
  if (Object.keys(value).sort().join(',') !== 'error,status') problems.push(`bare error body with keys ${Object.keys(value).join(', ')}`);
  if (value.status !== status) problems.push(`bare error "status" is ${JSON.stringify(value.status)}, the HTTP status ${status}`);
  if (!pattern.test(value.error))
    problems.push(`bare ${status} with a text Elasticsearch does not send: ${JSON.stringify(value.error.slice(0, 300))}`);
  return problems;
}

/** Checks one Elasticsearch answer (direct, or passed through Kibana's proxy). */
function judgeElasticsearch(
  request: ProxiedRequest,
  status: number,
  body: Buffer,
  contentType: string | undefined,
  elasticProduct: string | undefined,
  options: OracleOptions,
): Verdict {
  const violations: string[] = [];
  const head = request.method === 'HEAD';
  // Netty answers these before Elasticsearch sees the request: empty, without X-elastic-product.
  const nettyBare = (status === 413 || status === 417) && body.length === 0;
  if (elasticProduct !== 'Elasticsearch' && !nettyBare) violations.push(`X-elastic-product is ${JSON.stringify(elasticProduct)}`);
  if (head || (nettyBare && status >= 400)) return finish();
  if (body.length === 0) {
    if (status >= 400) violations.push(`status ${status} with an empty body`);
    return finish();
  }
  if (!/^application\/(json|vnd\.elasticsearch\+json;\s*compatible-with=\d+)\b/.test(contentType ?? '')) {
    violations.push(`Content-Type ${JSON.stringify(contentType)} for a body`);
  }
  const parsed = parseJson(body);
  if (!parsed.ok) {
    violations.push(`the body is not JSON: ${JSON.stringify(body.toString('utf8').slice(0, 300))}`);
    return finish();
  }
  if (status < 400) return finish();
  const bare = bareProblems(parsed.value, status);
  if (bare) {
    violations.push(...bare);
    return finish();
  }
  violations.push(...envelopeProblems(parsed.value, status));
  const error = isObject(parsed.value) && isObject(parsed.value.error) ? parsed.value.error : undefined;
  const type = typeof error?.type === 'string' ? error.type : undefined;
  if (status >= 500) {
    const reason = typeof error?.reason === 'string' ? error.reason : '';
    const allowed = ALLOWED_5XX.some(
      (entry) =>
        entry.status === status &&
        entry.type === type &&
        entry.reason.test(reason) &&
        (entry.fixture === undefined || (options.fixtures ?? []).includes(entry.fixture)) &&
        entry.applies(request),
    );
    if (!allowed) violations.push(`a ${status} Elasticsearch does not send for this request: ${type}: ${reason.slice(0, 300)}`);
  }
  return finish(type);

  function finish(errorType?: string): Verdict {
    return { violations, errorType };
  }
}

/** Kibana's answers: hapi's Boom errors, or the proxied Elasticsearch answer as a 200. */
function judgeConsoleProxy(request: WireRequest, response: WireResponse, options: OracleOptions): Verdict {
  const violations: string[] = [];
  // hapi's answer to a request Node's parser refuses: `HTTP/1.1 400 Bad Request`, nothing else.
  if (response.status === 400 && response.body.length === 0 && response.headers.size === 0)
    return { violations, errorType: 'kibana:400 (parser)' };
  // Node's own answer to an Expect header other than 100-continue: hapi listens for no 'checkExpectation'.
  if (response.status === 417 && response.body.length === 0) return { violations, errorType: 'kibana:417 (node)' };
  if (request.method.toUpperCase() === 'HEAD') {
    if (response.status >= 500) violations.push(`Kibana answered HEAD with ${response.status}`);
    return { violations, errorType: response.status >= 400 ? `kibana:${response.status}` : undefined };
  }
  if (response.status >= 400) {
    const parsed = parseJson(response.body);
    const boom = parsed.ok && isObject(parsed.value) ? parsed.value : undefined;
    if (!boom || boom.statusCode !== response.status || typeof boom.error !== 'string' || typeof boom.message !== 'string') {
      violations.push(`Kibana error without Boom's {statusCode, error, message}: ${response.body.toString('utf8').slice(0, 300)}`);
    }
    // Kibana's own 502 is for an Elasticsearch it cannot reach, which the fuzzed servers always are.
    if (response.status >= 500) violations.push(`Kibana answered ${response.status}: ${response.body.toString('utf8').slice(0, 300)}`);
    return { violations, errorType: `kibana:${response.status}` };
  }
  const upstreamStatus = Number(header(response, 'x-console-proxy-status-code'));
  if (!Number.isInteger(upstreamStatus)) return { violations: ['proxied answer without x-console-proxy-status-code'] };
  const query = new URLSearchParams(request.target.slice(request.target.indexOf('?') + 1));
  const upstream: ProxiedRequest = { method: (query.get('method') ?? '').toUpperCase(), path: pathOf(query.get('path') ?? '/') };
  if (upstream.method === 'HEAD') return { violations };
  const verdict = judgeElasticsearch(
    upstream,
    upstreamStatus,
    response.body,
    header(response, 'content-type'),
    header(response, 'x-elastic-product'),
    options,
  );
  return { violations: verdict.violations.map((v) => `proxied: ${v}`), errorType: verdict.errorType };
}

/** Every rule, for one response to one request. */
export function judge(request: WireRequest, response: WireResponse, options: OracleOptions): Verdict {
  const base: string[] = [];
  if (response.elapsedMs > options.maxResponseMs) base.push(`answered after ${Math.round(response.elapsedMs)} ms`);
  if (pathOf(request.target) === CONSOLE_PROXY_PATH) {
    const verdict = judgeConsoleProxy(request, response, options);
    return { violations: [...base, ...verdict.violations], errorType: verdict.errorType };
  }
  const verdict = judgeElasticsearch(
    { method: request.method.toUpperCase(), path: pathOf(request.target) },
    response.status,
    response.body,
    header(response, 'content-type'),
    header(response, 'x-elastic-product'),
    options,
  );
  return { violations: [...base, ...verdict.violations], errorType: verdict.errorType };
}

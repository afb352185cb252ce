import type { IncomingMessage } from 'node:http';
import { ElasticsearchException, illegalArgument } from '../errors/elasticsearch-exception';
import type { ActionResult } from '../inference/inference-api';
import { levenshteinSimilarity } from '../inference/inference-api';
import { HttpMethod, RestRequest } from './rest-request';

/** Runs after the request's parameters were checked: Elasticsearch's transport action. */
export type RestAction = () => Promise<ActionResult> | ActionResult;

/** Elasticsearch's `prepareRequest`: reads path, parameters and body, and returns the action to run. */
export type RestHandler = (request: RestRequest) => RestAction;

interface Route {
  method: HttpMethod;
  segments: string[];
  handler: RestHandler;
  /** Query parameters the handler reads besides the global ones, for "did you mean" hints. */
  parameters: readonly string[];
}

/** A path-level answer Elasticsearch sends with a plain-string `error` (no exception envelope). */
export class RouteError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly allow?: readonly HttpMethod[],
  ) {
    super(error);
  }
}

// UNCONFIRMED: allowed methods are listed in RestRequest.Method declaration order.
const METHOD_ORDER: HttpMethod[] = ['GET', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'HEAD', 'PATCH', 'TRACE', 'CONNECT'];

/** What a foreign route answers: sent as is, with none of Elasticsearch's response headers. */
export interface ForeignReply {
  status: number;
  headers: Record<string, string | string[]>;
  body?: string | Buffer;
}

/**
 * A route another product answers on this port, such as Kibana's Console proxy.
 * Elasticsearch's REST semantics (parameter checks, media types, error envelopes,
 * `X-elastic-product`) do not apply: the handler reads the raw request itself.
 */
export type ForeignHandler = (request: IncomingMessage) => Promise<ForeignReply>;

export interface DispatchTarget {
  pathParams: Record<string, string>;
  handler: RestHandler;
  parameters: readonly string[];
}

/**
 * Elasticsearch's `RestController` over a path trie: literal segments win over
 * `{placeholders}`; the first matching route that supports the method handles the
 * request; a path with routes but none for the method is a 405, a path with no
 * route at all a 400.
 */
export class RestController {
  private readonly routes: Route[] = [];
  private readonly foreignRoutes = new Map<string, ForeignHandler>();
  private readonly foreignPrefixes: { prefix: string; handler: ForeignHandler }[] = [];

  constructor(private readonly globalParameters: readonly string[]) {}

  /** Hands every request to exactly `path` (any method, any query) to another product's handler. */
  registerForeign(path: string, handler: ForeignHandler): void {
    this.foreignRoutes.set(path, handler);
  }

  /** Hands every request to `prefix` or any path below it (`/__mock` owns `/__mock/journal`) to a handler. */
  registerForeignPrefix(prefix: string, handler: ForeignHandler): void {
    this.foreignPrefixes.push({ prefix: prefix.replace(/\/+$/, ''), handler });
  }

  /** The foreign handler for a raw request path, if another product owns it. */
  foreign(rawPath: string): ForeignHandler | undefined {
    const exact = this.foreignRoutes.get(rawPath);
    if (exact) return exact;
    return this.foreignPrefixes.find(({ prefix }) => rawPath === prefix || rawPath.startsWith(`${prefix}/`))?.handler;
  }

  register(method: HttpMethod, path: string, handler: RestHandler, parameters: readonly string[] = []): void {
    this.routes.push({ method, segments: splitPath(path), handler, parameters });
  }

  resolve(method: HttpMethod, rawPath: string, uri: string): DispatchTarget {
    const matches = this.matches(rawPath);
    if (matches.length === 0) throw new RouteError(400, `no handler found for uri [${uri}] and method [${method}]`);
    const allowed = METHOD_ORDER.filter((m) => matches.some(({ route }) => route.method === m));
    if (method === 'OPTIONS') throw new RouteError(200, '', allowed);
    const match = matches.find(({ route }) => route.method === method);
    if (!match) {
      throw new RouteError(405, `Incorrect HTTP method for uri [${uri}] and method [${method}], allowed: [${allowed.join(', ')}]`, allowed);
    }
    return { pathParams: match.params, handler: match.route.handler, parameters: match.route.parameters };
  }

  /**
   * `RestController.handleUnsupportedHttpMethod` for a method Elasticsearch does not know
   * (`RestRequest.Method` has no such constant): 405 with the path's methods, if it has any.
   */
  unknownMethod(method: string, rawPath: string): RouteError {
    const matches = this.matches(rawPath);
    const allowed = METHOD_ORDER.filter((m) => matches.some(({ route }) => route.method === m));
    if (allowed.length === 0) return new RouteError(405, `Unexpected http method: ${method}`);
    return new RouteError(405, `Unexpected http method: ${method}, allowed: [${allowed.join(', ')}]`, allowed);
  }

  private matches(rawPath: string): { route: Route; params: Record<string, string> }[] {
    const segments = splitPath(rawPath).map(safeDecode);
    return this.routes
      .map((route) => ({ route, params: matchSegments(route.segments, segments) }))
      .filter((m): m is { route: Route; params: Record<string, string> } => m.params !== undefined)
      .sort((a, b) => specificity(b.route) - specificity(a.route));
  }

  /** Prepares the request, then refuses parameters nobody read, then runs the action. */
  async dispatch(target: DispatchTarget, request: RestRequest): Promise<ActionResult> {
    const action = target.handler(request);
    request.consume(this.globalParameters);
    const unrecognized = request.unconsumedParams();
    if (unrecognized.length > 0) {
      throw unrecognizedParameters(request.path, unrecognized, [...target.parameters, ...this.globalParameters]);
    }
    return action();
  }
}

/** `BaseRestHandler.unrecognized`. */
export function unrecognizedParameters(path: string, invalid: readonly string[], candidates: readonly string[]): ElasticsearchException {
  const parts = invalid.map((name) => {
    const suggestions = candidates
      .map((candidate) => ({ candidate, score: levenshteinSimilarity(name, candidate) }))
      .filter(({ score }) => score > 0.5)
      .sort((a, b) => b.score - a.score || (a.candidate < b.candidate ? -1 : 1))
      .map(({ candidate }) => candidate);
    if (suggestions.length === 0) return `[${name}]`;
    const hint = suggestions.length === 1 ? `[${suggestions[0]}]` : `any of [${suggestions.join(', ')}]`;
    return `[${name}] -> did you mean ${hint}?`;
  });
  const noun = invalid.length > 1 ? 'parameters' : 'parameter';
  return illegalArgument(`request [${path}] contains unrecognized ${noun}: ${parts.join(', ')}`);
}

function splitPath(path: string): string[] {
  return path.split('/').filter((segment) => segment.length > 0);
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

const isPlaceholder = (segment: string) => segment.startsWith('{') && segment.endsWith('}');

function matchSegments(pattern: string[], actual: string[]): Record<string, string> | undefined {
  if (pattern.length !== actual.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    if (isPlaceholder(pattern[i])) params[pattern[i].slice(1, -1)] = actual[i];
    else if (pattern[i] !== actual[i]) return undefined;
  }
  return params;
}

/** Earlier literal segments outrank placeholders, as in Elasticsearch's path trie. */
function specificity(route: Route): number {
  return route.segments.reduce((score, segment, i) => score + (isPlaceholder(segment) ? 0 : 2 ** (16 - i)), 0);
}

import type { IncomingMessage } from 'node:http';
import { ElasticsearchException } from '../errors/elasticsearch-exception';
import type { ForeignReply, RestController } from '../http/rest-controller';
import { BodyTooLarge, readBody } from '../http/request-body';
import { authenticate, SecurityOptions } from '../http/security';

/** Where the mock's own API lives: no Elasticsearch path starts with a double underscore. */
export const MOCK_PREFIX = '/__mock';

/** A request to the mock's own API, its body read. */
export interface MockRequest {
  method: string;
  /** The path below `/__mock`, e.g. `/journal`. */
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

export type MockRouteHandler = (request: MockRequest) => ForeignReply | Promise<ForeignReply>;

/** The mock's own answers: JSON, in no Elasticsearch envelope. */
export function mockJson(status: number, body: unknown, headers: Record<string, string> = {}): ForeignReply {
  return { status, headers: { 'content-type': 'application/json; charset=utf-8', ...headers }, body: JSON.stringify(body) };
}

export function mockError(status: number, message: string): ForeignReply {
  return mockJson(status, { error: message, status });
}

/** Bodies of the mock's own API are small: control requests and their JSON. */
const MAX_MOCK_BODY = 1024 * 1024;

/**
 * The routes under `/__mock`: exact paths per method, or a path ending in `/*` for
 * everything below it. The mock's API needs the same credentials as Elasticsearch's
 * when security is on; its errors are `{ "error": "...", "status": N }`.
 */
export class MockRouter {
  private readonly routes: { method: string; path: string; handler: MockRouteHandler }[] = [];

  constructor(private readonly security: () => SecurityOptions = () => ({})) {}

  add(method: string, path: string, handler: MockRouteHandler): this {
    this.routes.push({ method: method.toUpperCase(), path, handler });
    return this;
  }

  /** Answers every request below `/__mock` on this controller. */
  mount(controller: RestController): void {
    controller.registerForeignPrefix(MOCK_PREFIX, (request) => this.handle(request));
  }

  async handle(request: IncomingMessage): Promise<ForeignReply> {
    const uri = request.url ?? '/';
    const queryStart = uri.indexOf('?');
    const path = (queryStart < 0 ? uri : uri.slice(0, queryStart)).slice(MOCK_PREFIX.length) || '/';
    try {
      authenticate(this.security(), request.headers.authorization, uri);
    } catch (error) {
      if (!(error instanceof ElasticsearchException)) throw error;
      request.resume();
      return {
        status: error.status,
        headers: { 'content-type': 'application/json', ...error.extra.headers },
        body: JSON.stringify(error.toJSON()),
      };
    }
    const method = (request.method ?? 'GET').toUpperCase();
    const matching = this.routes.filter(
      (route) => route.path === path || (route.path.endsWith('/*') && path.startsWith(route.path.slice(0, -1))),
    );
    if (matching.length === 0) {
      request.resume();
      return mockError(404, `no mock route for [${method} ${MOCK_PREFIX}${path}]`);
    }
    const route = matching.find((candidate) => candidate.method === method || (method === 'HEAD' && candidate.method === 'GET'));
    if (!route) {
      request.resume();
      const allow = [...new Set(matching.map((candidate) => candidate.method))].join(', ');
      return {
        ...mockError(405, `[${MOCK_PREFIX}${path}] answers ${allow}, not ${method}`),
        headers: { Allow: allow, 'content-type': 'application/json; charset=utf-8' },
      };
    }
    const body = await readBody(request, MAX_MOCK_BODY).catch((error: unknown) => {
      if (error instanceof BodyTooLarge) return undefined;
      throw error;
    });
    if (body === undefined) return mockError(413, `a ${MOCK_PREFIX} request body is limited to ${MAX_MOCK_BODY} bytes`);
    const reply = await route.handler({
      method,
      path,
      query: new URLSearchParams(queryStart < 0 ? '' : uri.slice(queryStart + 1)),
      headers: request.headers,
      body,
    });
    return method === 'HEAD' ? { ...reply, body: undefined } : reply;
  }
}

import express from 'express';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ElasticsearchException } from '../errors/elasticsearch-exception';
import type { ActionResult } from '../inference/inference-api';
import type { BehaviourProfile } from '../inference/profiles';
import { applyFilterPath } from './filter-path';
import { prettyJson } from './json-output';
import { checkCompatibleVersion, parseMediaType, responseContentType } from './media-type';
import { ForeignHandler, RestController, RouteError } from './rest-controller';
import { HttpMethod, RestRequest } from './rest-request';

export interface HttpAppOptions {
  controller: RestController;
  profile: BehaviourProfile;
  /** `http.max_content_length`, in bytes. */
  maxContentLength: number;
  onInternalError?: (error: unknown) => void;
}

interface Reply {
  status: number;
  json?: string;
  headers?: Record<string, string | string[]>;
}

const KNOWN_METHODS: readonly string[] = ['GET', 'POST', 'PUT', 'DELETE', 'HEAD', 'OPTIONS', 'PATCH', 'TRACE', 'CONNECT'];

class BodyTooLarge extends Error {}

function readBody(request: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.reject(new BodyTooLarge());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        request.removeAllListeners('data');
        request.resume();
        reject(new BodyTooLarge());
      } else {
        chunks.push(chunk);
      }
    });
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

/** Wraps an unexpected failure the way Elasticsearch reports an unhandled exception. */
function internalError(error: unknown): ElasticsearchException {
  const reason = error instanceof Error ? error.message : String(error);
  return new ElasticsearchException(500, 'exception', reason);
}

/**
 * The HTTP face of the server. Every request goes through Elasticsearch's
 * REST semantics (the controller), never Express's own routing, so that no
 * response can be an Express page: every Elasticsearch response carries
 * `X-elastic-product`. The only exception is a path the controller gives to
 * another product (Kibana's Console proxy), whose replies are that product's own.
 */
export function createHttpApp(options: HttpAppOptions): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  app.use((req, res) => {
    void handle(req, res, options);
  });
  return app;
}

async function handle(req: IncomingMessage, res: ServerResponse, options: HttpAppOptions): Promise<void> {
  const uri = req.url ?? '/';
  const foreign = options.controller.foreign(uri.split('?')[0]);
  if (foreign) {
    await handleForeign(req, res, foreign, options);
    return;
  }
  const query = new URL(uri, 'http://localhost').searchParams;
  const format = { pretty: query.has('pretty') && query.get('pretty') !== 'false', filterPath: query.get('filter_path') ?? undefined };
  const major = Number(options.profile.version.number.split('.')[0]);
  let contentType = 'application/json';
  let reply: Reply;
  try {
    contentType = responseContentType(header(req, 'accept'), major);
    reply = await respond(req, uri, query, options, format);
  } catch (error) {
    reply = errorReply(error, options, format);
  }
  res.statusCode = reply.status;
  res.setHeader('X-elastic-product', 'Elasticsearch');
  for (const [name, value] of Object.entries(reply.headers ?? {})) res.setHeader(name, value);
  if (reply.json === undefined) {
    res.setHeader('content-length', '0');
    res.end();
    return;
  }
  res.setHeader('content-type', contentType);
  res.end(req.method === 'HEAD' ? undefined : reply.json);
}

async function handleForeign(req: IncomingMessage, res: ServerResponse, handler: ForeignHandler, options: HttpAppOptions): Promise<void> {
  try {
    const reply = await handler(req);
    res.statusCode = reply.status;
    for (const [name, value] of Object.entries(reply.headers)) res.setHeader(name, value);
    res.end(reply.body);
  } catch (error) {
    options.onInternalError?.(error);
    if (res.headersSent) {
      res.destroy();
      return;
    }
    res.statusCode = 500;
    res.setHeader('content-length', '0');
    res.end();
  }
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

async function respond(
  req: IncomingMessage,
  uri: string,
  query: URLSearchParams,
  options: HttpAppOptions,
  format: { pretty: boolean; filterPath?: string },
): Promise<Reply> {
  const method = (req.method ?? 'GET').toUpperCase();
  if (!KNOWN_METHODS.includes(method)) {
    return routeReply(new RouteError(405, `Unexpected http method: ${method}`));
  }
  const major = Number(options.profile.version.number.split('.')[0]);
  const accept = header(req, 'accept');
  const acceptType = parseMediaType(accept);
  if (accept && acceptType) checkCompatibleVersion(accept, 'Accept', acceptType.compatibleWith, major);

  let raw: Buffer;
  try {
    raw = await readBody(req, options.maxContentLength);
  } catch (error) {
    if (error instanceof BodyTooLarge) {
      // UNCONFIRMED: Elasticsearch's HTTP layer refuses oversized bodies with a bare 413.
      return {
        status: 413,
        json: JSON.stringify(
          new ElasticsearchException(
            413,
            'content_too_long_exception',
            `request body is too large, limit is [${options.maxContentLength}b]`,
          ).toJSON(),
        ),
      };
    }
    throw error;
  }
  let body: string | undefined;
  if (raw.length > 0) {
    const declared = header(req, 'content-type');
    const mediaType = parseMediaType(declared);
    if (!mediaType || mediaType.format !== 'json') {
      const error = declared ? `Content-Type header [${declared}] is not supported` : 'Content-Type header is missing';
      return { status: 406, json: JSON.stringify({ error, status: 406 }) };
    }
    checkCompatibleVersion(declared as string, 'Content-Type', mediaType.compatibleWith, major);
    body = new TextDecoder('utf-8', { fatal: false }).decode(raw);
  }

  const path = uri.split('?')[0];
  let target;
  try {
    target = options.controller.resolve(method as HttpMethod, path, uri);
  } catch (error) {
    if (error instanceof RouteError) return routeReply(error);
    throw error;
  }
  const params = new Map<string, string>();
  for (const [name, value] of query) params.set(name, value);
  const request = new RestRequest(method as HttpMethod, path, uri, target.pathParams, params, body, req.headers);
  const result = await options.controller.dispatch(target, request);
  return resultReply(result, options.profile, format);
}

function routeReply(error: RouteError): Reply {
  const headers = error.allow ? { Allow: error.allow.join(',') } : undefined;
  if (error.status === 200) return { status: 200, headers };
  return { status: error.status, json: JSON.stringify({ error: error.error, status: error.status }), headers };
}

function render(body: unknown, format: { pretty: boolean; filterPath?: string }): string {
  const filtered = applyFilterPath(body, format.filterPath);
  return format.pretty ? `${prettyJson(filtered)}\n` : JSON.stringify(filtered);
}

function resultReply(result: ActionResult, profile: BehaviourProfile, format: { pretty: boolean; filterPath?: string }): Reply {
  const headers: Record<string, string | string[]> = {};
  if (result.warnings && result.warnings.length > 0) {
    const agent = `Elasticsearch-${profile.version.number}-${profile.version.build_hash}`;
    headers.Warning = result.warnings.map((message) => `299 ${agent} "${message.replace(/["\\]/g, '\\$&')}"`);
  }
  if (result.rawJson !== undefined) {
    const json = format.pretty || format.filterPath ? render(JSON.parse(result.rawJson), format) : result.rawJson;
    return { status: result.status, json, headers };
  }
  if (result.body === undefined) return { status: result.status, headers };
  return { status: result.status, json: render(result.body, format), headers };
}

function errorReply(error: unknown, options: HttpAppOptions, format: { pretty: boolean; filterPath?: string }): Reply {
  if (error instanceof RouteError) return routeReply(error);
  let exception: ElasticsearchException;
  if (error instanceof ElasticsearchException) {
    exception = error;
  } else {
    options.onInternalError?.(error);
    exception = internalError(error);
  }
  return { status: exception.status, json: render(exception.toJSON(), { pretty: format.pretty }) };
}

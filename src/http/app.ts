import express from 'express';
import { createServer, IncomingHttpHeaders, IncomingMessage, OutgoingHttpHeaders, Server, ServerResponse, STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { ElasticsearchException } from '../errors/elasticsearch-exception';
import type { ActionResult } from '../inference/inference-api';
import type { BehaviourProfile } from '../inference/profiles';
import { applyFilterPath } from './filter-path';
import { prettyJson } from './json-output';
import { checkCompatibleVersion, parseMediaType, responseContentType } from './media-type';
import { ForeignHandler, RestController, RouteError } from './rest-controller';
import { HttpMethod, RestRequest } from './rest-request';
import { BodyTooLarge, readBody, RequestAborted } from './request-body';
import { authenticate, SecurityOptions } from './security';

export interface HttpAppOptions {
  controller: RestController;
  profile: BehaviourProfile;
  /** `http.max_content_length`, in bytes. */
  maxContentLength: number;
  /** Credentials every request must carry; security is off without any. */
  security?: SecurityOptions;
  onInternalError?: (error: unknown) => void;
  /** Called once per request, when its response is sent or its connection closes. */
  onRequestEnd?: (entry: RequestLogEntry) => void;
  /** Called like `onRequestEnd` with the bodies too, for every request but those another product answers. */
  onExchange?: (exchange: HttpExchange) => void;
  /** A fault to apply to an authenticated request before it is handled; undefined (the usual case) for none. */
  faultFor?: (request: IncomingMessage) => RequestFault | undefined;
}

/** What to do to a request instead of, or before, handling it. */
export interface RequestFault {
  /** What asked for it, as the journal names it (a fault's id, or the request's headers). */
  source: string;
  delayMs?: number;
  /** Close the connection without answering. */
  drop?: boolean;
  /** Answer this instead of handling the request. */
  error?: ElasticsearchException | RouteError;
}

/** A request and its response as they went over the wire. */
export interface HttpExchange {
  /** When the request arrived, in milliseconds since the epoch. */
  time: number;
  method: string;
  url: string;
  requestHeaders: IncomingHttpHeaders;
  /** Absent when the body was never read (the request was refused or dropped first). */
  requestBody?: Buffer;
  /** 0 when the connection closed before a response was sent. */
  status: number;
  responseHeaders: OutgoingHttpHeaders;
  responseBody?: string;
  durationMs: number;
  fault?: RequestFault;
}

export interface RequestLogEntry {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  /** 0 when the connection closed before a response was sent. */
  status: number;
  durationMs: number;
}

interface Reply {
  status: number;
  json?: string;
  headers?: Record<string, string | string[]>;
}

const KNOWN_METHODS: readonly string[] = ['GET', 'POST', 'PUT', 'DELETE', 'HEAD', 'OPTIONS', 'PATCH', 'TRACE', 'CONNECT'];

/** A fault asked for the connection to be closed without an answer. */
class ConnectionDropped extends Error {}

/** What an exchange being observed has sent and received so far. */
type ExchangeCapture = Pick<HttpExchange, 'requestBody' | 'responseBody' | 'fault'>;

const captures = new WeakMap<IncomingMessage, ExchangeCapture>();

/** The query string as Elasticsearch reads it: everything after the first `?`, whatever the URI looks like. */
function queryParameters(uri: string): URLSearchParams {
  const start = uri.indexOf('?');
  return new URLSearchParams(start < 0 ? '' : uri.slice(start + 1));
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
  const listener = (req: IncomingMessage, res: ServerResponse) => dispatch(req, res, options);
  app.use(listener);
  // Express's router skips a request whose URI has no path it can parse (`GET http://`), and
  // Node's defaults answer what its parser refuses without Elasticsearch's envelope: the
  // server this app listens with hands every request to the handler and answers parse
  // failures itself.
  app.listen = ((...args: Parameters<Server['listen']>) =>
    createElasticsearchHttpServer(listener, options).listen(...args)) as express.Express['listen'];
  return app;
}

/** Node's HTTP server configured as Elasticsearch's HTTP transport behaves. */
function createElasticsearchHttpServer(listener: (req: IncomingMessage, res: ServerResponse) => void, options: HttpAppOptions): Server {
  // Responses not yet sent, per connection: a parse error behind them is answered after them.
  const unanswered = new WeakMap<Duplex, Set<ServerResponse>>();
  const tracked = (req: IncomingMessage, res: ServerResponse) => {
    const responses = unanswered.get(req.socket) ?? new Set<ServerResponse>();
    unanswered.set(req.socket, responses);
    responses.add(res);
    res.once('close', () => responses.delete(res));
    listener(req, res);
  };
  // Netty requires no Host header; `http.max_header_size` is 16kb.
  const server = createServer({ requireHostHeader: false, maxHeaderSize: MAX_HEADER_SIZE }, tracked);
  // Elasticsearch keeps an idle connection open until the client closes it (`http.read_timeout`
  // is 0); Node's 5 s default would close pooled keep-alive sockets under clients about to reuse them.
  server.keepAliveTimeout = 0;
  server.on('clientError', (error: ClientError, socket: Duplex) => {
    if (!socket.writable || CLIENT_GONE.includes(error.code ?? '')) {
      socket.destroy();
      return;
    }
    // hapi answers what Node's parser refuses with a bare 400, whatever the route.
    const foreign = options.controller.foreign(refusedRequestPath(error.rawPacket, error.bytesParsed ?? 0)) !== undefined;
    const reply = clientErrorReply(error, options);
    const pending = [...(unanswered.get(socket) ?? [])];
    // A request whose body failed to parse is answered with the failure; its handler waits
    // for a body that will not come, until the connection closes.
    const broken = pending.find((res) => !res.req.complete && !res.headersSent);
    if (broken && !foreign) {
      broken.setHeader('connection', 'close');
      writeReply(broken.req, broken, reply, 'application/json');
      return;
    }
    const answer = () => {
      if (!socket.writable) return;
      if (foreign) socket.end('HTTP/1.1 400 Bad Request\r\n\r\n');
      else writeRawReply(socket, reply);
    };
    const before = pending.filter((res) => res !== broken);
    if (before.length === 0) answer();
    else void Promise.all(before.map((res) => new Promise((resolve) => res.once('close', resolve)))).then(answer);
  });
  server.on('connect', (req: IncomingMessage, socket: Duplex) => answerConnect(req, socket, tracked));
  return server;
}

const MAX_HEADER_SIZE = 16 * 1024;
/** `http.max_initial_line_length`. */
const MAX_INITIAL_LINE_LENGTH = 4096;

function dispatch(req: IncomingMessage, res: ServerResponse, options: HttpAppOptions): void {
  if (options.onRequestEnd) {
    const started = performance.now();
    const onRequestEnd = options.onRequestEnd;
    res.once('close', () =>
      onRequestEnd({
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        status: res.headersSent ? res.statusCode : 0,
        durationMs: performance.now() - started,
      }),
    );
  }
  if (options.onExchange && !options.controller.foreign((req.url ?? '/').split('?')[0])) observeExchange(req, res, options.onExchange);
  handle(req, res, options).catch((error: unknown) => {
    options.onInternalError?.(error);
    if (res.headersSent) res.destroy();
    else writeReply(req, res, { status: 500, json: JSON.stringify(internalError(error).toJSON()) }, 'application/json');
  });
}

function observeExchange(req: IncomingMessage, res: ServerResponse, onExchange: (exchange: HttpExchange) => void): void {
  const time = Date.now();
  const started = performance.now();
  const capture: ExchangeCapture = {};
  captures.set(req, capture);
  res.once('close', () =>
    onExchange({
      time,
      method: req.method ?? '',
      url: req.url ?? '',
      requestHeaders: req.headers,
      status: res.headersSent ? res.statusCode : 0,
      responseHeaders: res.getHeaders(),
      durationMs: performance.now() - started,
      ...capture,
    }),
  );
}

/**
 * The connection ended or reset mid-request, or the request never completed in time:
 * Netty closes such a channel without answering.
 */
const CLIENT_GONE = ['ECONNRESET', 'EPIPE', 'HPE_INVALID_EOF_STATE', 'ERR_HTTP_REQUEST_TIMEOUT'];

interface ClientError extends Error {
  code?: string;
  rawPacket?: Buffer;
  bytesParsed?: number;
}

/**
 * What Elasticsearch answers for a request its HTTP decoder could not read: the decoder's
 * exception as a 400 envelope (`RestController.dispatchBadRequest`), or, for a method it does
 * not know, the 405 of `handleUnsupportedHttpMethod`.
 */
function clientErrorReply(error: ClientError, options: HttpAppOptions): Reply {
  if (error.code === 'HPE_INVALID_METHOD') {
    const method = REQUEST_LINE.exec(lineAround(error.rawPacket, error.bytesParsed ?? 0));
    if (method) return routeReply(options.controller.unknownMethod(method[1], method[2].split('?')[0]));
  }
  const requestLine = lineAround(error.rawPacket, 0);
  const method = REQUEST_LINE.exec(requestLine);
  let exception: ElasticsearchException;
  if (error.code === 'HPE_HEADER_OVERFLOW') {
    exception =
      method && requestLine.length > MAX_INITIAL_LINE_LENGTH
        ? new ElasticsearchException(400, 'too_long_http_line_exception', `An HTTP line is larger than ${MAX_INITIAL_LINE_LENGTH} bytes.`)
        : new ElasticsearchException(400, 'too_long_http_header_exception', `HTTP header is larger than ${MAX_HEADER_SIZE} bytes.`);
  } else {
    // UNCONFIRMED: Netty words its decoder failures differently; the parser's own reason is given.
    exception = new ElasticsearchException(400, 'illegal_argument_exception', `invalid HTTP request: ${error.message}`);
  }
  return { status: 400, json: JSON.stringify(exception.toJSON()) };
}

/** Writes a reply straight to a connection no response object owns, then closes it. */
function writeRawReply(socket: Duplex, reply: Reply): void {
  const json = reply.json ?? '';
  const lines = [
    `HTTP/1.1 ${reply.status} ${STATUS_CODES[reply.status] ?? ''}`,
    'X-elastic-product: Elasticsearch',
    ...Object.entries(reply.headers ?? {}).map(([name, value]) => `${name}: ${Array.isArray(value) ? value.join(', ') : value}`),
    'content-type: application/json',
    `content-length: ${Buffer.byteLength(json)}`,
    'connection: close',
  ];
  socket.end(`${lines.join('\r\n')}\r\n\r\n${json}`);
}

// The target is whatever lies between the spaces: raw bytes over 0x7f read as latin1, and some of those count as \s.
const REQUEST_LINE = /^([!#$%&'*+\-.^_`|~0-9A-Za-z]+) ([^ ]+)(?: |$)/;
const COMPLETE_REQUEST_LINE = /^([!#$%&'*+\-.^_`|~0-9A-Za-z]+) ([^ ]+) HTTP\/\d\.\d$/;
const isTokenByte = (byte: number) => /[!#$%&'*+\-.^_`|~0-9A-Za-z]/.test(String.fromCharCode(byte));

/**
 * The path of the request the parser stopped in: the request line at or before where it
 * stopped, within the same head (the bytes may hold the requests before it on the connection).
 */
function refusedRequestPath(rawPacket: Buffer | undefined, offset: number): string {
  if (!rawPacket || rawPacket.length === 0) return '';
  let lineEnd = rawPacket.indexOf('\n', Math.min(Math.max(offset, 0), rawPacket.length - 1));
  if (lineEnd < 0) lineEnd = rawPacket.length;
  while (lineEnd > 0) {
    const lineStart = rawPacket.lastIndexOf('\n', lineEnd - 1) + 1;
    const line = rawPacket.subarray(lineStart, lineEnd).toString('latin1').replace(/\r$/, '');
    // An empty line ends the head of a request before this one.
    if (line === '' && lineStart > 0) return '';
    // A line that starts a head may be a request line the parser refused (`Bad Header: x` is no request line).
    const startsHead = lineStart === 0 || rawPacket.subarray(Math.max(0, lineStart - 4), lineStart).toString('latin1') === '\r\n\r\n';
    const request = (startsHead ? REQUEST_LINE : COMPLETE_REQUEST_LINE).exec(line);
    if (request) return request[2].split('?')[0];
    lineEnd = lineStart - 1;
  }
  return '';
}

/**
 * The line of the refused bytes that holds `offset`, from the start of the token there: the
 * parser reports where it stopped, which for a method it does not know is inside the method,
 * and the bytes may begin with the requests before it on the connection.
 */
function lineAround(rawPacket: Buffer | undefined, offset: number): string {
  if (!rawPacket || rawPacket.length === 0) return '';
  let start = Math.min(Math.max(offset, 0), rawPacket.length - 1);
  while (start > 0 && isTokenByte(rawPacket[start - 1])) start--;
  const end = rawPacket.indexOf('\r\n', start);
  return rawPacket.subarray(start, end < 0 ? rawPacket.length : end).toString('latin1');
}

/**
 * `CONNECT` is one of Elasticsearch's methods like any other (it answers 405 or 400 for it),
 * while Node hands it to a tunnel handler: the request is answered here, then the connection closes.
 */
function answerConnect(req: IncomingMessage, socket: Duplex, listener: (req: IncomingMessage, res: ServerResponse) => void): void {
  const res = new ServerResponse(req);
  res.shouldKeepAlive = false;
  res.assignSocket(socket as Parameters<ServerResponse['assignSocket']>[0]);
  res.once('finish', () => {
    res.detachSocket(socket as Parameters<ServerResponse['detachSocket']>[0]);
    socket.end();
  });
  // The tunnel's bytes are not a body: the request ends with its headers.
  if (!req.complete) req.push(null);
  listener(req, res);
}

async function handle(req: IncomingMessage, res: ServerResponse, options: HttpAppOptions): Promise<void> {
  const uri = req.url ?? '/';
  const foreign = options.controller.foreign(uri.split('?')[0]);
  if (foreign) {
    await handleForeign(req, res, foreign, options);
    return;
  }
  const query = queryParameters(uri);
  const format = {
    pretty: query.has('pretty') && query.get('pretty') !== 'false',
    filterPath: query.get('filter_path') ?? undefined,
    // RestRequest.paramAsBoolean: a bare parameter is true.
    errorTrace: query.has('error_trace') && query.get('error_trace') !== 'false',
  };
  const major = Number(options.profile.version.number.split('.')[0]);
  let contentType = 'application/json';
  let reply: Reply;
  try {
    contentType = responseContentType(header(req, 'accept'), major);
    reply = await respond(req, uri, query, options, format);
  } catch (error) {
    if (error instanceof RequestAborted || error instanceof ConnectionDropped) {
      res.destroy();
      return;
    }
    reply = errorReply(error, options, format);
  }
  writeReply(req, res, reply, contentType);
}

function writeReply(req: IncomingMessage, res: ServerResponse, reply: Reply, contentType: string): void {
  res.statusCode = reply.status;
  res.setHeader('X-elastic-product', 'Elasticsearch');
  const opaqueId = header(req, 'x-opaque-id');
  if (opaqueId !== undefined) res.setHeader('X-Opaque-Id', opaqueId);
  for (const [name, value] of Object.entries(reply.headers ?? {})) res.setHeader(name, value);
  if (reply.json === undefined) {
    res.setHeader('content-length', '0');
    res.end();
    return;
  }
  res.setHeader('content-type', contentType);
  const body = req.method === 'HEAD' ? undefined : reply.json;
  const capture = captures.get(req);
  if (capture) capture.responseBody = body;
  res.end(body);
}

async function handleForeign(req: IncomingMessage, res: ServerResponse, handler: ForeignHandler, options: HttpAppOptions): Promise<void> {
  try {
    const reply = await handler(req);
    res.statusCode = reply.status;
    for (const [name, value] of Object.entries(reply.headers)) res.setHeader(name, value);
    res.end(reply.body);
  } catch (error) {
    if (error instanceof RequestAborted) {
      res.destroy();
      return;
    }
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
  format: ResponseFormat,
): Promise<Reply> {
  // Elasticsearch authenticates on the request's headers, before it reads the body or looks for a handler.
  authenticate(options.security ?? {}, header(req, 'authorization'), uri);
  const fault = options.faultFor?.(req);
  if (fault) await applyFault(req, fault, options.maxContentLength);
  const method = (req.method ?? 'GET').toUpperCase();
  if (!KNOWN_METHODS.includes(method)) return routeReply(options.controller.unknownMethod(method, uri.split('?')[0]));
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
  const capture = captures.get(req);
  if (capture) capture.requestBody = raw;
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
  const result = await whileConnected(req, (signal) =>
    options.controller.dispatch(
      target,
      new RestRequest(method as HttpMethod, path, uri, target.pathParams, params, body, req.headers, signal),
    ),
  );
  return resultReply(result, options.profile, format);
}

/** Runs `work` with a signal aborted (with RequestAborted) if the client's connection closes meanwhile. */
async function whileConnected<T>(req: IncomingMessage, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const abort = () => controller.abort(new RequestAborted());
  const connection = req.socket;
  if (connection.destroyed) abort();
  else connection.once('close', abort);
  try {
    return await work(controller.signal);
  } finally {
    connection.off('close', abort);
  }
}

/** Waits `ms`, or less if the connection closes first; a closed connection then has nobody to answer. */
function delayUnlessClosed(req: IncomingMessage, ms: number): Promise<void> {
  const connection = req.socket;
  if (connection.destroyed) return Promise.reject(new RequestAborted());
  return new Promise((resolve, reject) => {
    const closed = () => {
      clearTimeout(timer);
      reject(new RequestAborted());
    };
    const timer = setTimeout(() => {
      connection.off('close', closed);
      resolve();
    }, ms);
    timer.unref();
    connection.once('close', closed);
  });
}

/** Waits, drops the connection or answers with the fault's error; a fault with only a delay then lets the request through. */
async function applyFault(req: IncomingMessage, fault: RequestFault, maxContentLength: number): Promise<void> {
  const capture = captures.get(req);
  if (capture) capture.fault = fault;
  if (fault.delayMs) await delayUnlessClosed(req, fault.delayMs);
  if (fault.drop) throw new ConnectionDropped();
  if (fault.error) {
    // Reading the body keeps the connection usable for the next request, and the journal shows it.
    const raw = await readBody(req, maxContentLength).catch((error: unknown) => {
      if (error instanceof BodyTooLarge) return undefined;
      throw error;
    });
    if (capture) capture.requestBody = raw;
    throw fault.error;
  }
}

function routeReply(error: RouteError): Reply {
  const headers = error.allow ? { Allow: error.allow.join(',') } : undefined;
  if (error.status === 200) return { status: 200, headers };
  return { status: error.status, json: JSON.stringify({ error: error.error, status: error.status }), headers };
}

/** The global parameters that shape a response body. */
interface ResponseFormat {
  pretty: boolean;
  filterPath?: string;
  /** `error_trace=true`: error objects carry `stack_trace`. */
  errorTrace?: boolean;
}

function render(body: unknown, format: ResponseFormat): string {
  const filtered = applyFilterPath(body, format.filterPath);
  return format.pretty ? `${prettyJson(filtered)}\n` : JSON.stringify(filtered);
}

/** Deprecation warnings as Elasticsearch's `Warning` header values. */
function warningHeader(messages: readonly string[], profile: BehaviourProfile): string[] {
  const agent = `Elasticsearch-${profile.version.number}-${profile.version.build_hash}`;
  return messages.map((message) => `299 ${agent} "${message.replace(/["\\]/g, '\\$&')}"`);
}

function resultReply(result: ActionResult, profile: BehaviourProfile, format: ResponseFormat): Reply {
  const headers: Record<string, string | string[]> = {};
  if (result.warnings && result.warnings.length > 0) headers.Warning = warningHeader(result.warnings, profile);
  if (result.rawJson !== undefined) {
    const json = format.pretty || format.filterPath ? render(JSON.parse(result.rawJson), format) : result.rawJson;
    return { status: result.status, json, headers };
  }
  if (result.body === undefined) return { status: result.status, headers };
  return { status: result.status, json: render(result.body, format), headers };
}

function errorReply(error: unknown, options: HttpAppOptions, format: ResponseFormat): Reply {
  if (error instanceof RouteError) return routeReply(error);
  let exception: ElasticsearchException;
  if (error instanceof ElasticsearchException) {
    exception = error;
  } else {
    options.onInternalError?.(error);
    exception = internalError(error);
  }
  const headers: Record<string, string | string[]> = { ...exception.extra.headers };
  if (exception.extra.warnings && exception.extra.warnings.length > 0)
    headers.Warning = warningHeader(exception.extra.warnings, options.profile);
  return { status: exception.status, json: render(exception.toJSON(format.errorTrace), { pretty: format.pretty }), headers };
}

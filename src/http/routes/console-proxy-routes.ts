import type { IncomingMessage, OutgoingHttpHeaders } from 'node:http';
import { forward, upstreamUrl, UpstreamResponse } from '../console-proxy/forward';
import { kibanaError, kibanaNotFound, passedThroughHeaders } from '../console-proxy/kibana-reply';
import { ConsoleProxyQuery, queryObject, validateProxyQuery } from '../console-proxy/query';
import type { ForeignReply, RestController } from '../rest-controller';

export const CONSOLE_PROXY_PATH = '/api/console/proxy';

/** Kibana's `server.maxPayload` default, which hapi checks against `Content-Length`. */
const KIBANA_MAX_PAYLOAD = 1_048_576;

/** Request headers Kibana forwards by default (`elasticsearch.requestHeadersWhitelist`). */
const FORWARDED_HEADERS = ['authorization', 'es-client-authentication'];

export interface ConsoleProxyOptions {
  /** This server's own base URL, known once it listens. */
  elasticsearchUrl: () => string;
  /** How long the proxy waits for Elasticsearch, in milliseconds (Kibana: 60000). */
  timeoutMs: number;
}

/**
 * Kibana's Dev Tools Console proxy, `POST /api/console/proxy?path=…&method=…`,
 * sending the request over HTTP to this server as Kibana sends it to
 * Elasticsearch. What it answers is Kibana's: upstream answers in time come back
 * as 200 with `x-console-proxy-status-*` headers; a timeout or a connection
 * error is a 502 (the "502 bad gateway" the ELSER page warns of).
 */
export function registerConsoleProxyRoutes(controller: RestController, options: ConsoleProxyOptions): void {
  controller.registerForeign(CONSOLE_PROXY_PATH, (request) => proxy(request, options));
}

async function proxy(request: IncomingMessage, options: ConsoleProxyOptions): Promise<ForeignReply> {
  if (request.method !== 'POST') return kibanaNotFound();

  const declaredLength = Number(request.headers['content-length']);
  if (Number.isFinite(declaredLength) && declaredLength > KIBANA_MAX_PAYLOAD) {
    return kibanaError(413, `Payload content length greater than maximum allowed: ${KIBANA_MAX_PAYLOAD}`);
  }
  if (!('kbn-xsrf' in request.headers) && !('kbn-version' in request.headers)) {
    return kibanaError(400, 'Request must contain a kbn-xsrf header.');
  }
  const search = new URL(request.url ?? '/', 'http://localhost').searchParams;
  const validation = validateProxyQuery(queryObject(search));
  if (!validation.ok) return kibanaError(400, validation.message);
  const { query } = validation;

  const body = await readAll(request);
  let upstream: UpstreamResponse;
  try {
    const url = upstreamUrl(options.elasticsearchUrl(), query.path);
    upstream = await forward({
      url,
      method: query.method.toUpperCase(),
      headers: upstreamHeaders(request, query, url),
      body,
      timeoutMs: options.timeoutMs,
    });
  } catch (error) {
    return kibanaError(502, messageOf(error), { 'x-console-proxy-status-code': '502', 'x-console-proxy-status-text': 'Bad Gateway' });
  }
  return proxiedReply(query, upstream);
}

function upstreamHeaders(request: IncomingMessage, query: ConsoleProxyQuery, url: URL): OutgoingHttpHeaders {
  const headers: OutgoingHttpHeaders = {};
  for (const name of FORWARDED_HEADERS) {
    const value = request.headers[name];
    if (value !== undefined) headers[name] = value;
  }
  const { remoteAddress, remotePort } = request.socket;
  if (remoteAddress && remotePort) {
    headers['x-forwarded-for'] = remoteAddress;
    headers['x-forwarded-port'] = String(remotePort);
    headers['x-forwarded-proto'] = 'http';
    if (request.headers.host) headers['x-forwarded-host'] = request.headers.host;
  }
  if (query.withProductOrigin) headers['x-elastic-product-origin'] = 'kibana';
  // Kibana names the host without its port, and always declares a chunked JSON body.
  headers.host = url.hostname;
  headers['content-type'] = 'application/json';
  headers['transfer-encoding'] = 'chunked';
  return headers;
}

function proxiedReply(query: ConsoleProxyQuery, upstream: UpstreamResponse): ForeignReply {
  const warning = upstream.headers.warning;
  const kibanaHeaders = {
    warning: warning === undefined ? '' : String(warning),
    'x-console-proxy-status-code': String(upstream.status),
    'x-console-proxy-status-text': upstream.statusText,
  };
  if (query.method.toUpperCase() === 'HEAD') {
    return {
      status: 200,
      headers: { ...kibanaHeaders, 'content-type': 'text/plain; charset=utf-8' },
      body: `${upstream.status} - ${upstream.statusText}`,
    };
  }
  return { status: 200, headers: { ...passedThroughHeaders(upstream.headers), ...kibanaHeaders }, body: upstream.body };
}

/** Kibana reports the error's own `message` (socket errors may come from another realm, so no `instanceof`). */
function messageOf(error: unknown): string {
  if (typeof error === 'object' && error !== null && typeof (error as { message?: unknown }).message === 'string') {
    return (error as { message: string }).message;
  }
  return String(error);
}

function readAll(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.once('end', () => resolve(Buffer.concat(chunks)));
    request.once('error', reject);
  });
}

import { request as httpRequest, IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';

/** The proxy's own timeout, raised as Kibana's `Boom.gatewayTimeout('Client request timeout')`. */
export class UpstreamTimeout extends Error {
  constructor() {
    super('Client request timeout');
    this.name = 'UpstreamTimeout';
  }
}

export interface UpstreamRequest {
  url: URL;
  method: string;
  headers: OutgoingHttpHeaders;
  body: Buffer;
  timeoutMs: number;
}

export interface UpstreamResponse {
  status: number;
  statusText: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/**
 * Builds the Elasticsearch URL for Console's `path` the way Kibana's proxy does:
 * `+` in the query is kept literal, `pretty=true` is appended unless `pretty` has a
 * value, and a path that is not already percent-encoded is encoded per segment.
 */
export function upstreamUrl(base: string, path: string): URL {
  const [pathname, query = ''] = path.split('?');
  const target = query.includes('+') ? `${pathname}?${query.replace(/\+/g, '%2b')}` : path;
  const url = new URL(`${base.replace(/\/+$/, '')}/${target.replace(/^\/+/, '')}`);
  if (!url.searchParams.get('pretty')) url.searchParams.append('pretty', 'true');
  url.pathname = encodePathname(pathname);
  return url;
}

function encodePathname(pathname: string): string {
  const decoded = new URLSearchParams(`path=${pathname}`).get('path') ?? '';
  const alreadyEncoded = pathname.replace(/^\/+/, '') !== decoded.replace(/^\/+/, '');
  if (alreadyEncoded) return pathname;
  return pathname
    .split('/')
    .map((segment) => encodeURIComponent(segment))
    .join('/');
}

/**
 * Sends one request upstream and reads the whole response. When the timeout passes
 * first, the request is destroyed (whatever Elasticsearch started goes on without a
 * client) and the promise rejects with `UpstreamTimeout`; a connection error rejects
 * with that error.
 */
export function forward(upstream: UpstreamRequest): Promise<UpstreamResponse> {
  return new Promise((resolve, reject) => {
    const { url } = upstream;
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    let settled = false;
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      outcome();
    };

    const request = send({
      protocol: url.protocol,
      host: url.hostname.replace(/^\[|\]$/g, ''),
      port: url.port === '' ? undefined : Number(url.port),
      method: upstream.method,
      path: `${url.pathname}${url.search}`,
      headers: upstream.headers,
      agent: false,
    });
    const timer = setTimeout(() => {
      request.destroy();
      settle(() => reject(new UpstreamTimeout()));
    }, upstream.timeoutMs);

    request.once('response', (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.once('end', () =>
        settle(() =>
          resolve({
            status: response.statusCode ?? 0,
            statusText: response.statusMessage ?? '',
            headers: response.headers,
            body: Buffer.concat(chunks),
          }),
        ),
      );
      response.once('close', () => {
        if (!response.complete) settle(() => reject(new Error('aborted')));
      });
    });
    request.once('error', (error) => settle(() => reject(error)));
    request.end(upstream.body);
  });
}

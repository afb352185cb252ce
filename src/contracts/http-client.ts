import * as http from 'node:http';
import * as https from 'node:https';
import type { CaseRequest } from './case-model';
import { parseJson } from './json-values';

/** Sends case requests to a target and reads the answers as the runner compares them. */

export type Credentials = { kind: 'basic'; user: string; password: string } | { kind: 'api-key'; key: string };

export interface TlsOptions {
  /** PEM certificate authority for a cluster with its own CA. */
  ca?: string;
  /** Accept any certificate (curl's `-k`). */
  insecure?: boolean;
}

export interface ClientOptions {
  baseUrl: string;
  credentials?: Credentials;
  tls?: TlsOptions;
  /** Per request; a case waiting on a model download can take long. */
  timeoutMs?: number;
}

export interface HttpExchange {
  request: CaseRequest;
  url: string;
  status: number;
  /** Lower-case names; a header sent more than once has its values joined with ", ". */
  headers: Record<string, string>;
  text: string;
  /** The parsed JSON body; `undefined` when empty or not JSON. */
  body: unknown;
  durationMs: number;
}

const DEFAULT_TIMEOUT_MS = 120_000;

/** Joins a base URL (which may carry a path prefix) and a path, and appends the query. */
export function requestUrl(baseUrl: string, request: Pick<CaseRequest, 'path' | 'query'>): string {
  const base = baseUrl.replace(/\/+$/, '');
  const query = new URLSearchParams(
    Object.entries(request.query ?? {}).map(([key, value]): [string, string] => [key, String(value)]),
  ).toString();
  return `${base}${request.path}${query === '' ? '' : `?${query}`}`;
}

/** The body bytes and the headers a request is sent with (credentials aside). */
export function encodeRequest(request: CaseRequest): { headers: Record<string, string>; body?: string } {
  const headers: Record<string, string> = { ...(request.headers ?? {}) };
  let body: string | undefined;
  if (request.bodyText !== undefined) body = request.bodyText;
  else if ('body' in request && request.body !== undefined) body = JSON.stringify(request.body);
  if (body !== undefined && !Object.keys(headers).some((name) => name.toLowerCase() === 'content-type')) {
    headers['content-type'] = 'application/json';
  }
  return { headers, body };
}

function authorization(credentials: Credentials | undefined): string | undefined {
  if (!credentials) return undefined;
  if (credentials.kind === 'api-key') return `ApiKey ${credentials.key}`;
  return `Basic ${Buffer.from(`${credentials.user}:${credentials.password}`).toString('base64')}`;
}

function joinHeaders(raw: string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i].toLowerCase();
    headers[name] = name in headers ? `${headers[name]}, ${raw[i + 1]}` : raw[i + 1];
  }
  return headers;
}

export class HttpClient {
  private readonly agent: http.Agent;

  constructor(readonly options: ClientOptions) {
    const secure = options.baseUrl.startsWith('https:');
    this.agent = secure
      ? new https.Agent({ keepAlive: true, ca: options.tls?.ca, rejectUnauthorized: !options.tls?.insecure })
      : new http.Agent({ keepAlive: true });
  }

  get baseUrl(): string {
    return this.options.baseUrl;
  }

  /** The same credentials and TLS settings against another base URL. */
  withBaseUrl(baseUrl: string): HttpClient {
    return new HttpClient({ ...this.options, baseUrl });
  }

  send(request: CaseRequest): Promise<HttpExchange> {
    const url = requestUrl(this.options.baseUrl, request);
    const { headers, body } = encodeRequest(request);
    const auth = authorization(this.options.credentials);
    if (auth && !Object.keys(headers).some((name) => name.toLowerCase() === 'authorization')) headers.authorization = auth;
    if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body));
    const started = Date.now();
    const transport = url.startsWith('https:') ? https : http;
    return new Promise((resolve, reject) => {
      const outgoing = transport.request(url, { method: request.method, headers, agent: this.agent }, (incoming) => {
        const chunks: Buffer[] = [];
        incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
        incoming.on('error', reject);
        incoming.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({
            request,
            url,
            status: incoming.statusCode ?? 0,
            headers: joinHeaders(incoming.rawHeaders),
            text,
            body: parseJson(text),
            durationMs: Date.now() - started,
          });
        });
      });
      const timeoutMs = this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
      outgoing.setTimeout(timeoutMs, () => outgoing.destroy(new Error(`no answer within ${timeoutMs} ms`)));
      outgoing.on('error', (error) => reject(new Error(`${request.method} ${url}: ${error.message}`)));
      outgoing.end(body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

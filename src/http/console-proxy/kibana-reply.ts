import type { IncomingHttpHeaders } from 'node:http';
import type { ForeignReply } from '../rest-controller';

const JSON_UTF8 = 'application/json; charset=utf-8';

/** Boom's own reason phrases, which differ from Node's (413 is not "Payload Too Large" there). */
const BOOM_ERRORS: Record<number, string> = {
  400: 'Bad Request',
  404: 'Not Found',
  413: 'Request Entity Too Large',
  502: 'Bad Gateway',
};

/** A Kibana error reply: hapi's Boom payload `{statusCode, error, message}`. */
export function kibanaError(status: number, message: string, headers: Record<string, string> = {}): ForeignReply {
  const body = JSON.stringify({ statusCode: status, error: BOOM_ERRORS[status] ?? 'Unknown', message });
  return { status, headers: { ...headers, 'content-type': JSON_UTF8 }, body };
}

/** hapi's answer for a path it has no route for with that method. */
export const kibanaNotFound = (): ForeignReply => kibanaError(404, 'Not Found');

/** hapi adds `charset=utf-8` to text, JSON and JavaScript types that name no charset. */
export function withHapiCharset(type: string): string {
  const trimmed = type.trim();
  const textual = trimmed.startsWith('text/') || trimmed.includes('application/json') || trimmed.includes('javascript');
  if (!textual || /; *charset=/.test(trimmed)) return trimmed;
  return `${trimmed}${trimmed.endsWith(';') ? ' ' : '; '}charset=utf-8`;
}

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

/**
 * The headers hapi copies from a streamed upstream response onto its own
 * (its `passThrough`): every end-to-end header, so the proxied body keeps
 * Elasticsearch's content type, length and `X-elastic-product`.
 */
export function passedThroughHeaders(upstream: IncomingHttpHeaders): Record<string, string | string[]> {
  const connectionTokens = String(upstream.connection ?? '')
    .split(',')
    .map((token) => token.trim().toLowerCase())
    .filter(Boolean);
  const skipped = new Set([...HOP_BY_HOP, ...connectionTokens]);
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(upstream)) {
    if (value === undefined || skipped.has(name)) continue;
    headers[name] = name === 'content-type' && typeof value === 'string' ? withHapiCharset(value) : value;
  }
  return headers;
}

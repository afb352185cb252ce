import { timingSafeEqual } from 'node:crypto';
import { ElasticsearchException } from '../errors/elasticsearch-exception';

/** Credentials the server accepts, as `--auth basic:USER:PASS` and `--api-key KEY` configure them. */
export interface SecurityOptions {
  basic?: { username: string; password: string };
  /** Encoded API keys (`base64(id:api_key)`), sent as `Authorization: ApiKey <key>`. */
  apiKeys?: readonly string[];
}

/** The challenges Elasticsearch sends with every 401. */
export const WWW_AUTHENTICATE = ['Basic realm="security", charset="UTF-8"', 'Bearer realm="security"', 'ApiKey'];

function securityException(reason: string): ElasticsearchException {
  return new ElasticsearchException(401, 'security_exception', reason, undefined, {
    metadata: { header: { 'WWW-Authenticate': WWW_AUTHENTICATE } },
    headers: { 'WWW-Authenticate': WWW_AUTHENTICATE },
  });
}

const sameSecret = (given: string, expected: string) => {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
};

export function securityEnabled(options: SecurityOptions): boolean {
  return options.basic !== undefined || (options.apiKeys ?? []).length > 0;
}

/**
 * Authenticates a request as Elasticsearch's security does for the realms
 * configured here; throws its 401 `security_exception` otherwise. `uri` is the
 * request URI as Elasticsearch quotes it in the reason (query string included).
 */
export function authenticate(options: SecurityOptions, authorization: string | undefined, uri: string): void {
  if (!securityEnabled(options)) return;
  if (!authorization) throw securityException(`missing authentication credentials for REST request [${uri}]`);
  const [scheme, ...rest] = authorization.trim().split(/\s+/);
  const credentials = rest.join(' ');
  if (scheme.toLowerCase() === 'basic' && options.basic) {
    const decoded = Buffer.from(credentials, 'base64').toString('utf8');
    const separator = decoded.indexOf(':');
    const username = separator < 0 ? decoded : decoded.slice(0, separator);
    const password = separator < 0 ? '' : decoded.slice(separator + 1);
    if (sameSecret(username, options.basic.username) && sameSecret(password, options.basic.password)) return;
    throw securityException(`unable to authenticate user [${username}] for REST request [${uri}]`);
  }
  if (scheme.toLowerCase() === 'apikey' && (options.apiKeys ?? []).some((key) => sameSecret(credentials, key))) return;
  // UNCONFIRMED: Elasticsearch adds realm-specific detail here; the generic reason is used.
  throw securityException('unable to authenticate with provided credentials and anonymous access is not allowed for this request');
}

/** Parses `basic:USER:PASS`. */
export function parseBasicAuth(value: string): { username: string; password: string } | undefined {
  const match = /^basic:([^:]+):(.*)$/s.exec(value);
  return match ? { username: match[1], password: match[2] } : undefined;
}

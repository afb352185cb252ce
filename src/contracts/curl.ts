import type { CaseRequest } from './case-model';
import type { Credentials, TlsOptions } from './http-client';
import { encodeRequest, requestUrl } from './http-client';

/**
 * A curl command that sends the same request. Credentials appear as shell variables
 * (`$ES_USER`, `$ES_PASSWORD`, `$ES_API_KEY`), never as their values.
 */

function quote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

export interface CurlOptions {
  baseUrl: string;
  credentials?: Credentials['kind'];
  tls?: TlsOptions;
}

export function curlCommand(request: CaseRequest, options: CurlOptions): string {
  const { headers, body } = encodeRequest(request);
  const parts = ['curl -sS -i'];
  if (request.method === 'HEAD') parts.push('-I');
  else if (request.method !== 'GET' || body !== undefined) parts.push(`-X ${request.method}`);
  parts.push(quote(requestUrl(options.baseUrl, request)));
  if (options.tls?.insecure) parts.push('-k');
  else if (options.tls?.ca) parts.push('--cacert "$ES_CA_CERT"');
  if (options.credentials === 'basic') parts.push('-u "$ES_USER:$ES_PASSWORD"');
  if (options.credentials === 'api-key') parts.push('-H "Authorization: ApiKey $ES_API_KEY"');
  for (const [name, value] of Object.entries(headers)) parts.push(`-H ${quote(`${name}: ${value}`)}`);
  if (body !== undefined) parts.push(`--data-binary ${quote(body)}`);
  return parts.join(' ');
}

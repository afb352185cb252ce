import { STATUS_CODES } from 'node:http';
import { ElasticsearchException } from '../../errors/elasticsearch-exception';
import { WWW_AUTHENTICATE } from '../../http/security';

/**
 * The exception type a forced status gets when the fault names none: what Elasticsearch
 * answers with that status on the inference and ML APIs. Every other status is an
 * `ElasticsearchStatusException` (`status_exception`), which carries any status; that includes
 * 408 (the inference timeout, `timeout [..] waiting for inference result`) and 503.
 */
export const DEFAULT_ERROR_TYPES: Readonly<Record<number, string>> = {
  400: 'illegal_argument_exception',
  401: 'security_exception',
  403: 'security_exception',
  404: 'resource_not_found_exception',
  429: 'es_rejected_execution_exception',
};

/** The Elasticsearch error a fault answers with; `source` names the fault in the default reason. */
export function forcedError(status: number, source: string, error: { type?: string; reason?: string } = {}): ElasticsearchException {
  const type = error.type ?? DEFAULT_ERROR_TYPES[status] ?? 'status_exception';
  const reason = error.reason ?? `[${status} ${STATUS_CODES[status] ?? 'Unknown'}] forced by elser-mock (${source})`;
  if (status !== 401) return new ElasticsearchException(status, type, reason);
  // Clients read a 401's challenge to decide whether to retry with credentials; Elasticsearch also writes it into the error.
  return new ElasticsearchException(status, type, reason, undefined, {
    metadata: { header: { 'WWW-Authenticate': WWW_AUTHENTICATE } },
    headers: { 'WWW-Authenticate': WWW_AUTHENTICATE },
  });
}

import type { RequestLogEntry } from '../http/app';
import type { Logger } from './logger';

/**
 * One log line per request, as a mock server's users expect to follow their traffic. `reqId`
 * numbers requests in arrival order; a client's `X-Opaque-Id` is logged as `opaqueId`.
 */
export function logRequest(logger: Logger): (entry: RequestLogEntry) => void {
  let next = 0;
  return ({ method, url, headers, status, durationMs }) => {
    const opaqueId = headers['x-opaque-id'];
    logger.info(
      {
        reqId: ++next,
        ...(opaqueId !== undefined && { opaqueId }),
        req: { method, url, headers },
        res: { statusCode: status },
        responseTime: Math.round(durationMs * 10) / 10,
      },
      status === 0 ? 'request closed before an answer' : 'request completed',
    );
  };
}

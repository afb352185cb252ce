import type { IncomingHttpHeaders } from 'node:http';
import type { RequestFault } from '../../http/app';
import { RouteError } from '../../http/rest-controller';
import { TimeValue } from '../../java/time-value';
import { FORCED_STATUS_RANGE, isForcedErrorStatus, parseFaultDelay } from './fault-spec';
import { forcedError } from './forced-errors';

export const DELAY_HEADER = 'x-elser-mock-delay';
export const STATUS_HEADER = 'x-elser-mock-status';
export const ERROR_TYPE_HEADER = 'x-elser-mock-error-type';
export const ERROR_REASON_HEADER = 'x-elser-mock-error-reason';

/** How the journal names a fault the request's own headers asked for. */
export const HEADER_FAULT_SOURCE = 'headers';

/** Whether the request asks for a fault of its own; the check every request pays. */
export function hasFaultHeaders(headers: IncomingHttpHeaders): boolean {
  return (
    headers[DELAY_HEADER] !== undefined ||
    headers[STATUS_HEADER] !== undefined ||
    headers[ERROR_TYPE_HEADER] !== undefined ||
    headers[ERROR_REASON_HEADER] !== undefined
  );
}

/**
 * The fault `X-Elser-Mock-Delay` (a time value) and `X-Elser-Mock-Status` (with optional
 * `X-Elser-Mock-Error-Type` and `-Reason`) ask for. Headers it cannot read get a 400 naming them,
 * rather than a request quietly handled without the fault its sender expects.
 */
export function headerFault(headers: IncomingHttpHeaders): RequestFault {
  const fault: RequestFault = { source: HEADER_FAULT_SOURCE };
  try {
    const delay = single(headers, DELAY_HEADER);
    if (delay !== undefined) fault.delayMs = delayOf(delay).millis;
    const status = single(headers, STATUS_HEADER);
    const type = single(headers, ERROR_TYPE_HEADER);
    const reason = single(headers, ERROR_REASON_HEADER);
    if (status !== undefined)
      fault.error = forcedError(statusOf(status), HEADER_FAULT_SOURCE, { type: type || undefined, reason: reason || undefined });
    else if (type !== undefined || reason !== undefined)
      throw invalidHeader(type !== undefined ? ERROR_TYPE_HEADER : ERROR_REASON_HEADER, `needs [${STATUS_HEADER}]`);
  } catch (error) {
    if (!(error instanceof RouteError)) throw error;
    return { source: HEADER_FAULT_SOURCE, error };
  }
  return fault;
}

function invalidHeader(name: string, problem: string): RouteError {
  return new RouteError(400, `invalid [${name}] header: ${problem}`);
}

function single(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  if (Array.isArray(value)) throw invalidHeader(name, 'given more than once');
  return value?.trim();
}

function delayOf(value: string): TimeValue {
  return parseFaultDelay(value, DELAY_HEADER, (problem) => invalidHeader(DELAY_HEADER, problem));
}

function statusOf(value: string): number {
  const status = /^\d{3}$/.test(value) ? Number(value) : NaN;
  if (!isForcedErrorStatus(status)) throw invalidHeader(STATUS_HEADER, `${FORCED_STATUS_RANGE}, got [${value}]`);
  return status;
}

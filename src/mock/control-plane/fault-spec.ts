import { ElasticsearchException } from '../../errors/elasticsearch-exception';
import { TimeValue } from '../../java/time-value';
import type { DownloadLimit } from '../../model/repository';
import { InvalidControlRequest } from './invalid-control-request';

/** A fault on Elasticsearch requests, as `POST /__mock/faults` describes it. */
export interface RequestFaultSpec {
  kind: 'request';
  /** Upper case; any method when absent. */
  method?: string;
  /** A `simpleMatch` pattern over the request path (no query string). */
  path: string;
  delay?: TimeValue;
  status?: number;
  error?: { type?: string; reason?: string };
  drop: boolean;
  /** How many matching requests it applies to; until removed when absent. */
  times?: number;
}

/** A fault on model downloads from the repository, until removed. */
export interface DownloadFaultSpec {
  kind: 'download';
  limit: DownloadLimit;
}

export type FaultSpec = RequestFaultSpec | DownloadFaultSpec;

export const FAULT_METHODS: readonly string[] = ['GET', 'POST', 'PUT', 'DELETE', 'HEAD', 'OPTIONS', 'PATCH'];

/** Longer waits are better expressed with `drop`; this keeps timers in range. */
export const MAX_FAULT_DELAY = TimeValue.parse('1h', 'delay');

const REQUEST_FIELDS = ['method', 'path', 'delay', 'status', 'error', 'drop', 'times'];
const ERROR_FIELDS = ['type', 'reason'];
const DOWNLOAD_FIELDS = ['stall', 'bytes_per_second'];

const invalid = (message: string) => new InvalidControlRequest(message);

/** Reads a `POST /__mock/faults` body, refusing anything it does not understand and naming the field. */
export function parseFaultSpec(body: Buffer): FaultSpec {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch (error) {
    throw invalid(body.length === 0 ? 'a fault needs a JSON object body' : `the body is not JSON: ${(error as Error).message}`);
  }
  const spec = object(parsed, 'the body');
  if ('download' in spec) {
    const others = Object.keys(spec).filter((name) => name !== 'download');
    if (others.length > 0) throw invalid(`[download] cannot be combined with [${others.join(', ')}]`);
    return { kind: 'download', limit: downloadLimit(spec.download) };
  }
  checkFields(spec, REQUEST_FIELDS, '');
  const method = spec.method === undefined ? undefined : methodOf(spec.method);
  const path = spec.path === undefined ? '*' : pathPattern(spec.path);
  const delay = spec.delay === undefined ? undefined : delayOf(spec.delay);
  const status = spec.status === undefined ? undefined : statusOf(spec.status);
  const drop = spec.drop === undefined ? false : booleanOf(spec.drop, 'drop');
  const times = spec.times === undefined ? undefined : positiveInteger(spec.times, 'times');
  let error: RequestFaultSpec['error'];
  if (spec.error !== undefined) {
    if (status === undefined) throw invalid('[error] needs [status]');
    error = errorOf(spec.error);
  }
  if (drop && status !== undefined) throw invalid('[drop] cannot be combined with [status]: a dropped request gets no answer');
  if (delay === undefined && status === undefined && !drop) throw invalid('a fault needs [delay], [status], [drop] or [download]');
  return { kind: 'request', method, path, delay, status, error, drop, times };
}

function object(value: unknown, name: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid(`${name} must be a JSON object`);
  return value as Record<string, unknown>;
}

function checkFields(value: Record<string, unknown>, known: readonly string[], prefix: string): void {
  const unknown = Object.keys(value).find((name) => !known.includes(name));
  if (unknown !== undefined) {
    throw invalid(`unknown field [${prefix}${unknown}]; expected one of ${known.map((name) => `[${prefix}${name}]`).join(', ')}`);
  }
}

function methodOf(value: unknown): string {
  const method = typeof value === 'string' ? value.toUpperCase() : undefined;
  if (method === undefined || !FAULT_METHODS.includes(method)) {
    throw invalid(`[method] must be one of ${FAULT_METHODS.join(', ')}, got [${String(value)}]`);
  }
  return method;
}

function pathPattern(value: unknown): string {
  if (typeof value !== 'string' || !(value.startsWith('/') || value.startsWith('*'))) {
    throw invalid(`[path] must be a path pattern starting with / or * (* matches any characters), got [${String(value)}]`);
  }
  return value;
}

/** A fault's delay: a time value from 0 to `MAX_FAULT_DELAY`; `fail` wraps a problem in the caller's error. */
export function parseFaultDelay(value: string, settingName: string, fail: (problem: string) => Error): TimeValue {
  let delay: TimeValue;
  try {
    delay = TimeValue.parse(value, settingName);
  } catch (error) {
    if (error instanceof ElasticsearchException) throw fail(error.reason);
    throw error;
  }
  if (delay.nanos < 0 || delay.nanos > MAX_FAULT_DELAY.nanos) throw fail(`must be from 0 to ${MAX_FAULT_DELAY}, got [${value}]`);
  return delay;
}

/** The statuses a fault may force. */
export const isForcedErrorStatus = (status: number) => Number.isInteger(status) && status >= 400 && status <= 599;

export const FORCED_STATUS_RANGE = 'must be an error status from 400 to 599';

function delayOf(value: unknown): TimeValue {
  if (typeof value !== 'string') throw invalid(`[delay] must be a time value such as "1500ms" or "2s", got [${JSON.stringify(value)}]`);
  return parseFaultDelay(value, 'delay', (problem) => invalid(`[delay] ${problem}`));
}

function statusOf(value: unknown): number {
  if (typeof value !== 'number' || !isForcedErrorStatus(value))
    throw invalid(`[status] ${FORCED_STATUS_RANGE}, got [${JSON.stringify(value)}]`);
  return value;
}

function errorOf(value: unknown): { type?: string; reason?: string } {
  const error = object(value, '[error]');
  checkFields(error, ERROR_FIELDS, 'error.');
  return { type: nonEmptyString(error.type, 'error.type'), reason: nonEmptyString(error.reason, 'error.reason') };
}

function nonEmptyString(value: unknown, field: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length === 0) throw invalid(`[${field}] must be a non-empty string`);
  return value;
}

function booleanOf(value: unknown, field: string): boolean {
  if (typeof value !== 'boolean') throw invalid(`[${field}] must be true or false, got [${JSON.stringify(value)}]`);
  return value;
}

function positiveInteger(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw invalid(`[${field}] must be a positive integer, got [${JSON.stringify(value)}]`);
  }
  return value;
}

function downloadLimit(value: unknown): DownloadLimit {
  const download = object(value, '[download]');
  checkFields(download, DOWNLOAD_FIELDS, 'download.');
  if (download.stall !== undefined && download.bytes_per_second !== undefined) {
    throw invalid('[download.stall] cannot be combined with [download.bytes_per_second]');
  }
  if (download.stall !== undefined) {
    if (download.stall !== true) throw invalid(`[download.stall] must be true, got [${JSON.stringify(download.stall)}]`);
    return { stall: true };
  }
  if (download.bytes_per_second !== undefined)
    return { bytesPerSecond: positiveInteger(download.bytes_per_second, 'download.bytes_per_second') };
  throw invalid('[download] needs [download.stall] or [download.bytes_per_second]');
}

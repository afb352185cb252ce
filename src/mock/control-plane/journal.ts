import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import type { HttpExchange, RequestFault } from '../../http/app';
import { RouteError } from '../../http/rest-controller';
import { simpleMatch } from '../../java/simple-match';
import { CREDENTIAL_HEADERS, REDACTED } from '../../observability/redaction';
import { DEFAULT_OPTIONS } from '../../config/options';
import { RingBuffer } from './ring-buffer';

export const DEFAULT_JOURNAL_BODY_LIMIT = 64 * 1024;

/** Credentials never kept: their values are replaced. */
export { REDACTED };

export interface JournalOptions {
  /** How many exchanges are kept, the oldest dropped first; 0 keeps none. */
  capacity?: number;
  /** Bodies are kept up to this many bytes (UTF-8), and flagged as truncated beyond. */
  bodyLimit?: number;
}

export interface JournalBody {
  body: string | null;
  body_bytes: number;
  body_truncated: boolean;
}

/** One exchange as `GET /__mock/journal` shows it. */
export interface JournalEntry {
  /** Numbers exchanges in the order they ended, from 1 (and on after a clear). */
  sequence: number;
  /** When the request arrived (ISO 8601). */
  time: string;
  method: string;
  url: string;
  path: string;
  request: { headers: Record<string, string | string[]> } & JournalBody;
  /** Status 0: the connection closed without an answer. */
  response: { status: number; headers: Record<string, string | string[]> } & JournalBody;
  duration_ms: number;
  /** The fault applied, null for none. */
  fault: JournalFault | null;
}

export interface JournalFault {
  /** The fault's id, or `headers` for a request's own `X-Elser-Mock-*` headers. */
  source: string;
  delay_ms?: number;
  drop?: true;
  status?: number;
  type?: string;
}

export interface JournalFilter {
  method?: string;
  /** A `simpleMatch` pattern over the path. */
  path?: string;
  /** Only the newest this many. */
  limit?: number;
}

/** The last Elasticsearch requests and their responses, oldest first. */
export class ExchangeJournal {
  readonly capacity: number;
  private readonly bodyLimit: number;
  private readonly kept: RingBuffer<JournalEntry>;
  private sequence = 0;

  constructor(options: JournalOptions = {}) {
    this.capacity = options.capacity ?? DEFAULT_OPTIONS.journalSize;
    this.bodyLimit = options.bodyLimit ?? DEFAULT_JOURNAL_BODY_LIMIT;
    this.kept = new RingBuffer(this.capacity);
  }

  /** Keeps an exchange; bound so that it can be handed out as a callback. */
  readonly record = (exchange: HttpExchange): void => {
    if (this.capacity === 0) return;
    this.kept.push(this.entryOf(exchange));
  };

  entries(filter: JournalFilter = {}): JournalEntry[] {
    const method = filter.method?.toUpperCase();
    const matches = (entry: JournalEntry) =>
      (method === undefined || entry.method === method) && (filter.path === undefined || simpleMatch(filter.path, entry.path));
    const matching = this.kept.toArray().filter(matches);
    return filter.limit === undefined ? matching : matching.slice(Math.max(0, matching.length - filter.limit));
  }

  get size(): number {
    return this.kept.size;
  }

  /** Forgets every exchange; answers how many there were. */
  clear(): number {
    const count = this.kept.size;
    this.kept.clear();
    return count;
  }

  private entryOf(exchange: HttpExchange): JournalEntry {
    const queryStart = exchange.url.indexOf('?');
    return {
      sequence: ++this.sequence,
      time: new Date(exchange.time).toISOString(),
      method: exchange.method.toUpperCase(),
      url: exchange.url,
      path: queryStart < 0 ? exchange.url : exchange.url.slice(0, queryStart),
      request: { headers: redacted(exchange.requestHeaders), ...this.body(exchange.requestBody) },
      response: { status: exchange.status, headers: outgoing(exchange.responseHeaders), ...this.body(exchange.responseBody) },
      duration_ms: Math.round(exchange.durationMs * 10) / 10,
      fault: exchange.fault === undefined ? null : journalFault(exchange.fault),
    };
  }

  private body(content: Buffer | string | undefined): JournalBody {
    if (content === undefined) return { body: null, body_bytes: 0, body_truncated: false };
    const length = typeof content === 'string' ? Buffer.byteLength(content) : content.length;
    if (length <= this.bodyLimit)
      return { body: typeof content === 'string' ? content : content.toString('utf8'), body_bytes: length, body_truncated: false };
    const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
    return { body: bytes.subarray(0, this.bodyLimit).toString('utf8'), body_bytes: length, body_truncated: true };
  }
}

function redacted(headers: IncomingHttpHeaders): Record<string, string | string[]> {
  const copy: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) copy[name] = CREDENTIAL_HEADERS.includes(name) ? REDACTED : value;
  }
  return copy;
}

function outgoing(headers: OutgoingHttpHeaders): Record<string, string | string[]> {
  const copy: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) copy[name] = typeof value === 'number' ? String(value) : value;
  }
  return copy;
}

function journalFault(fault: RequestFault): JournalFault {
  const entry: JournalFault = { source: fault.source };
  if (fault.delayMs) entry.delay_ms = fault.delayMs;
  if (fault.drop) entry.drop = true;
  if (fault.error) {
    entry.status = fault.error.status;
    if (!(fault.error instanceof RouteError)) entry.type = fault.error.type;
  }
  return entry;
}

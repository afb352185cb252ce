import { judge, OracleOptions } from './oracle';
import { encodeRequest, exchange, WireExchange, WireRequest } from './wire';

/** A request and what was wrong with the answers to it. */
export interface Finding {
  label: string;
  request: string;
  violations: string[];
}

export interface RawSendOptions {
  /** What each response answers, for the oracle; responses past the list answer its last entry. */
  judgedAs: WireRequest[];
  label: string;
  /** HTTP requests the payload holds (default 1). */
  requestCount?: number;
  /** Final responses to wait for; the connection closing ends the wait earlier. */
  expect?: number;
  headResponses?: boolean[];
  halfClose?: boolean;
  /** Elasticsearch answers this payload: a connection closed without any response is a violation. */
  mustAnswer: boolean;
}

/** A short, printable form of a request (never a megabyte of it). */
export function summarize(request: WireRequest): string {
  const target = request.target.length > 160 ? `${request.target.slice(0, 160)}… (${request.target.length} chars)` : request.target;
  const headers = request.headers.map(([name, value]) => `${name}: ${value.length > 60 ? `${value.slice(0, 60)}…` : value}`).join(' | ');
  const body = request.chunks ? Buffer.concat(request.chunks) : request.body;
  const shownBody = body === undefined ? '' : ` body(${body.length}b): ${JSON.stringify(body.subarray(0, 160).toString('latin1'))}`;
  return `${request.method} ${JSON.stringify(target)}${headers ? ` [${headers}]` : ''}${shownBody}`;
}

function increment<K>(map: Map<K, number>, key: K): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}

/**
 * Sends requests to one server and judges every answer; keeps the counts a run reports.
 * `send*` resolve with the violations so that a property can fail on them.
 */
export class Campaign {
  requests = 0;
  readonly statuses = new Map<number, number>();
  readonly errorTypes = new Map<string, number>();
  /** Milliseconds spent per generator label. */
  readonly timeByLabel = new Map<string, number>();
  /** Per generator label: the statuses of the answers, `-` for a connection closed without one. */
  readonly outcomes = new Map<string, Map<string, number>>();
  readonly findings: Finding[] = [];
  private readonly started = performance.now();

  constructor(
    readonly port: number,
    private readonly oracle: OracleOptions,
    private readonly timeoutMs: number,
  ) {}

  /** One well-framed request, one expected answer. */
  async send(request: WireRequest, label: string): Promise<{ exchange: WireExchange; violations: string[] }> {
    return this.sendRaw(encodeRequest(request), {
      judgedAs: [request],
      label,
      headResponses: [request.method === 'HEAD'],
      mustAnswer: true,
    });
  }

  async sendRaw(payload: Buffer | Buffer[], options: RawSendOptions): Promise<{ exchange: WireExchange; violations: string[] }> {
    this.requests += options.requestCount ?? 1;
    if (process.env.FUZZ_TRACE)
      process.stderr.write(`> ${this.requests} ${options.label} ${summarize(options.judgedAs[0]).slice(0, 160)}\n`);
    const result = await exchange(this.port, payload, {
      timeoutMs: this.timeoutMs,
      expect: options.expect ?? 1,
      headResponses: options.headResponses,
      halfClose: options.halfClose,
    });
    const violations: string[] = [];
    if (result.timedOut) violations.push(`no ${result.responses.length === 0 ? '' : 'further '}answer within ${this.timeoutMs} ms (hang)`);
    if (result.malformed) violations.push(`malformed response stream: ${result.malformed}`);
    if (options.mustAnswer && result.responses.length === 0 && !result.timedOut) violations.push('connection closed without an answer');
    result.responses.forEach((response, i) => {
      increment(this.statuses, response.status);
      const request = options.judgedAs[Math.min(i, options.judgedAs.length - 1)];
      const verdict = judge(request, response, this.oracle);
      if (verdict.errorType) increment(this.errorTypes, `${response.status} ${verdict.errorType}`);
      violations.push(...verdict.violations.map((v) => (result.responses.length > 1 ? `response ${i + 1}: ${v}` : v)));
    });
    this.timeByLabel.set(options.label, (this.timeByLabel.get(options.label) ?? 0) + result.elapsedMs);
    const outcome = this.outcomes.get(options.label) ?? new Map<string, number>();
    this.outcomes.set(options.label, outcome);
    increment(outcome, result.responses.length === 0 ? '-' : result.responses.map((r) => r.status).join('+'));
    if (violations.length > 0) this.findings.push({ label: options.label, request: summarize(options.judgedAs[0]), violations });
    return { exchange: result, violations };
  }

  elapsedSeconds(): number {
    return (performance.now() - this.started) / 1000;
  }

  /** Outcomes by label, for labels matching `filter`. */
  outcomeReport(filter: (label: string) => boolean): string {
    return [...this.outcomes]
      .filter(([label]) => filter(label))
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([label, outcome]) => `  ${label}: ${[...outcome].map(([o, n]) => `${o}×${n}`).join(' ')}`)
      .join('\n');
  }

  /** The labels that took the longest, for tuning the generators. */
  slowestLabels(count: number): string {
    return [...this.timeByLabel]
      .sort(([, a], [, b]) => b - a)
      .slice(0, count)
      .map(([label, ms]) => `  ${(ms / 1000).toFixed(1)} s\t${label}`)
      .join('\n');
  }

  report(title: string): string {
    const statuses = [...this.statuses]
      .sort(([a], [b]) => a - b)
      .map(([status, n]) => `${status}×${n}`)
      .join(' ');
    const types = [...this.errorTypes]
      .sort(([, a], [, b]) => b - a)
      .slice(0, 25)
      .map(([type, n]) => `  ${n}\t${type}`)
      .join('\n');
    return `${title}: ${this.requests} requests in ${this.elapsedSeconds().toFixed(1)} s\nstatuses: ${statuses}\nerror types:\n${types}`;
  }
}

/** Fails with every violation of a single exchange, in a form fast-check shows with its counterexample. */
export function assertNoViolations(label: string, request: WireRequest, violations: string[]): void {
  if (violations.length > 0) throw new Error(`${label}: ${summarize(request)}\n  - ${violations.join('\n  - ')}`);
}

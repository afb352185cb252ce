import { ElasticsearchException, illegalArgument } from '../errors/elasticsearch-exception';
import { TimeValue } from '../java/time-value';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE' | 'HEAD' | 'OPTIONS' | 'PATCH' | 'TRACE' | 'CONNECT';

/**
 * A request as a REST handler sees it. Query parameters are "consumed" as the
 * handler reads them; whatever is left unread is an unrecognized parameter.
 */
export class RestRequest {
  private readonly consumed = new Set<string>();

  constructor(
    readonly method: HttpMethod,
    /** The raw path, without the query string. */
    readonly path: string,
    /** The raw request URI, query string included. */
    readonly uri: string,
    readonly pathParams: Readonly<Record<string, string>>,
    private readonly query: ReadonlyMap<string, string>,
    readonly body: string | undefined,
    readonly headers: Readonly<Record<string, string | string[] | undefined>>,
    /** Aborted when the client's connection closes before the answer. */
    readonly signal: AbortSignal = new AbortController().signal,
  ) {}

  param(name: string): string | undefined {
    this.consumed.add(name);
    return this.query.get(name);
  }

  hasParam(name: string): boolean {
    return this.query.has(name);
  }

  /** `RestRequest.paramAsBoolean`: an empty value means true. */
  paramAsBoolean(name: string, defaultValue: boolean): boolean {
    const value = this.param(name);
    if (value === undefined) return defaultValue;
    if (value === '' || value === 'true') return true;
    if (value === 'false') return false;
    throw illegalArgument(`Failed to parse value [${value}] only [true] or [false] are allowed.`);
  }

  paramAsTime(name: string): TimeValue | undefined {
    const value = this.param(name);
    return value === undefined ? undefined : TimeValue.parse(value, name);
  }

  /** `RestRequest.requiredContent`. */
  requiredContent(): string {
    if (this.body === undefined || this.body.length === 0) {
      throw new ElasticsearchException(400, 'parse_exception', 'request body is required');
    }
    return this.body;
  }

  unconsumedParams(): string[] {
    return [...this.query.keys()].filter((name) => !this.consumed.has(name)).sort();
  }

  consume(names: readonly string[]): void {
    for (const name of names) this.consumed.add(name);
  }
}

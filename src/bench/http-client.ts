import * as http from 'node:http';
import { LoadConnection, encodeRequest } from './load-connection';
import type { Timings } from './protocol';

export interface HttpResponse {
  status: number;
  body: string;
}

const now = () => performance.timeOrigin + performance.now();

/** A minimal keep-alive JSON client: one pooled connection per concurrent caller. */
export class HttpClient {
  private readonly agent: http.Agent;
  readonly base: URL;

  constructor(baseUrl: string, maxSockets: number) {
    this.base = new URL(baseUrl);
    this.agent = new http.Agent({ keepAlive: true, maxSockets, keepAliveMsecs: 10_000 });
  }

  request(method: string, path: string, body?: string): Promise<HttpResponse> {
    return new Promise((resolve, reject) => {
      const payload = body === undefined ? undefined : Buffer.from(body, 'utf8');
      const request = http.request(
        {
          agent: this.agent,
          host: this.base.hostname,
          port: this.base.port,
          method,
          path,
          headers: payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {},
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
          response.on('error', reject);
        },
      );
      request.on('error', reject);
      request.end(payload);
    });
  }

  /** `request`, failing unless the status is 2xx. */
  async ok(method: string, path: string, body?: string): Promise<HttpResponse> {
    const response = await this.request(method, path, body);
    if (response.status < 200 || response.status >= 300) {
      throw new Error(`${method} ${path} answered ${response.status}: ${response.body.slice(0, 500)}`);
    }
    return response;
  }

  close(): void {
    this.agent.destroy();
  }
}

export interface LoadOptions {
  method: string;
  path: string;
  /** Request bodies, sent round robin. */
  bodies: readonly string[];
  concurrency: number;
  seconds: number;
  warmupSeconds: number;
  /** Each caller stops after this many requests (latency probes); unlimited by default. */
  maxRequests?: number;
  /** Go on past `seconds` (up to four times as long) until this many requests were measured. */
  minCompletions?: number;
}

/**
 * `concurrency` callers, each on its own connection, send one request at a
 * time, back to back, until the time is up; requests started after the
 * warm-up are measured.
 */
export async function runLoad(client: HttpClient, options: LoadOptions): Promise<Timings> {
  const timings: Timings = { instants: [], latenciesMs: [] };
  const measureFrom = now() + options.warmupSeconds * 1000;
  const end = measureFrom + options.seconds * 1000;
  const limit = measureFrom + 4 * options.seconds * 1000;
  const going = (sent: number) => {
    const time = now();
    const enough = timings.instants.length >= (options.minCompletions ?? 0);
    return (time < end || (!enough && time < limit)) && (options.maxRequests === undefined || sent < options.maxRequests);
  };
  const requests = options.bodies.map((body) => encodeRequest(options.method, options.path, client.base.host, body));
  const connections = await Promise.all(Array.from({ length: options.concurrency }, () => LoadConnection.open(client.base)));
  let next = 0;
  const caller = async (connection: LoadConnection) => {
    for (let sent = 0; going(sent); sent++) {
      const started = now();
      const response = await connection.send(requests[next++ % requests.length]);
      const finished = now();
      if (response.status < 200 || response.status >= 300) {
        throw new Error(`${options.method} ${options.path} answered ${response.status}: ${response.body.slice(0, 500)}`);
      }
      if (started >= measureFrom) {
        timings.instants.push(finished);
        timings.latenciesMs.push(finished - started);
      }
    }
  };
  try {
    await Promise.all(connections.map(caller));
  } finally {
    for (const connection of connections) connection.close();
  }
  return timings;
}

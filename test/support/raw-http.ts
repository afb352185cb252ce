import * as http from 'node:http';

export interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  /** From the request being written to the response's last byte, in ms. */
  ms: number;
}

export interface SendOptions {
  body?: unknown;
  /** `false` for a connection of its own; Node's global agent when absent. */
  agent?: http.Agent | false;
  headers?: http.OutgoingHttpHeaders;
}

/** One request with node:http (no retries, no redirects): socket errors reject. */
export function send(base: string, method: string, path: string, options: SendOptions = {}): Promise<Answer> {
  const url = new URL(path, base);
  const payload = options.body === undefined ? undefined : Buffer.from(JSON.stringify(options.body));
  const headers: http.OutgoingHttpHeaders = { ...options.headers };
  if (payload) {
    headers['content-type'] = 'application/json';
    headers['content-length'] = payload.length;
  }
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const request = http.request(url, { method, agent: options.agent, headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', reject);
      response.on('end', () =>
        resolve({
          status: response.statusCode ?? 0,
          headers: response.headers,
          text: Buffer.concat(chunks).toString('utf8'),
          ms: performance.now() - started,
        }),
      );
    });
    request.on('error', reject);
    request.end(payload);
  });
}

export function parseJson(answer: Answer): any {
  try {
    return JSON.parse(answer.text);
  } catch {
    return undefined;
  }
}

/** mulberry32: a small seeded generator, so that a failing run can be replayed with its seed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The value at quantile `q` (0..1) of ascending `sorted`. */
export function quantile(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

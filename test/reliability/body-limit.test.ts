import { connect, type Socket } from 'node:net';
import request from 'supertest';
import { DEFAULT_OPTIONS, resolveOptions } from '../../src/config/options';
import type { RunningServer } from '../../src/server';
import { startTestServer } from '../support/server';
import { judge } from './fuzzing/oracle';
import { exchange, WireResponse } from './fuzzing/wire';

/**
 * `http.max_content_length`: 100 MB by default, configurable with `--max-content-length`
 * (`maxContentLength`). A body over the limit is refused with 413 as soon as its declared
 * length (or the bytes read) passes the limit, without waiting for the rest.
 *
 * Elasticsearch answers the 413 from Netty, before its REST layer: status line,
 * `content-length: 0`, no body and no X-elastic-product (HttpObjectAggregator in 8.15,
 * Netty4HttpContentSizeHandler in 9.x); it closes the connection for a chunked body that
 * overflows and keeps it (discarding the declared body) for a declared Content-Length.
 * elser-mock answers with a `content_too_long_exception` envelope instead and keeps every
 * connection; the oracle accepts either shape, the report lists the difference.
 */

const PUT_PATH = '/_inference/sparse_embedding/limit-check';
const ORACLE = { maxResponseMs: 10_000 };

function head(length: number | 'chunked', path = PUT_PATH): string {
  const framing = length === 'chunked' ? 'Transfer-Encoding: chunked' : `Content-Length: ${length}`;
  return `PUT ${path} HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n${framing}\r\n\r\n`;
}

/** Collects the status lines a connection answers with while the test writes on it. */
class Connection {
  private readonly socket: Socket;
  private received = '';
  closed = false;
  private readonly waiters: (() => void)[] = [];

  constructor(port: number) {
    this.socket = connect(port, '127.0.0.1');
    this.socket.on('data', (data: Buffer) => {
      this.received += data.toString('latin1');
      this.waiters.splice(0).forEach((wake) => wake());
    });
    this.socket.on('close', () => {
      this.closed = true;
      this.waiters.splice(0).forEach((wake) => wake());
    });
    this.socket.on('error', () => undefined);
  }

  write(data: string | Buffer): void {
    this.socket.write(data);
  }

  statuses(): number[] {
    return [...this.received.matchAll(/HTTP\/1\.1 (\d{3})/g)].map((match) => Number(match[1]));
  }

  /** Waits until `count` responses came (or the connection closed, or the time ran out). */
  async responses(count: number, timeoutMs = 5000): Promise<number[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.statuses().length < count && !this.closed && Date.now() < deadline) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(0, deadline - Date.now()));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.statuses();
  }

  text(): string {
    return this.received;
  }

  destroy(): void {
    this.socket.destroy();
  }
}

function expectLimitAnswer(response: WireResponse, limit: number): void {
  expect(response.status).toBe(413);
  expect(judge({ method: 'PUT', target: PUT_PATH, headers: [] }, response, ORACLE).violations).toEqual([]);
  if (response.body.length > 0) {
    expect(JSON.parse(response.body.toString())).toEqual({
      error: {
        root_cause: [{ type: 'content_too_long_exception', reason: `request body is too large, limit is [${limit}b]` }],
        type: 'content_too_long_exception',
        reason: `request body is too large, limit is [${limit}b]`,
      },
      status: 413,
    });
  }
}

describe('http.max_content_length', () => {
  it('defaults to 100 MB, as Elasticsearch does', () => {
    expect(DEFAULT_OPTIONS.maxContentLength).toBe(104_857_600);
    expect(resolveOptions([], {}).maxContentLength).toBe(104_857_600);
  });

  it('is set by --max-content-length and ELSER_MOCK_MAX_CONTENT_LENGTH', () => {
    expect(resolveOptions(['--max-content-length', '1024'], {}).maxContentLength).toBe(1024);
    expect(resolveOptions([], { ELSER_MOCK_MAX_CONTENT_LENGTH: '2048' }).maxContentLength).toBe(2048);
  });

  describe('with the default', () => {
    let server: RunningServer;
    beforeAll(async () => {
      server = await startTestServer('9.1');
    });
    afterAll(() => server.close());

    it('reports it in the nodes info', async () => {
      const response = await request(server.url).get('/_nodes/http').expect(200);
      const [node] = Object.values(response.body.nodes) as { http: { max_content_length_in_bytes: number } }[];
      expect(node.http.max_content_length_in_bytes).toBe(104_857_600);
    });

    it('refuses a declared 100 MB + 1 byte at once, before any of the body is sent', async () => {
      const result = await exchange(server.port, Buffer.from(head(104_857_601)), { timeoutMs: 5000 });
      expect(result.responses).toHaveLength(1);
      expectLimitAnswer(result.responses[0], 104_857_600);
      expect(result.responses[0].elapsedMs).toBeLessThan(1000);
    });

    it('reads a body of exactly 100 MB', async () => {
      // Whitespace is the cheapest body to read in full: the answer is about the JSON, not the size.
      const body = Buffer.alloc(104_857_600, 0x20);
      const result = await exchange(server.port, [Buffer.from(head(body.length)), body], { timeoutMs: 60_000 });
      expect(result.responses).toHaveLength(1);
      expect(result.responses[0].status).not.toBe(413);
    }, 90_000);
  });

  describe('configured to 1 KB', () => {
    const LIMIT = 1024;
    let server: RunningServer;
    beforeAll(async () => {
      server = await startTestServer('8.15', { maxContentLength: LIMIT });
    });
    afterAll(() => server.close());

    it('reports it in the nodes info', async () => {
      const response = await request(server.url).get('/_nodes/http').expect(200);
      const [node] = Object.values(response.body.nodes) as { http: { max_content_length_in_bytes: number } }[];
      expect(node.http.max_content_length_in_bytes).toBe(LIMIT);
    });

    it('reads a body of exactly the limit', async () => {
      const body = `{"service":"elser","service_settings":${' '.repeat(LIMIT - 39)}}`;
      expect(body.length).toBe(LIMIT);
      const result = await exchange(server.port, Buffer.from(head(LIMIT) + body), { timeoutMs: 5000 });
      expect(result.responses[0].status).toBe(400);
      expect(JSON.parse(result.responses[0].body.toString()).error.type).toBe('parse_exception');
    });

    it('refuses a declared length over the limit without reading the body, then serves the connection', async () => {
      const connection = new Connection(server.port);
      try {
        connection.write(head(LIMIT + 1));
        expect(await connection.responses(1)).toEqual([413]);
        const body = connection.text().slice(connection.text().indexOf('\r\n\r\n') + 4);
        expectLimitAnswer(
          {
            status: 413,
            headers: new Map([
              ['x-elastic-product', ['Elasticsearch']],
              ['content-type', ['application/json']],
            ]),
            body: Buffer.from(body),
            elapsedMs: 0,
          },
          LIMIT,
        );
        // The declared body is discarded when it comes, as Netty does for a kept connection.
        connection.write('x'.repeat(LIMIT + 1));
        connection.write('GET / HTTP/1.1\r\nHost: localhost\r\n\r\n');
        expect(await connection.responses(2)).toEqual([413, 200]);
      } finally {
        connection.destroy();
      }
    });

    it('refuses a chunked body as soon as the bytes read pass the limit', async () => {
      const connection = new Connection(server.port);
      try {
        connection.write(head('chunked'));
        connection.write(`${LIMIT.toString(16)}\r\n${' '.repeat(LIMIT)}\r\n`);
        // Nothing is refused at the limit itself.
        expect(await connection.responses(1, 300)).toEqual([]);
        connection.write('1\r\n \r\n');
        expect(await connection.responses(1)).toEqual([413]);
        // The chunks still on their way are not waited for.
        expect(connection.closed).toBe(false);
        connection.write('0\r\n\r\n');
      } finally {
        connection.destroy();
      }
    });

    it('answers 413 for every route, before any other check of the request', async () => {
      for (const path of ['/_inference/nope', '/no/such/route', '/']) {
        const result = await exchange(server.port, Buffer.from(head(LIMIT + 1, path)), { timeoutMs: 5000 });
        expect(result.responses.map((r) => r.status)).toEqual([413]);
      }
    });

    it('leaves Kibana its own 1 MB limit on the Console proxy', async () => {
      const proxy = '/api/console/proxy?path=%2F&method=GET';
      const result = await exchange(
        server.port,
        Buffer.from(`POST ${proxy} HTTP/1.1\r\nHost: localhost\r\nkbn-xsrf: kibana\r\nContent-Length: 1048577\r\n\r\n`),
        { timeoutMs: 5000 },
      );
      expect(result.responses[0].status).toBe(413);
      expect(JSON.parse(result.responses[0].body.toString())).toEqual({
        statusCode: 413,
        error: 'Request Entity Too Large',
        message: 'Payload content length greater than maximum allowed: 1048576',
      });
    });
  });
});

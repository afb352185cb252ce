import type { Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { GLOBAL_QUERY_PARAMETERS, PROFILES } from '../inference/profiles';
import { createHttpApp } from './app';
import { RestController } from './rest-controller';
import { registerRootRoutes } from './routes/root-routes';

/**
 * The HTTP layer under requests a client library would never send: each case was once
 * answered without Elasticsearch's envelope (or not at all) and is now answered as
 * Elasticsearch's HTTP transport answers it.
 */

interface RawAnswer {
  /** Everything the server wrote before it closed the connection (or the wait ended). */
  text: string;
  closed: boolean;
}

/** Writes bytes on a fresh connection and collects what comes back until the server closes it. */
function exchange(port: number, payload: string | Buffer, { halfClose = false, waitMs = 3000 } = {}): Promise<RawAnswer> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const done = (closed: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ text: Buffer.concat(chunks).toString('latin1'), closed });
    };
    const timer = setTimeout(() => done(false), waitMs);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('close', () => done(true));
    socket.on('error', () => done(true));
    socket.write(payload);
    if (halfClose) socket.end();
  });
}

function statusOf(text: string): number {
  return Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1]);
}

function bodyOf(text: string): unknown {
  return JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4));
}

const envelope = (type: string, reason: string) => ({ error: { root_cause: [{ type, reason }], type, reason }, status: 400 });

describe('HTTP layer under malformed requests', () => {
  let server: Server;
  let port: number;
  const internalErrors: unknown[] = [];
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);

  beforeAll(async () => {
    process.on('unhandledRejection', onUnhandled);
    const controller = new RestController(GLOBAL_QUERY_PARAMETERS);
    registerRootRoutes(controller, PROFILES['9.1'], { name: 'n', clusterName: 'c', clusterUuid: 'u' });
    controller.registerForeign('/kibana', async () => ({ status: 200, headers: {}, body: 'kibana' }));
    controller.register('PUT', '/echo', (request) => {
      const body = request.requiredContent();
      return () => ({ status: 200, body: { length: body.length } });
    });
    const app = createHttpApp({
      controller,
      profile: PROFILES['9.1'],
      maxContentLength: 1 << 20,
      onInternalError: (error) => internalErrors.push(error),
    });
    server = app.listen(0, '127.0.0.1');
    await new Promise<void>((resolve) => server.once('listening', resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    process.off('unhandledRejection', onUnhandled);
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  afterEach(() => {
    expect(unhandled).toEqual([]);
    expect(internalErrors).toEqual([]);
  });

  // Once an unhandled rejection ("Invalid URL") and no answer at all: the query was read with the WHATWG URL parser.
  it('answers an absolute-form URI the URL parser refuses as a path without handler', async () => {
    const answer = await exchange(port, 'GET http://a:99999/?pretty HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(statusOf(answer.text)).toBe(400);
    expect(answer.text).toContain('X-elastic-product: Elasticsearch');
    expect(bodyOf(answer.text)).toEqual({ error: 'no handler found for uri [http://a:99999/?pretty] and method [GET]', status: 400 });
  });

  // Once Express's own HTML 404 page: its router skips a URI without a path it can parse.
  it.each(['http://', 'http://[::1/'])('answers %s with Elasticsearch, not Express', async (uri) => {
    const answer = await exchange(port, `GET ${uri} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
    expect(statusOf(answer.text)).toBe(400);
    expect(answer.text).toContain('X-elastic-product: Elasticsearch');
    expect(bodyOf(answer.text)).toEqual({ error: `no handler found for uri [${uri}] and method [GET]`, status: 400 });
  });

  // Once Node's bare 400: Netty requires no Host header.
  it('serves an HTTP/1.1 request without Host', async () => {
    const answer = await exchange(port, 'GET / HTTP/1.1\r\nConnection: close\r\n\r\n');
    expect(statusOf(answer.text)).toBe(200);
    expect(answer.text).toContain('X-elastic-product: Elasticsearch');
  });

  // Once Node's bare 400 without a body.
  it('answers a request line that is not HTTP with a 400 envelope', async () => {
    const answer = await exchange(port, 'GARBAGE\r\n\r\n');
    expect(statusOf(answer.text)).toBe(400);
    expect(answer.text).toContain('X-elastic-product: Elasticsearch');
    expect(bodyOf(answer.text)).toEqual(
      envelope('illegal_argument_exception', 'invalid HTTP request: Parse Error: Invalid method encountered'),
    );
    expect(answer.closed).toBe(true);
  });

  // Once Node's bare 400 (FOO) and a 405 without the allowed methods (PROPFIND).
  it.each(['FOO', 'PROPFIND', 'get'])('answers the unknown method %s as RestController does', async (method) => {
    const answer = await exchange(port, `${method} /?pretty HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
    expect(statusOf(answer.text)).toBe(405);
    expect(answer.text).toContain('X-elastic-product: Elasticsearch');
    expect(answer.text).toMatch(/\r\nAllow: GET,HEAD\r\n/);
    expect(bodyOf(answer.text)).toEqual({ error: `Unexpected http method: ${method}, allowed: [GET, HEAD]`, status: 405 });
  });

  it('answers an unknown method on a path without routes with the bare message', async () => {
    const answer = await exchange(port, 'FOO /nothing HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(statusOf(answer.text)).toBe(405);
    expect(bodyOf(answer.text)).toEqual({ error: 'Unexpected http method: FOO', status: 405 });
  });

  // Once a connection closed without any answer: Node gives CONNECT to a tunnel handler.
  it('answers CONNECT like any other method Elasticsearch knows', async () => {
    const answer = await exchange(port, 'CONNECT / HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(statusOf(answer.text)).toBe(405);
    expect(answer.text).toContain('X-elastic-product: Elasticsearch');
    expect(bodyOf(answer.text)).toEqual({
      error: 'Incorrect HTTP method for uri [/] and method [CONNECT], allowed: [GET, HEAD]',
      status: 405,
    });
    expect(answer.closed).toBe(true);
  });

  // Once Node's bare 431.
  it('answers headers over http.max_header_size with too_long_http_header_exception', async () => {
    const answer = await exchange(port, `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
    expect(statusOf(answer.text)).toBe(400);
    expect(bodyOf(answer.text)).toEqual(envelope('too_long_http_header_exception', 'HTTP header is larger than 16384 bytes.'));
  });

  it('answers a request line over the header limit with too_long_http_line_exception', async () => {
    const answer = await exchange(port, `GET /${'a'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`);
    expect(statusOf(answer.text)).toBe(400);
    expect(bodyOf(answer.text)).toEqual(envelope('too_long_http_line_exception', 'An HTTP line is larger than 4096 bytes.'));
  });

  // Once no answer at all: the clientError answer waited for the very request whose body broke.
  it('answers a chunked body with a broken chunk size with a 400 envelope', async () => {
    const answer = await exchange(
      port,
      'PUT /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\n{}\r\n0\r\n\r\n',
    );
    expect(statusOf(answer.text)).toBe(400);
    expect(answer.text).toContain('X-elastic-product: Elasticsearch');
    expect(bodyOf(answer.text)).toEqual(
      envelope('illegal_argument_exception', 'invalid HTTP request: Parse Error: Invalid character in chunk size'),
    );
    expect(answer.closed).toBe(true);
  });

  // Once a 500 `exception` ("aborted") logged as an internal error, for a client that had already gone.
  it.each([
    ['a Content-Length longer than the body', 'Content-Length: 100\r\n\r\n{"a":'],
    ['a chunked body cut short', 'Transfer-Encoding: chunked\r\n\r\n5\r\n{"a":\r\n'],
  ])('closes without answering when the client ends %s', async (_name, rest) => {
    const answer = await exchange(port, `PUT /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n${rest}`, {
      halfClose: true,
    });
    expect(answer).toEqual({ text: '', closed: true });
  });

  it("answers a malformed request to another product's path as that product's server (hapi) does", async () => {
    // The UTF-8 bytes of U+00E0 end in 0xA0, a no-break space once read as latin1.
    const raw = Buffer.concat([
      Buffer.from('POST /kibana?path='),
      Buffer.from('日本à', 'utf8'),
      Buffer.from(' HTTP/1.1\r\nHost: x\r\n\r\n'),
    ]);
    expect(await exchange(port, raw)).toEqual({ text: 'HTTP/1.1 400 Bad Request\r\n\r\n', closed: true });
    const badHeader = await exchange(port, 'POST /kibana HTTP/1.1\r\nHost: x\r\nBad Header: x\r\n\r\n');
    expect(badHeader.text).toBe('HTTP/1.1 400 Bad Request\r\n\r\n');
    const bigHeader = await exchange(port, `POST /kibana?a=b HTTP/1.1\r\nHost: x\r\nX-Big: ${'b'.repeat(17_000)}\r\n\r\n`);
    expect(bigHeader.text).toBe('HTTP/1.1 400 Bad Request\r\n\r\n');
    const afterOther = await exchange(port, `GET / HTTP/1.1\r\nHost: x\r\n\r\nPOST /kibana HTTP/1.1\r\nBad Header: x\r\n\r\n`);
    expect(afterOther.text).toMatch(/^HTTP\/1\.1 200 OK\r\n[\s\S]*HTTP\/1\.1 400 Bad Request\r\n\r\n$/);
    // Garbage after a request to the other product is not that product's.
    const garbageAfter = await exchange(port, 'POST /kibana HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\nGARBAGE\r\n\r\n');
    expect(garbageAfter.text).toMatch(
      /^HTTP\/1\.1 200 OK\r\n[\s\S]*kibanaHTTP\/1\.1 400 Bad Request\r\nX-elastic-product: Elasticsearch\r\n/,
    );
  });

  it('answers the requests before a malformed one on the same connection first', async () => {
    const first = 'PUT /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}';
    const answer = await exchange(port, `${first}GARBAGE\r\n\r\n`);
    const responses = answer.text.split(/(?=HTTP\/1\.1 )/);
    expect(responses.map(statusOf)).toEqual([200, 400]);
    expect(bodyOf(responses[0])).toEqual({ length: 2 });
    expect(answer.closed).toBe(true);
  });
});

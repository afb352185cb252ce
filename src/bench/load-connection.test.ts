import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { LoadConnection, encodeRequest, parseResponse } from './load-connection';

const fixed = Buffer.from('HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nContent-Length: 11\r\n\r\n{"a":"é"}!');
const chunked = Buffer.from('HTTP/1.1 404 Not Found\r\nTransfer-Encoding: chunked\r\n\r\n4\r\n{"b"\r\n3\r\n:1}\r\n0\r\n\r\n');

describe('parseResponse', () => {
  test.each([
    ['a Content-Length body', fixed, 200, '{"a":"é"}!'],
    ['a chunked body', chunked, 404, '{"b":1}'],
  ])('reads %s only once all of it has arrived', (_, bytes, status, body) => {
    for (let cut = 0; cut < bytes.length; cut++) expect(parseResponse(bytes.subarray(0, cut))).toBeUndefined();
    const next = Buffer.from('HTTP/1.1 200 OK\r\n');
    expect(parseResponse(Buffer.concat([bytes, next]))).toEqual({ response: { status, body }, length: bytes.length });
  });
});

describe('LoadConnection', () => {
  let server: http.Server;
  let url: URL;

  beforeAll(async () => {
    server = http.createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const body = JSON.stringify({ method: request.method, path: request.url, body: Buffer.concat(chunks).toString() });
        // Alternate framings: Content-Length, then chunked writes.
        if (request.url === '/fixed') response.setHeader('content-length', Buffer.byteLength(body));
        response.write(body.slice(0, 5));
        response.end(body.slice(5));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  });

  afterAll(() => new Promise((resolve) => server.close(resolve)));

  test('sends prepared requests one after another on one keep-alive connection', async () => {
    const connection = await LoadConnection.open(url);
    try {
      for (const path of ['/fixed', '/chunked', '/fixed']) {
        const response = await connection.send(encodeRequest('POST', path, url.host, '{"input":"ünïcode"}'));
        expect(response.status).toBe(200);
        expect(JSON.parse(response.body)).toEqual({ method: 'POST', path, body: '{"input":"ünïcode"}' });
      }
      await expect(
        Promise.all([connection.send(encodeRequest('GET', '/fixed', url.host)), connection.send(encodeRequest('GET', '/fixed', url.host))]),
      ).rejects.toThrow('a request is already in flight on this connection');
    } finally {
      connection.close();
    }
  });
});

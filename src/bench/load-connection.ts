import * as net from 'node:net';
import type { HttpResponse } from './http-client';

const HEADER_END = Buffer.from('\r\n\r\n');
const LINE_END = Buffer.from('\r\n');

/** An HTTP/1.1 request as the bytes a load sends again and again. */
export function encodeRequest(method: string, path: string, host: string, body?: string): Buffer {
  const payload = body === undefined ? undefined : Buffer.from(body, 'utf8');
  const headers = [`${method} ${path} HTTP/1.1`, `Host: ${host}`, 'Connection: keep-alive'];
  if (payload) headers.push('Content-Type: application/json', `Content-Length: ${payload.length}`);
  const head = Buffer.from(`${headers.join('\r\n')}\r\n\r\n`, 'latin1');
  return payload ? Buffer.concat([head, payload]) : head;
}

/** A complete response at the start of `data`, with the number of bytes it took; undefined while incomplete. */
export function parseResponse(data: Buffer): { response: HttpResponse; length: number } | undefined {
  const headerEnd = data.indexOf(HEADER_END);
  if (headerEnd < 0) return undefined;
  const lines = data.toString('latin1', 0, headerEnd).split('\r\n');
  const status = Number(lines[0].split(' ')[1]);
  let contentLength: number | undefined;
  let chunked = false;
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (name === 'content-length') contentLength = Number(value);
    if (name === 'transfer-encoding') chunked = value.toLowerCase().includes('chunked');
  }
  const bodyStart = headerEnd + HEADER_END.length;
  if (chunked) return parseChunkedBody(data, status, bodyStart);
  const end = bodyStart + (contentLength ?? 0);
  if (data.length < end) return undefined;
  return { response: { status, body: data.toString('utf8', bodyStart, end) }, length: end };
}

function parseChunkedBody(data: Buffer, status: number, start: number): { response: HttpResponse; length: number } | undefined {
  const chunks: Buffer[] = [];
  let position = start;
  for (;;) {
    const lineEnd = data.indexOf(LINE_END, position);
    if (lineEnd < 0) return undefined;
    const size = parseInt(data.toString('latin1', position, lineEnd), 16);
    const chunkStart = lineEnd + LINE_END.length;
    if (size === 0) {
      // No trailers are sent to a load: the last chunk ends with one more CRLF.
      const end = chunkStart + LINE_END.length;
      if (data.length < end) return undefined;
      return { response: { status, body: Buffer.concat(chunks).toString('utf8') }, length: end };
    }
    if (data.length < chunkStart + size + LINE_END.length) return undefined;
    chunks.push(data.subarray(chunkStart, chunkStart + size));
    position = chunkStart + size + LINE_END.length;
  }
}

/**
 * One keep-alive connection sending prepared requests one at a time, as load
 * generators do: the measuring client should cost the machine as little as
 * possible, since the server shares its cores.
 */
export class LoadConnection {
  private received: Buffer = Buffer.alloc(0);
  private waiting?: { resolve(response: HttpResponse): void; reject(error: Error): void };

  private constructor(private readonly socket: net.Socket) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (error) => this.fail(error));
    socket.on('close', () => this.fail(new Error('the server closed the connection')));
  }

  static open(url: URL): Promise<LoadConnection> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(Number(url.port), url.hostname, () => {
        socket.off('error', reject);
        resolve(new LoadConnection(socket));
      });
      socket.once('error', reject);
    });
  }

  send(request: Buffer): Promise<HttpResponse> {
    if (this.waiting) return Promise.reject(new Error('a request is already in flight on this connection'));
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
      this.socket.write(request);
    });
  }

  close(): void {
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    this.received = this.received.length === 0 ? chunk : Buffer.concat([this.received, chunk]);
    const parsed = parseResponse(this.received);
    if (!parsed) return;
    this.received = this.received.subarray(parsed.length);
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.resolve(parsed.response);
  }

  private fail(error: Error): void {
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.reject(error);
  }
}

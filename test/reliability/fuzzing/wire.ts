import { connect } from 'node:net';

/**
 * A raw HTTP/1.1 client over `node:net`: it sends exactly the bytes it is given (broken
 * framing included) and reads back every response the server writes on the connection.
 */

export interface WireRequest {
  method: string;
  /** The request target exactly as sent: path and query, already encoded (or not). */
  target: string;
  headers: [string, string][];
  body?: Buffer;
  /** Sent with `Transfer-Encoding: chunked`, in these chunks, instead of `Content-Length`. */
  chunks?: Buffer[];
}

export interface WireResponse {
  status: number;
  headers: Map<string, string[]>;
  body: Buffer;
  /** Milliseconds from the first byte sent to the end of this response. */
  elapsedMs: number;
}

export interface WireExchange {
  responses: WireResponse[];
  /** 1xx responses seen before final ones. */
  interim: number[];
  /** The server closed the connection (or reset it). */
  closed: boolean;
  /** The wait ended before the expected responses arrived and the server still held the connection. */
  timedOut: boolean;
  /** A response that could not be parsed, or left incomplete when the connection closed. */
  malformed?: string;
  elapsedMs: number;
}

export interface ExchangeOptions {
  timeoutMs: number;
  /** Final responses to wait for before closing the connection (default 1). */
  expect?: number;
  /** Which of the expected responses answer HEAD requests (their bodies are empty whatever the headers say). */
  headResponses?: boolean[];
  /**
   * Shut down the sending side after the payload, as a client that stops half-way does. The
   * server then closes the connection (Netty and Node alike) and drops answers still in the works.
   */
  halfClose?: boolean;
  /** Once a response came, stop waiting for more after this long without data (default 300 ms). */
  idleMs?: number;
}

const CRLF = '\r\n';

/** The bytes of a request: request line, headers as given, then the body or chunks. */
export function encodeRequest(request: WireRequest, { contentLength = true } = {}): Buffer {
  const head = [`${request.method} ${request.target} HTTP/1.1`];
  for (const [name, value] of request.headers) head.push(`${name}: ${value}`);
  const names = new Set(request.headers.map(([name]) => name.toLowerCase()));
  const parts: Buffer[] = [];
  if (request.chunks) {
    if (!names.has('transfer-encoding')) head.push('Transfer-Encoding: chunked');
    for (const chunk of request.chunks) parts.push(Buffer.from(`${chunk.length.toString(16)}${CRLF}`), chunk, Buffer.from(CRLF));
    parts.push(Buffer.from(`0${CRLF}${CRLF}`));
  } else if (request.body !== undefined) {
    if (contentLength && !names.has('content-length')) head.push(`Content-Length: ${request.body.length}`);
    parts.push(request.body);
  }
  return Buffer.concat([Buffer.from(head.join(CRLF) + CRLF + CRLF, 'latin1'), ...parts]);
}

/** Parses as many complete responses as `buffer` holds; `atEnd` completes a body delimited by the close. */
function parseResponses(
  buffer: Buffer,
  isHead: (index: number) => boolean,
  startIndex: number,
  atEnd: boolean,
): { responses: Omit<WireResponse, 'elapsedMs'>[]; interim: number[]; consumed: number; malformed?: string } {
  const responses: Omit<WireResponse, 'elapsedMs'>[] = [];
  const interim: number[] = [];
  let offset = 0;
  for (;;) {
    const headEnd = buffer.indexOf('\r\n\r\n', offset);
    if (headEnd < 0) {
      if (atEnd && offset < buffer.length)
        return { responses, interim, consumed: offset, malformed: 'connection closed inside a response head' };
      return { responses, interim, consumed: offset };
    }
    const lines = buffer.subarray(offset, headEnd).toString('latin1').split(CRLF);
    const statusLine = /^HTTP\/1\.[01] (\d{3})(?: .*)?$/.exec(lines[0]);
    if (!statusLine)
      return { responses, interim, consumed: offset, malformed: `not a status line: ${JSON.stringify(lines[0].slice(0, 200))}` };
    const status = Number(statusLine[1]);
    const headers = new Map<string, string[]>();
    for (const line of lines.slice(1)) {
      const colon = line.indexOf(':');
      if (colon <= 0)
        return { responses, interim, consumed: offset, malformed: `not a header line: ${JSON.stringify(line.slice(0, 200))}` };
      const name = line.slice(0, colon).trim().toLowerCase();
      headers.set(name, [...(headers.get(name) ?? []), line.slice(colon + 1).trim()]);
    }
    let cursor = headEnd + 4;
    if (status >= 100 && status < 200) {
      interim.push(status);
      offset = cursor;
      continue;
    }
    let body: Buffer;
    const contentLength = headers.get('content-length');
    const chunked = (headers.get('transfer-encoding') ?? []).some((value) => /chunked/i.test(value));
    if (isHead(startIndex + responses.length) || status === 204 || status === 304) {
      body = Buffer.alloc(0);
    } else if (chunked) {
      const pieces: Buffer[] = [];
      for (;;) {
        const sizeEnd = buffer.indexOf(CRLF, cursor);
        if (sizeEnd < 0) return incomplete();
        const size = parseInt(buffer.subarray(cursor, sizeEnd).toString('latin1').split(';')[0], 16);
        if (!Number.isFinite(size)) return { responses, interim, consumed: offset, malformed: 'bad chunk size in a response' };
        cursor = sizeEnd + 2;
        if (size === 0) {
          const trailerEnd = buffer.indexOf(CRLF, cursor);
          if (trailerEnd < 0) return incomplete();
          cursor = trailerEnd + 2;
          break;
        }
        if (buffer.length < cursor + size + 2) return incomplete();
        pieces.push(buffer.subarray(cursor, cursor + size));
        cursor += size + 2;
      }
      body = Buffer.concat(pieces);
    } else if (contentLength !== undefined) {
      const length = Number(contentLength[0]);
      if (!Number.isInteger(length) || length < 0)
        return { responses, interim, consumed: offset, malformed: 'bad Content-Length in a response' };
      if (buffer.length < cursor + length) return incomplete();
      body = buffer.subarray(cursor, cursor + length);
      cursor += length;
    } else {
      if (!atEnd) return { responses, interim, consumed: offset };
      body = buffer.subarray(cursor);
      cursor = buffer.length;
    }
    responses.push({ status, headers, body: Buffer.from(body) });
    offset = cursor;
  }

  function incomplete() {
    return atEnd
      ? { responses, interim, consumed: offset, malformed: 'connection closed inside a response body' }
      : { responses, interim, consumed: offset };
  }
}

/** Sends `payload` on a fresh connection and collects the responses. */
export function exchange(port: number, payload: Buffer | Buffer[], options: ExchangeOptions): Promise<WireExchange> {
  const expected = options.expect ?? 1;
  const isHead = (index: number) => options.headResponses?.[index] ?? false;
  return new Promise((resolve) => {
    const started = performance.now();
    const socket = connect(port, '127.0.0.1');
    socket.setNoDelay(true);
    const responses: WireResponse[] = [];
    const interim: number[] = [];
    let pending = Buffer.alloc(0);
    let settled = false;
    let malformed: string | undefined;

    const finish = (closed: boolean, timedOut: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearTimeout(idle);
      socket.destroy();
      resolve({ responses, interim, closed, timedOut, malformed, elapsedMs: performance.now() - started });
    };
    const consume = (atEnd: boolean) => {
      const parsed = parseResponses(pending, isHead, responses.length, atEnd);
      const now = performance.now() - started;
      for (const response of parsed.responses) responses.push({ ...response, elapsedMs: now });
      interim.push(...parsed.interim);
      pending = pending.subarray(parsed.consumed);
      if (parsed.malformed) malformed = parsed.malformed;
    };

    const timer = setTimeout(() => finish(false, true), options.timeoutMs);
    let idle: NodeJS.Timeout | undefined;
    socket.on('data', (data: Buffer) => {
      pending = Buffer.concat([pending, data]);
      consume(false);
      if (malformed || responses.length >= expected) finish(false, false);
      else if (responses.length > 0) {
        clearTimeout(idle);
        idle = setTimeout(() => finish(false, false), options.idleMs ?? 300);
      }
    });
    socket.on('end', () => {
      consume(true);
      finish(true, false);
    });
    socket.on('close', () => {
      consume(true);
      finish(true, false);
    });
    socket.on('error', () => undefined);
    for (const part of Array.isArray(payload) ? payload : [payload]) socket.write(part);
    if (options.halfClose) socket.end();
  });
}

export function header(response: WireResponse, name: string): string | undefined {
  return response.headers.get(name.toLowerCase())?.join(', ');
}

import fc from 'fast-check';
import { encodeRequest, WireRequest } from './wire';

/** Bytes for one connection, with what the oracle needs to judge the answers. */
export interface RawCase {
  label: string;
  payload: Buffer;
  /** The request each expected response answers (the unknown rest of a broken stream answers the last). */
  judgedAs: WireRequest[];
  expect: number;
  headResponses: boolean[];
  requestCount: number;
  /** The client stops sending mid-request and shuts its side down. */
  halfClose: boolean;
  /**
   * Elasticsearch answers this: a connection closed without a response is a violation. False
   * where the client stops mid-request (Netty closes without answering) or sends bytes that
   * are no request line at all (Netty skips a line of fewer than three parts and waits).
   */
  mustAnswer: boolean;
}

const CRLF = '\r\n';
const json = (text: string) => Buffer.from(text, 'utf8');

/** Well-formed requests the breakages start from. */
function baseRequests(liveId: string): WireRequest[] {
  const jsonHeaders: [string, string][] = [
    ['Host', 'localhost'],
    ['Content-Type', 'application/json'],
  ];
  return [
    { method: 'GET', target: '/_inference/_all', headers: [['Host', 'localhost']] },
    { method: 'GET', target: '/?pretty', headers: [['Host', 'localhost']] },
    { method: 'HEAD', target: '/', headers: [['Host', 'localhost']] },
    { method: 'POST', target: `/_inference/${liveId}`, headers: jsonHeaders, body: json('{"input":["raw http"]}') },
    { method: 'POST', target: '/_inference/missing-endpoint', headers: jsonHeaders, body: json('{"input":"x"}') },
    {
      method: 'PUT',
      target: '/_inference/sparse_embedding/missing-endpoint',
      headers: jsonHeaders,
      body: json('{"service":"elser","service_settings":{"num_allocations":0,"num_threads":0}}'),
    },
    { method: 'PUT', target: `/_inference/${liveId}/_update`, headers: jsonHeaders, body: json('{"fuzz":1}') },
    { method: 'DELETE', target: '/_inference/missing-endpoint', headers: [['Host', 'localhost']] },
    {
      method: 'POST',
      target: '/api/console/proxy?path=%2F_inference%2F_all&method=GET',
      headers: [
        ['Host', 'localhost'],
        ['kbn-xsrf', 'kibana'],
        ['Content-Type', 'application/json'],
      ],
      body: Buffer.alloc(0),
    },
  ];
}

const UNKNOWN: WireRequest = { method: 'GET', target: '/?', headers: [] };

/**
 * `cutShort`: the client stops there and shuts its side down; nothing needs answering (Netty
 * closes a channel ended mid-request, and skips a line of fewer than three parts).
 */
function single(label: string, request: WireRequest, payload: Buffer, { cutShort = false, expect = 1 } = {}): RawCase {
  return withDescription({
    label,
    payload,
    judgedAs: [request, UNKNOWN],
    expect,
    headResponses: [request.method === 'HEAD'],
    requestCount: 1,
    halfClose: cutShort,
    mustAnswer: !cutShort,
  });
}

/** fast-check prints a counterexample with this: the label and the first bytes, not a megabyte of numbers. */
function withDescription(rawCase: RawCase): RawCase {
  return Object.assign(rawCase, {
    [fc.toStringMethod]: () =>
      `${rawCase.label}: ${JSON.stringify(rawCase.payload.subarray(0, 300).toString('latin1'))} (${rawCase.payload.length} bytes)`,
  });
}

/** The request's head (request line and headers) as text, with `extra` header lines and without Content-Length. */
function headOf(
  request: WireRequest,
  extra: string[] = [],
  { version = 'HTTP/1.1', line }: { version?: string; line?: string } = {},
): string {
  const lines = [line ?? `${request.method} ${request.target} ${version}`];
  for (const [name, value] of request.headers) lines.push(`${name}: ${value}`);
  lines.push(...extra);
  return lines.join(CRLF) + CRLF + CRLF;
}

const bodyOf = (request: WireRequest) => request.body ?? json('{"input":["x"]}');

/** Content-Length, Transfer-Encoding and chunk framing that do not describe the body sent. */
function framingArb(bases: WireRequest[]): fc.Arbitrary<RawCase> {
  const base = fc.constantFrom(...bases.filter((r) => r.body !== undefined && r.body.length > 0));
  return fc.oneof(
    fc
      .tuple(base, fc.integer({ min: 1, max: 2000 }))
      .map(([request, extra]) =>
        single(
          'Content-Length longer than the body, then the client stops',
          request,
          Buffer.concat([Buffer.from(headOf(request, [`Content-Length: ${bodyOf(request).length + extra}`])), bodyOf(request)]),
          { cutShort: true },
        ),
      ),
    fc.tuple(base, fc.integer({ min: 1, max: 12 })).map(([request, short]) => {
      const body = bodyOf(request);
      const length = Math.max(0, body.length - short);
      return single(
        'Content-Length shorter than the body: the rest reads as the next request',
        request,
        Buffer.concat([Buffer.from(headOf(request, [`Content-Length: ${length}`])), body]),
        { expect: 2 },
      );
    }),
    fc.tuple(base, fc.integer({ min: 1, max: 3 })).map(([request, cut]) => {
      const body = bodyOf(request);
      const chunks = `${body.length.toString(16)}${CRLF}${body.subarray(0, Math.max(0, body.length - cut)).toString('latin1')}`;
      return single('chunked body cut short', request, Buffer.from(headOf(request, ['Transfer-Encoding: chunked']) + chunks, 'latin1'), {
        cutShort: true,
      });
    }),
    base.map((request) => {
      const body = bodyOf(request);
      return single(
        'chunked body without its last chunk',
        request,
        Buffer.from(
          `${headOf(request, ['Transfer-Encoding: chunked'])}${body.length.toString(16)}${CRLF}${body.toString('latin1')}${CRLF}`,
          'latin1',
        ),
        { cutShort: true },
      );
    }),
    fc
      .tuple(base, fc.constantFrom('ZZ', '-1', 'ffffffffffffffffff', ' 5', '5 ', '0x5', ''))
      .map(([request, size]) =>
        single(
          `chunk size ${JSON.stringify(size)}`,
          request,
          Buffer.from(`${headOf(request, ['Transfer-Encoding: chunked'])}${size}${CRLF}{}${CRLF}0${CRLF}${CRLF}`, 'latin1'),
        ),
      ),
    base.map((request) => {
      const body = bodyOf(request).toString('latin1');
      return single(
        'chunk extension and trailer',
        request,
        Buffer.from(
          `${headOf(request, ['Transfer-Encoding: chunked'])}${body.length.toString(16)};name=value${CRLF}${body}${CRLF}0${CRLF}X-Trailer: 1${CRLF}${CRLF}`,
          'latin1',
        ),
      );
    }),
    fc
      .tuple(
        base,
        fc.constantFrom(
          'Transfer-Encoding: gzip, chunked',
          'Transfer-Encoding: identity',
          'Transfer-Encoding: chunked, gzip',
          'Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked',
        ),
      )
      .map(([request, te]) =>
        single(
          te.split(CRLF).join(' + '),
          request,
          Buffer.concat([Buffer.from(headOf(request, [te, `Content-Length: ${bodyOf(request).length}`])), bodyOf(request)]),
        ),
      ),
    base.map((request) =>
      single(
        'Content-Length with Transfer-Encoding: chunked',
        request,
        Buffer.from(`${headOf(request, ['Content-Length: 3', 'Transfer-Encoding: chunked'])}0${CRLF}${CRLF}`, 'latin1'),
      ),
    ),
    fc
      .tuple(base, fc.constantFrom('-1', 'abc', '1.5', '+5', '0x10', '99999999999999999999', '5, 5', ''))
      .map(([request, value]) =>
        single(
          `Content-Length: ${JSON.stringify(value)}`,
          request,
          Buffer.concat([Buffer.from(headOf(request, [`Content-Length: ${value}`])), bodyOf(request)]),
        ),
      ),
    base.map((request) => {
      const length = bodyOf(request).length;
      return single(
        'Content-Length twice, different',
        request,
        Buffer.concat([Buffer.from(headOf(request, [`Content-Length: ${length}`, `Content-Length: ${length + 1}`])), bodyOf(request)]),
      );
    }),
  );
}

/** Request lines and header blocks HTTP parsers refuse. */
function headArb(bases: WireRequest[]): fc.Arbitrary<RawCase> {
  const base = fc.constantFrom(...bases);
  const withBody = (request: WireRequest, head: string) => {
    const body = request.body;
    const framing = body && body.length > 0 ? `Content-Length: ${body.length}${CRLF}` : '';
    return Buffer.concat([Buffer.from(head.replace(/\r\n\r\n$/, `${CRLF}${framing}${CRLF}`), 'latin1'), body ?? Buffer.alloc(0)]);
  };
  return fc.oneof(
    fc
      .uint8Array({ minLength: 1, maxLength: 200 })
      .map((bytes) => single('random bytes', UNKNOWN, Buffer.concat([Buffer.from(bytes), Buffer.from(CRLF + CRLF)]), { cutShort: true })),
    fc
      .constantFrom(
        'GARBAGE',
        'GET',
        'GET /',
        'GET / HTTP/1.1 extra',
        'GET / HTTP/2.0',
        'GET / HTTP/1.2',
        'GET / HTTP/0.9',
        'GET / http/1.1',
        'GET  / HTTP/1.1',
        'GET\t/\tHTTP/1.1',
        ' GET / HTTP/1.1',
        'GET / HTTP/1.1\nHost: x',
        '\u0016\u0003\u0001\u0000\u00a5\u0001\u0000\u0000\u00a1\u0003\u0003',
        'PRI * HTTP/2.0\r\n\r\nSM',
      )
      .map((line) =>
        single(`request line ${JSON.stringify(line.slice(0, 30))}`, UNKNOWN, Buffer.from(line + CRLF + CRLF, 'latin1'), { cutShort: true }),
      ),
    fc.tuple(base, fc.constantFrom('a b', 'é', '\u0000', '\t', '%', '\u007f', '日本')).map(([request, odd]) => {
      const target = `${request.target}${Buffer.from(odd, 'utf8').toString('latin1')}`;
      return single(
        `raw ${JSON.stringify(odd)} in the target`,
        { ...request, target },
        withBody(request, headOf(request, [], { line: `${request.method} ${target} HTTP/1.1` })),
      );
    }),
    fc.tuple(base, fc.constantFrom(4096, 5000, 16_000, 20_000, 70_000)).map(([request, length]) => {
      const target = `/${'a'.repeat(length)}`;
      return single(
        `target of ${length} characters`,
        { ...request, target },
        withBody(request, headOf(request, [], { line: `${request.method} ${target} HTTP/1.1` })),
      );
    }),
    fc
      .tuple(base, fc.integer({ min: 17_000, max: 40_000 }))
      .map(([request, size]) =>
        single('one header over 16 KB', request, withBody(request, headOf(request, [`X-Big: ${'b'.repeat(size)}`]))),
      ),
    base.map((request) =>
      single(
        '2,000 headers',
        request,
        withBody(
          request,
          headOf(
            request,
            Array.from({ length: 2000 }, (_, i) => `X-H${i}: v`),
          ),
        ),
      ),
    ),
    fc
      .tuple(
        base,
        fc.constantFrom(
          'NoColon',
          'Bad Name: x',
          'Host : x',
          ': empty',
          'X-Fold: a\r\n folded',
          'X-Nul: a\u0000b',
          'X-High: \u00ff\u00fe',
          'X-CR: a\rb',
          'X-Empty:',
          'Content-Type: \t',
        ),
      )
      .map(([request, line]) => single(`header line ${JSON.stringify(line)}`, request, withBody(request, headOf(request, [line])))),
    base.map((request) =>
      single(
        'no Host header',
        request,
        withBody(request, headOf({ ...request, headers: request.headers.filter(([name]) => name !== 'Host') })),
      ),
    ),
    base.map((request) => single('two Host headers', request, withBody(request, headOf(request, ['Host: other'])))),
    base.map((request) => single('HTTP/1.0', request, withBody(request, headOf(request, [], { version: 'HTTP/1.0' })))),
    fc
      .tuple(
        base,
        fc.constantFrom(
          'Expect: 100-continue',
          'Expect: 100-Continue',
          'Expect: foo',
          'Connection: upgrade\r\nUpgrade: websocket',
          'Connection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA',
          'Connection: close',
          'Connection: keep-alive, close',
        ),
      )
      .map(([request, extra]) => single(extra.split(CRLF).join(' + '), request, withBody(request, headOf(request, [extra])))),
  );
}

/** Several requests on one connection, some of them broken. */
function pipelineArb(bases: WireRequest[]): fc.Arbitrary<RawCase> {
  const broken = [
    'GARBAGE\r\n\r\n',
    'GET / HTTP/9.9\r\n\r\n',
    'FOO / HTTP/1.1\r\nHost: x\r\n\r\n',
    `GET / HTTP/1.1\r\nX-Big: ${'b'.repeat(20_000)}\r\n\r\n`,
  ];
  return fc
    .tuple(
      fc.array(fc.constantFrom(...bases), { minLength: 1, maxLength: 3 }),
      fc.option(fc.constantFrom(...broken), { nil: undefined }),
      fc.boolean(),
    )
    .map(([requests, garbage, garbageFirst]): RawCase => withDescription(buildPipeline(requests, garbage, garbageFirst)));
}

function buildPipeline(requests: WireRequest[], garbage: string | undefined, garbageFirst: boolean): RawCase {
  const encoded = requests.map((request) => encodeRequest(request));
  const broken = garbage === undefined ? [] : [Buffer.from(garbage, 'latin1')];
  const parts = garbageFirst ? [...broken, ...encoded] : [...encoded, ...broken];
  // Nothing after a request the parser refuses is read.
  const answered = garbage !== undefined && garbageFirst ? [] : requests;
  return {
    label:
      garbage === undefined
        ? 'pipelined requests'
        : `pipelined requests with ${JSON.stringify(garbage.slice(0, 20))} ${garbageFirst ? 'first' : 'last'}`,
    payload: Buffer.concat(parts),
    judgedAs: [...answered, UNKNOWN],
    expect: answered.length + broken.length,
    headResponses: answered.map((request) => request.method === 'HEAD'),
    requestCount: parts.length,
    halfClose: false,
    mustAnswer: true,
  };
}

/** HTTP-level breakage: framing, request lines, headers and pipelines no client library would send. */
export function rawCaseArb(liveId: string, esVersion: string): fc.Arbitrary<RawCase> {
  const bases = baseRequests(liveId).filter((request) => esVersion !== '8.15' || !request.target.endsWith('/_update'));
  return fc.oneof(
    { weight: 4, arbitrary: framingArb(bases) },
    { weight: 4, arbitrary: headArb(bases) },
    { weight: 2, arbitrary: pipelineArb(bases) },
  );
}

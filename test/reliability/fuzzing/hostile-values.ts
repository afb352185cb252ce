import { Entries, JsonLike, Raw } from './json-text';

/** A value put where a request expects another, with the reason it is interesting. */
export interface HostileValue {
  name: string;
  value: JsonLike;
  /** Megabytes of text or thousands of items: used sparingly. */
  heavy?: boolean;
}

export const ONE_MEGABYTE = 1 << 20;
export const TEN_THOUSAND_INPUTS: readonly string[] = Array.from({ length: 10_000 }, (_, i) => `t${i}`);
export const NESTING = 2000;

const deepArrays = new Raw(`${'['.repeat(NESTING)}${']'.repeat(NESTING)}`, `${NESTING} nested arrays`);
const deepObjects = new Raw(`${'{"a":'.repeat(NESTING)}1${'}'.repeat(NESTING)}`, `${NESTING} nested objects`);

/** Invalid UTF-8 inside a string: a lead byte without continuation, a stray continuation, 0xFF, an encoded surrogate. */
export const INVALID_UTF8_STRING = new Raw(
  Buffer.concat([Buffer.from('"a'), Buffer.from([0xc3, 0x28, 0x80, 0xff, 0xed, 0xa0, 0x80]), Buffer.from('b"')]),
  'invalid UTF-8 string',
);

/** One value of every JSON type Elasticsearch may not expect, and the numbers at its limits. */
export const WRONG_TYPES: readonly HostileValue[] = [
  { name: 'null', value: null },
  { name: 'true', value: true },
  { name: 'false', value: false },
  { name: 'zero', value: 0 },
  { name: 'negative', value: -1 },
  { name: 'int max', value: 2147483647 },
  { name: 'int max + 1', value: 2147483648 },
  { name: 'int min - 1', value: -2147483649 },
  { name: '2^53 + 1', value: new Raw('9007199254740993') },
  { name: 'long max + 1', value: new Raw('9223372036854775808') },
  { name: 'huge integer', value: new Raw('1'.padEnd(400, '0')) },
  { name: '1e309 (overflows a double)', value: new Raw('1e309') },
  { name: '-1e309', value: new Raw('-1e309') },
  { name: '1e-400 (underflows a double)', value: new Raw('1e-400') },
  { name: 'negative zero', value: new Raw('-0') },
  { name: 'float where an integer belongs', value: new Raw('1.5') },
  { name: 'integral float', value: new Raw('1.0') },
  { name: 'exponent integer', value: new Raw('1E2') },
  { name: 'empty string', value: '' },
  { name: 'string', value: 'x' },
  { name: 'numeric string', value: '1' },
  { name: 'boolean string', value: 'true' },
  { name: 'NUL bytes', value: 'a\u0000b\u0000' },
  { name: 'escaped lone surrogate', value: new Raw('"\\ud800x\\udfff"') },
  { name: 'invalid UTF-8', value: INVALID_UTF8_STRING },
  { name: 'unicode', value: 'é日本🙂\u200d' },
  { name: 'empty array', value: [] },
  { name: 'array', value: [1, 'a', null] },
  { name: 'empty object', value: {} },
  { name: 'object', value: { a: 1 } },
  {
    name: 'duplicate keys',
    value: new Entries([
      ['a', 1],
      ['a', 2],
    ]),
  },
];

export const HEAVY_VALUES: readonly HostileValue[] = [
  { name: '1 MB string', value: 'x'.repeat(ONE_MEGABYTE), heavy: true },
  { name: `${NESTING} nested arrays`, value: deepArrays, heavy: true },
  { name: `${NESTING} nested objects`, value: deepObjects, heavy: true },
  // The last item makes it no valid `input`: ten thousand real inferences would take half a minute.
  { name: '10,000-element array', value: [...TEN_THOUSAND_INPUTS, { end: true }] as JsonLike[], heavy: true },
];

/** Whole bodies that are not a JSON document a handler could read. */
export const HOSTILE_BODIES: readonly { name: string; body: Buffer }[] = [
  { name: 'empty object', body: Buffer.from('{}') },
  { name: 'whitespace', body: Buffer.from(' \r\n\t ') },
  { name: 'not JSON', body: Buffer.from('service=elser') },
  { name: 'truncated', body: Buffer.from('{"service":"elser","service_settings":{') },
  { name: 'trailing garbage', body: Buffer.from('{"input":["a"]} trailing') },
  { name: 'two documents', body: Buffer.from('{"input":["a"]}{"input":["b"]}') },
  { name: 'top-level array', body: Buffer.from('[{"input":"a"}]') },
  { name: 'top-level string', body: Buffer.from('"input"') },
  { name: 'top-level number', body: Buffer.from('1e309') },
  { name: 'null', body: Buffer.from('null') },
  { name: 'byte order mark', body: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"input":"a"}')]) },
  { name: 'UTF-16', body: Buffer.from('{"input":"a"}', 'utf16le') },
  { name: 'NUL bytes', body: Buffer.from('{"input":"a"}\u0000\u0000') },
  { name: 'NUL inside', body: Buffer.from('{"inp\u0000ut":"a"}') },
  { name: 'invalid UTF-8', body: Buffer.concat([Buffer.from('{"input":"'), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('"}')]) },
  { name: 'unquoted control character', body: Buffer.from('{"input":"a\nb"}') },
  { name: 'bad escape', body: Buffer.from('{"input":"\\x"}') },
  { name: 'short unicode escape', body: Buffer.from('{"input":"\\u12"}') },
  { name: 'comments', body: Buffer.from('{/* c */"input":"a"}') },
  { name: 'single quotes', body: Buffer.from("{'input':'a'}") },
  { name: 'NaN', body: Buffer.from('{"input":NaN}') },
  { name: 'leading zero', body: Buffer.from('{"num_threads":01}') },
  { name: 'lone minus', body: Buffer.from('{"num_threads":-}') },
  { name: 'deep arrays', body: Buffer.from(`${'['.repeat(NESTING)}${']'.repeat(NESTING)}`) },
  { name: 'deep objects', body: Buffer.from(`${'{"a":'.repeat(NESTING)}1${'}'.repeat(NESTING)}`) },
  { name: 'unclosed deep arrays', body: Buffer.from('['.repeat(NESTING)) },
  { name: '1 MB of spaces', body: Buffer.alloc(ONE_MEGABYTE, 0x20) },
  { name: '1 MB key', body: Buffer.from(`{"${'k'.repeat(ONE_MEGABYTE)}":1}`) },
];

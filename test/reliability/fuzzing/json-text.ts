/**
 * JSON request bodies that `JSON.stringify` cannot write: number literals it would round
 * (`9007199254740993`, `1e309`, `-0`, `1.0`), lone surrogates, raw bytes that are not UTF-8,
 * duplicate keys.
 */

/** Bytes written verbatim where a value goes. */
export class Raw {
  readonly bytes: Buffer;
  constructor(
    text: string | Buffer,
    readonly label = typeof text === 'string' ? text.slice(0, 40) : `<${text.length} bytes>`,
  ) {
    this.bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  }
}

/** An object written with exactly these entries, in this order (keys may repeat). */
export class Entries {
  constructor(readonly entries: readonly (readonly [string, JsonLike])[]) {}
}

export type JsonLike = null | boolean | number | string | Raw | Entries | JsonLike[] | { [key: string]: JsonLike };

export const isPlainObject = (value: JsonLike | undefined): value is { [key: string]: JsonLike } =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Raw) && !(value instanceof Entries);

export function encodeJson(value: JsonLike): Buffer {
  const parts: Buffer[] = [];
  write(value, parts);
  return Buffer.concat(parts);
}

function write(value: JsonLike, out: Buffer[]): void {
  if (value instanceof Raw) {
    out.push(value.bytes);
  } else if (value instanceof Entries) {
    writeEntries(value.entries, out);
  } else if (Array.isArray(value)) {
    out.push(Buffer.from('['));
    value.forEach((item, i) => {
      if (i > 0) out.push(Buffer.from(','));
      write(item, out);
    });
    out.push(Buffer.from(']'));
  } else if (isPlainObject(value)) {
    writeEntries(Object.entries(value), out);
  } else {
    out.push(Buffer.from(JSON.stringify(value), 'utf8'));
  }
}

function writeEntries(entries: readonly (readonly [string, JsonLike])[], out: Buffer[]): void {
  out.push(Buffer.from('{'));
  entries.forEach(([key, item], i) => {
    if (i > 0) out.push(Buffer.from(','));
    out.push(Buffer.from(`${JSON.stringify(key)}:`, 'utf8'));
    write(item, out);
  });
  out.push(Buffer.from('}'));
}

/** A short description of a value for reports (never the whole of a large one). */
export function describe(value: JsonLike | undefined): string {
  if (value === undefined) return '<absent>';
  if (value instanceof Raw) return `raw(${value.label})`;
  if (value instanceof Entries) return `entries(${value.entries.map(([k]) => k).join(',')})`;
  if (typeof value === 'string') return value.length > 40 ? `"${value.slice(0, 20)}…" (${value.length} chars)` : JSON.stringify(value);
  if (Array.isArray(value)) return value.length > 5 ? `[${value.length} items]` : `[${value.map(describe).join(',')}]`;
  if (isPlainObject(value)) return `{${Object.keys(value).join(',')}}`;
  return JSON.stringify(value);
}

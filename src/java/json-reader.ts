import { JavaDouble, JavaMap, JavaValue } from './values';

/** A syntax error worded as Jackson words it, with 1-based line and column. */
export class JsonSyntaxError extends Error {
  constructor(
    readonly detail: string,
    readonly line: number,
    readonly column: number,
  ) {
    // Elasticsearch disables source inclusion in Jackson locations.
    super(
      `${detail}\n at [Source: REDACTED (\`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION\` disabled); line: ${line}, column: ${column}]`,
    );
  }
}

export interface FieldLocation {
  line: number;
  column: number;
}

export interface ParsedJson {
  value: JavaValue;
  /** Location of each top-level field name token, as XContent reports it in `[line:col]` prefixes. */
  topLevelFieldLocations: Map<string, FieldLocation>;
  /** Location of the top-level value's first token. */
  rootLocation: FieldLocation;
}

const INT_MIN = -2147483648n;
const INT_MAX = 2147483647n;
const MAX_NESTING_DEPTH = 1000;
const EXPECTED_VALUE = "expected a valid value (JSON String, Number, Array, Object or token 'null', 'true' or 'false')";

/**
 * A strict JSON reader with Jackson's observable behaviour as configured by
 * Elasticsearch: duplicate keys are errors, the first value is read and any
 * trailing content is ignored, numbers keep their integer/double kind.
 */
export function readJson(text: string): ParsedJson {
  return new Reader(text).readDocument();
}

class Reader {
  private pos = 0;
  private line = 1;
  private lineStart = 0;
  private depth = 0;
  private readonly topLevelFieldLocations = new Map<string, FieldLocation>();

  constructor(private readonly text: string) {}

  readDocument(): ParsedJson {
    this.skipWhitespace();
    if (this.pos >= this.text.length) throw this.error('No content to map due to end-of-input');
    const rootLocation = this.location();
    const value = this.readValue();
    return { value, topLevelFieldLocations: this.topLevelFieldLocations, rootLocation };
  }

  private location(): FieldLocation {
    return { line: this.line, column: this.pos - this.lineStart + 1 };
  }

  private error(detail: string, column = this.pos - this.lineStart + 1): JsonSyntaxError {
    return new JsonSyntaxError(detail, this.line, column);
  }

  private unexpectedChar(expectation: string): JsonSyntaxError {
    const ch = this.text.codePointAt(this.pos) as number;
    const shown = ch < 32 ? `(CTRL-CHAR, code ${ch})` : `('${String.fromCodePoint(ch)}' (code ${ch}))`;
    return this.error(`Unexpected character ${shown}: ${expectation}`, this.pos - this.lineStart + 2);
  }

  private skipWhitespace(): void {
    while (this.pos < this.text.length) {
      const ch = this.text.charCodeAt(this.pos);
      if (ch === 0x0a) {
        this.pos++;
        this.line++;
        this.lineStart = this.pos;
      } else if (ch === 0x20 || ch === 0x09 || ch === 0x0d) {
        this.pos++;
      } else {
        return;
      }
    }
  }

  private endOfInput(context: string): JsonSyntaxError {
    return this.error(`Unexpected end-of-input${context}`);
  }

  private readValue(): JavaValue {
    this.skipWhitespace();
    if (this.pos >= this.text.length) throw this.endOfInput(`: expected a value`);
    const ch = this.text[this.pos];
    if (ch === '{') return this.readObject();
    if (ch === '[') return this.readArray();
    if (ch === '"') return this.readString();
    if (ch === '-' || (ch >= '0' && ch <= '9')) return this.readNumber();
    if (/[A-Za-z]/.test(ch)) return this.readKeyword();
    throw this.unexpectedChar(EXPECTED_VALUE);
  }

  private enter(): void {
    this.depth++;
    if (this.depth > MAX_NESTING_DEPTH) {
      throw this.error(
        `Document nesting depth (${this.depth}) exceeds the maximum allowed (${MAX_NESTING_DEPTH}, from \`StreamReadConstraints.getMaxNestingDepth()\`)`,
      );
    }
  }

  private readKeyword(): JavaValue {
    const start = this.pos;
    while (this.pos < this.text.length && /[A-Za-z0-9_$]/.test(this.text[this.pos])) this.pos++;
    const word = this.text.slice(start, this.pos);
    if (word === 'true') return true;
    if (word === 'false') return false;
    if (word === 'null') return null;
    throw this.error(`Unrecognized token '${word}': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')`);
  }

  private readObject(): JavaMap {
    const startLocation = this.location();
    this.pos++;
    this.enter();
    const map: JavaMap = new Map();
    this.skipWhitespace();
    if (this.text[this.pos] === '}') {
      this.pos++;
      this.depth--;
      return map;
    }
    for (;;) {
      this.skipWhitespace();
      if (this.pos >= this.text.length) throw this.unclosed('Object', startLocation);
      if (this.text[this.pos] !== '"') throw this.unexpectedChar('was expecting double-quote to start field name');
      const keyLocation = this.location();
      const key = this.readString();
      if (map.has(key)) throw this.error(`Duplicate field '${key}'`);
      if (this.depth === 1) this.topLevelFieldLocations.set(key, keyLocation);
      this.skipWhitespace();
      if (this.pos >= this.text.length) throw this.unclosed('Object', startLocation);
      if (this.text[this.pos] !== ':') throw this.unexpectedChar('was expecting a colon to separate field name and value');
      this.pos++;
      this.skipWhitespace();
      if (this.pos >= this.text.length) throw this.unclosed('Object', startLocation);
      map.set(key, this.readValue());
      this.skipWhitespace();
      if (this.pos >= this.text.length) throw this.unclosed('Object', startLocation);
      const next = this.text[this.pos];
      if (next === ',') {
        this.pos++;
        continue;
      }
      if (next === '}') {
        this.pos++;
        this.depth--;
        return map;
      }
      throw this.unexpectedChar('was expecting comma to separate Object entries');
    }
  }

  private readArray(): JavaValue[] {
    const startLocation = this.location();
    this.pos++;
    this.enter();
    const items: JavaValue[] = [];
    this.skipWhitespace();
    if (this.text[this.pos] === ']') {
      this.pos++;
      this.depth--;
      return items;
    }
    for (;;) {
      this.skipWhitespace();
      if (this.pos >= this.text.length) throw this.unclosed('Array', startLocation);
      items.push(this.readValue());
      this.skipWhitespace();
      if (this.pos >= this.text.length) throw this.unclosed('Array', startLocation);
      const next = this.text[this.pos];
      if (next === ',') {
        this.pos++;
        continue;
      }
      if (next === ']') {
        this.pos++;
        this.depth--;
        return items;
      }
      throw this.unexpectedChar('was expecting comma to separate Array entries');
    }
  }

  private unclosed(kind: 'Object' | 'Array', start: FieldLocation): JsonSyntaxError {
    return this.endOfInput(
      `: expected close marker for ${kind} (start marker at [Source: REDACTED (\`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION\` disabled); line: ${start.line}, column: ${start.column}])`,
    );
  }

  private readString(): string {
    this.pos++;
    let out = '';
    let chunkStart = this.pos;
    for (;;) {
      if (this.pos >= this.text.length) throw this.endOfInput(': was expecting closing quote for a string value');
      const code = this.text.charCodeAt(this.pos);
      if (code === 0x22) {
        out += this.text.slice(chunkStart, this.pos);
        this.pos++;
        return out;
      }
      if (code === 0x5c) {
        out += this.text.slice(chunkStart, this.pos);
        out += this.readEscape();
        chunkStart = this.pos;
        continue;
      }
      if (code < 0x20) {
        throw this.error(
          `Illegal unquoted character ((CTRL-CHAR, code ${code})): has to be escaped using backslash to be included in string value`,
          this.pos - this.lineStart + 2,
        );
      }
      this.pos++;
    }
  }

  private readEscape(): string {
    this.pos++;
    const ch = this.text[this.pos];
    this.pos++;
    switch (ch) {
      case '"':
        return '"';
      case '\\':
        return '\\';
      case '/':
        return '/';
      case 'b':
        return '\b';
      case 'f':
        return '\f';
      case 'n':
        return '\n';
      case 'r':
        return '\r';
      case 't':
        return '\t';
      case 'u': {
        const hex = this.text.slice(this.pos, this.pos + 4);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) {
          throw this.error('Unexpected character: expected a hex-digit for character escape sequence');
        }
        this.pos += 4;
        return String.fromCharCode(parseInt(hex, 16));
      }
      case undefined:
        throw this.endOfInput(': was expecting closing quote for a string value');
      default:
        throw this.error(`Unrecognized character escape '${ch}' (code ${ch.charCodeAt(0)})`);
    }
  }

  private readNumber(): JavaValue {
    const match = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(this.text.slice(this.pos, this.pos + 400));
    if (!match || match[0] === '-') {
      throw this.error("Unexpected character: expected digit after '-' sign for a valid numeric value");
    }
    const after = this.text[this.pos + match[0].length];
    if (match[1] === '0' && after !== undefined && after >= '0' && after <= '9') {
      throw this.error('Invalid numeric value: Leading zeroes not allowed');
    }
    this.pos += match[0].length;
    if (match[2] !== undefined || match[3] !== undefined) return new JavaDouble(Number(match[0]));
    const integer = BigInt(match[0]);
    return integer >= INT_MIN && integer <= INT_MAX ? Number(integer) : integer;
  }
}

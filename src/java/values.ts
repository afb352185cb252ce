/**
 * Values as Elasticsearch sees a parsed JSON body: Jackson reads integer literals
 * as Integer, Long or BigInteger and fractional literals as Double, and objects as
 * maps. Keeping those distinctions lets validation reproduce Elasticsearch's
 * type errors and its Java-rendered messages exactly.
 */
export class JavaDouble {
  constructor(readonly value: number) {}
  toString(): string {
    return formatJavaDouble(this.value);
  }
}

export type JavaValue = null | boolean | string | number | bigint | JavaDouble | JavaValue[] | JavaMap;
export type JavaMap = Map<string, JavaValue>;

const INT_MIN = -2147483648;
const INT_MAX = 2147483647;

export function isJavaInteger(value: JavaValue | undefined): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= INT_MIN && value <= INT_MAX;
}

export function isJavaMap(value: JavaValue | undefined): value is JavaMap {
  return value instanceof Map;
}

/** Java's simple class name of a parsed value, as used in ClassCastException messages. */
export function javaClassName(value: JavaValue): string {
  if (value === null) return 'null';
  if (typeof value === 'boolean') return 'java.lang.Boolean';
  if (typeof value === 'string') return 'java.lang.String';
  if (typeof value === 'number') return 'java.lang.Integer';
  if (typeof value === 'bigint') {
    return value >= -(2n ** 63n) && value < 2n ** 63n ? 'java.lang.Long' : 'java.math.BigInteger';
  }
  if (value instanceof JavaDouble) return 'java.lang.Double';
  if (Array.isArray(value)) return 'java.util.ArrayList';
  return 'java.util.HashMap';
}

/** Renders a value the way Java's `String.valueOf` would. */
export function javaToString(value: JavaValue): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `[${value.map(javaToString).join(', ')}]`;
  if (value instanceof Map) {
    return `{${hashMapOrder([...value.keys()])
      .map((key) => `${key}=${javaToString(value.get(key) as JavaValue)}`)
      .join(', ')}}`;
  }
  return String(value);
}

/** `Double.toString`: plain notation in [1e-3, 1e7), computerized scientific notation otherwise. */
export function formatJavaDouble(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? 'Infinity' : '-Infinity';
  if (value === 0) return Object.is(value, -0) ? '-0.0' : '0.0';
  const magnitude = Math.abs(value);
  if (magnitude >= 1e-3 && magnitude < 1e7) {
    const text = String(value);
    return text.includes('.') ? text : `${text}.0`;
  }
  const [mantissa, exponent] = value.toExponential().split('e');
  const digits = mantissa.includes('.') ? mantissa : `${mantissa}.0`;
  return `${digits}E${Number(exponent)}`;
}

function javaStringHash(text: string): number {
  let hash = 0;
  for (let i = 0; i < text.length; i++) hash = (Math.imul(31, hash) + text.charCodeAt(i)) | 0;
  return hash;
}

/**
 * The iteration order of a `java.util.HashMap` holding these keys, inserted in
 * this order: Elasticsearch parses request bodies into HashMaps and prints
 * leftover settings with `Map.toString()`, so messages list keys in this order.
 */
export function hashMapOrder(keysInInsertionOrder: string[]): string[] {
  let capacity = 16;
  while (keysInInsertionOrder.length > capacity * 0.75) capacity *= 2;
  const buckets = new Map<number, string[]>();
  for (const key of keysInInsertionOrder) {
    const h = javaStringHash(key);
    const index = (h ^ (h >>> 16)) & (capacity - 1);
    const bucket = buckets.get(index) ?? [];
    bucket.push(key);
    buckets.set(index, bucket);
  }
  return [...buckets.keys()].sort((a, b) => a - b).flatMap((index) => buckets.get(index) as string[]);
}

/** Converts a parsed value to plain JSON-compatible data, for storing and echoing. */
export function toPlainJson(value: JavaValue): unknown {
  if (value instanceof JavaDouble) return value.value;
  if (typeof value === 'bigint') return Number(value);
  if (Array.isArray(value)) return value.map(toPlainJson);
  if (value instanceof Map) return Object.fromEntries([...value].map(([k, v]) => [k, toPlainJson(v)]));
  return value;
}

/**
 * Per-code-point character classes shared by the normalizer and the pre-tokenizer.
 *
 * The classes come from the runtime's Unicode tables (regex property escapes), but each
 * 256-code-point block is classified only once, the first time one of its characters is
 * seen, so the hot loops do a single typed-array read per character.
 */

/** Dropped by BERT's clean_text: NUL, U+FFFD, and Cc/Cf/Co other than \t \n \r. */
export const REMOVED = 1;
/** Rust's `char::is_whitespace` (the Unicode White_Space property). */
export const WHITESPACE = 2;
/** The CJK ideograph ranges that BertNormalizer surrounds with spaces. */
export const CHINESE = 4;
/** General category Mn, removed after NFD when stripping accents. */
export const NONSPACING_MARK = 8;
/** ASCII punctuation or general category P. */
export const PUNCTUATION = 16;

const OTHER = /^[\p{Cc}\p{Cf}\p{Co}\p{Cs}]$/u;
const WHITE_SPACE = /^\p{White_Space}$/u;
const MARK_NONSPACING = /^\p{Mn}$/u;
const UNICODE_PUNCTUATION = /^\p{P}$/u;

const CODE_POINTS = 0x110000;
const BLOCK_BITS = 8;

const flags = new Uint8Array(CODE_POINTS);
const blockReady = new Uint8Array(CODE_POINTS >>> BLOCK_BITS);

// The ranges of Hugging Face's Rust BertNormalizer. Note 0x2B920, not 0x2B820 as in
// the original Python BERT: U+2B820..U+2B91F are not padded by the Rust tokenizer.
export function isChineseChar(cp: number): boolean {
  return (
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0x20000 && cp <= 0x2a6df) ||
    (cp >= 0x2a700 && cp <= 0x2b73f) ||
    (cp >= 0x2b740 && cp <= 0x2b81f) ||
    (cp >= 0x2b920 && cp <= 0x2ceaf) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0x2f800 && cp <= 0x2fa1f)
  );
}

export function isAsciiPunctuation(cp: number): boolean {
  return (cp >= 33 && cp <= 47) || (cp >= 58 && cp <= 64) || (cp >= 91 && cp <= 96) || (cp >= 123 && cp <= 126);
}

function classify(cp: number): number {
  const ch = String.fromCodePoint(cp);
  let f = 0;
  // Lone surrogates count as removed: the Rust tokenizer only ever sees them as U+FFFD.
  if (cp === 0 || cp === 0xfffd || (cp !== 9 && cp !== 10 && cp !== 13 && OTHER.test(ch))) f |= REMOVED;
  if (WHITE_SPACE.test(ch)) f |= WHITESPACE;
  if (isChineseChar(cp)) f |= CHINESE;
  if (MARK_NONSPACING.test(ch)) f |= NONSPACING_MARK;
  if (isAsciiPunctuation(cp) || UNICODE_PUNCTUATION.test(ch)) f |= PUNCTUATION;
  return f;
}

function fillBlock(block: number): void {
  const start = block << BLOCK_BITS;
  const end = start + (1 << BLOCK_BITS);
  for (let cp = start; cp < end; cp++) flags[cp] = classify(cp);
  blockReady[block] = 1;
}

/** The class bits of a code point (0 for an ordinary word character). */
export function charFlags(cp: number): number {
  const block = cp >>> BLOCK_BITS;
  if (blockReady[block] === 0) fillBlock(block);
  return flags[cp];
}

/**
 * The code point starting at UTF-16 index `i`. A lone surrogate is returned as itself
 * (its flags mark it REMOVED); callers advance by 2 when the result is above 0xFFFF.
 */
export function codePointAt(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
    const d = text.charCodeAt(i + 1);
    if (d >= 0xdc00 && d <= 0xdfff) return ((c - 0xd800) << 10) + (d - 0xdc00) + 0x10000;
  }
  return c;
}

fillBlock(0);

import { CHINESE, NONSPACING_MARK, REMOVED, WHITESPACE, charFlags, codePointAt } from './char-classes';

/**
 * Hugging Face's BertNormalizer. The steps run in the Rust order:
 * clean text, pad CJK ideographs, NFD + drop Mn, lowercase.
 */
export interface BertNormalizerOptions {
  /** Drop control/format/private-use characters, NUL and U+FFFD; map whitespace to ' '. */
  cleanText: boolean;
  /** Surround CJK ideographs with spaces so each becomes its own word. */
  handleChineseChars: boolean;
  /** NFD, then remove nonspacing marks. */
  stripAccents: boolean;
  lowercase: boolean;
}

export const BERT_UNCASED_NORMALIZER: Readonly<BertNormalizerOptions> = Object.freeze({
  cleanText: true,
  handleChineseChars: true,
  stripAccents: true,
  lowercase: true,
});

const NON_ASCII = /[^\u0000-\u007f]/;
const CAPITAL_SIGMA = '\u03a3';
const SMALL_SIGMA = '\u03c3';

export class BertNormalizer {
  readonly options: Readonly<BertNormalizerOptions>;

  constructor(options: Partial<BertNormalizerOptions> = {}) {
    this.options = Object.freeze({ ...BERT_UNCASED_NORMALIZER, ...options });
  }

  normalize(text: string): string {
    const { cleanText: clean, handleChineseChars, stripAccents: strip, lowercase: lower } = this.options;
    let s = clean || handleChineseChars ? cleanAndPad(text, clean, handleChineseChars) : text;
    if (strip) s = stripAccents(s);
    if (lower) s = lowercase(s);
    return s;
  }
}

/** clean_text and handle_chinese_chars in one pass; returns `text` itself when nothing changes. */
export function cleanAndPad(text: string, clean: boolean, handleChineseChars: boolean): string {
  const n = text.length;
  let out = '';
  let runStart = 0;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x20 && c < 0x7f) continue;
    const cp = codePointAt(text, i);
    const width = cp > 0xffff ? 2 : 1;
    const f = charFlags(cp);
    let replacement: string | undefined;
    if (clean && (f & REMOVED) !== 0) replacement = '';
    else if (clean && (f & WHITESPACE) !== 0) replacement = ' ';
    else if (handleChineseChars && (f & CHINESE) !== 0) replacement = ` ${text.slice(i, i + width)} `;
    if (replacement !== undefined) {
      out += text.slice(runStart, i) + replacement;
      runStart = i + width;
    }
    i += width - 1;
  }
  return runStart === 0 ? text : out + text.slice(runStart);
}

export function cleanText(text: string): string {
  return cleanAndPad(text, true, false);
}

export function padChineseChars(text: string): string {
  return cleanAndPad(text, false, true);
}

/** NFD, then remove every nonspacing mark (general category Mn). */
export function stripAccents(text: string): string {
  if (!NON_ASCII.test(text)) return text;
  const d = text.normalize('NFD');
  const n = d.length;
  let out = '';
  let runStart = 0;
  for (let i = 0; i < n; i++) {
    // No Mn character lies below U+0300.
    if (d.charCodeAt(i) < 0x300) continue;
    const cp = codePointAt(d, i);
    const width = cp > 0xffff ? 2 : 1;
    if ((charFlags(cp) & NONSPACING_MARK) !== 0) {
      out += d.slice(runStart, i);
      runStart = i + width;
    }
    i += width - 1;
  }
  return runStart === 0 ? d : out + d.slice(runStart);
}

/**
 * Lowercases one character at a time, like Rust's `char::to_lowercase`. The only
 * context-dependent rule of String.prototype.toLowerCase in the root locale is
 * Final_Sigma (word-final Σ becomes ς); the Rust tokenizer always yields σ.
 */
export function lowercase(text: string): string {
  if (text.indexOf(CAPITAL_SIGMA) === -1) return text.toLowerCase();
  return text
    .split(CAPITAL_SIGMA)
    .map((part) => part.toLowerCase())
    .join(SMALL_SIGMA);
}

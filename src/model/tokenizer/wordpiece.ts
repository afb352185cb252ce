export interface WordPieceOptions {
  unkToken: string;
  continuingSubwordPrefix: string;
  /** Words longer than this many code points become a single unknown token. */
  maxInputCharsPerWord: number;
  /** How many words' results to remember; 0 disables the cache. */
  cacheCapacity: number;
}

export const DEFAULT_WORDPIECE_OPTIONS: Readonly<WordPieceOptions> = Object.freeze({
  unkToken: '[UNK]',
  continuingSubwordPrefix: '##',
  maxInputCharsPerWord: 100,
  cacheCapacity: 20_000,
});

/**
 * Greedy longest-match-first WordPiece over one pre-tokenized word, as in Hugging Face's
 * WordPiece model: every piece after the first carries the continuation prefix, and if
 * any position cannot be matched the whole word becomes the unknown token.
 */
export class WordPiece {
  readonly unkId: number;
  readonly options: Readonly<WordPieceOptions>;
  private readonly vocab: ReadonlyMap<string, number>;
  /** Continuation pieces keyed without their prefix, so lookups need no concatenation. */
  private readonly continuation = new Map<string, number>();
  /** Longest piece in UTF-16 units (prefix excluded); longer candidates cannot match. */
  private readonly maxPieceLength: number;
  private readonly unkOnly: readonly number[];
  private readonly cache = new Map<string, readonly number[]>();

  constructor(vocab: ReadonlyMap<string, number>, options: Partial<WordPieceOptions> = {}) {
    this.options = Object.freeze({ ...DEFAULT_WORDPIECE_OPTIONS, ...options });
    const unkId = vocab.get(this.options.unkToken);
    if (unkId === undefined) throw new Error(`WordPiece vocabulary has no unknown token ${this.options.unkToken}`);
    this.unkId = unkId;
    this.unkOnly = Object.freeze([unkId]);
    this.vocab = vocab;
    const prefix = this.options.continuingSubwordPrefix;
    let maxLength = 0;
    for (const [token, id] of vocab) {
      maxLength = Math.max(maxLength, token.length);
      if (prefix.length > 0 && token.startsWith(prefix)) this.continuation.set(token.slice(prefix.length), id);
    }
    this.maxPieceLength = maxLength;
  }

  /** Token ids for one word. The returned array is shared and must not be modified. */
  tokenizeWord(word: string): readonly number[] {
    const cached = this.cache.get(word);
    if (cached !== undefined) return cached;
    const ids = this.compute(word);
    const capacity = this.options.cacheCapacity;
    if (capacity > 0 && word.length <= this.options.maxInputCharsPerWord) {
      if (this.cache.size >= capacity) this.cache.delete(this.cache.keys().next().value as string);
      this.cache.set(word, ids);
    }
    return ids;
  }

  private compute(word: string): readonly number[] {
    const n = word.length;
    if (n > this.options.maxInputCharsPerWord && countCodePoints(word) > this.options.maxInputCharsPerWord) {
      return this.unkOnly;
    }
    const ids: number[] = [];
    let start = 0;
    while (start < n) {
      const table = start === 0 ? this.vocab : this.continuation;
      let end = Math.min(n, start + this.maxPieceLength);
      let id: number | undefined;
      while (end > start) {
        id = table.get(word.slice(start, end));
        if (id !== undefined) break;
        end -= isLowSurrogate(word.charCodeAt(end - 1)) && end - 2 >= start && isHighSurrogate(word.charCodeAt(end - 2)) ? 2 : 1;
      }
      if (id === undefined) return this.unkOnly;
      ids.push(id);
      start = end;
    }
    return Object.freeze(ids);
  }
}

function isHighSurrogate(c: number): boolean {
  return c >= 0xd800 && c <= 0xdbff;
}

function isLowSurrogate(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}

function countCodePoints(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    if (!(isLowSurrogate(text.charCodeAt(i)) && i > 0 && isHighSurrogate(text.charCodeAt(i - 1)))) count++;
  }
  return count;
}

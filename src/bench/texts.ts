import { SeededRandom } from '../model/builder/prng';
import { BertWordPieceTokenizer } from '../model/tokenizer';

/** A benchmark input: its text and the token ids the server's tokenizer gives it. */
export interface BenchText {
  text: string;
  /** `[CLS] … [SEP]`, as the model sees them. */
  ids: number[];
}

/**
 * Builds inputs of an exact token count from whole-word vocabulary entries,
 * each of which the tokenizer maps to one token: `tokens - 2` words between
 * `[CLS]` and `[SEP]`. Deterministic for a given seed.
 */
export class TextFactory {
  private readonly tokenizer: BertWordPieceTokenizer;
  private readonly words: string[];

  constructor(vocabulary: readonly string[]) {
    this.tokenizer = new BertWordPieceTokenizer(vocabulary);
    // Plain lowercase words; the first ~2000 entries are special, unused and single characters.
    this.words = vocabulary.filter((token, id) => id >= 2000 && /^[a-z]{3,12}$/.test(token));
  }

  /** `count` different inputs of exactly `tokens` tokens. */
  texts(tokens: number, count: number, seed: number): BenchText[] {
    if (!Number.isInteger(tokens) || tokens < 3 || tokens > this.tokenizer.options.maxSequenceLength) {
      throw new RangeError(`a benchmark input needs 3 to ${this.tokenizer.options.maxSequenceLength} tokens, got ${tokens}`);
    }
    const random = SeededRandom.derive(seed, `texts.${tokens}`);
    return Array.from({ length: count }, () => {
      const words = Array.from({ length: tokens - 2 }, () => this.words[Math.floor(random.uniform() * this.words.length)]);
      return this.checked(words.join(' '), tokens);
    });
  }

  /** `count` inputs whose token counts are drawn uniformly from `[minTokens, maxTokens]`. */
  mixed(minTokens: number, maxTokens: number, count: number, seed: number): BenchText[] {
    const random = SeededRandom.derive(seed, `mixed.${minTokens}.${maxTokens}`);
    return Array.from({ length: count }, (_, i) => {
      const tokens = minTokens + Math.floor(random.uniform() * (maxTokens - minTokens + 1));
      return this.texts(tokens, 1, seed * 7919 + i)[0];
    });
  }

  private checked(text: string, tokens: number): BenchText {
    const { ids } = this.tokenizer.encode(text);
    if (ids.length !== tokens) throw new Error(`"${text.slice(0, 40)}…" tokenized to ${ids.length} tokens, not ${tokens}`);
    return { text, ids };
  }
}

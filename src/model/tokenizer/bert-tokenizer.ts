import { BertNormalizer } from './normalizer';
import { BertPostProcessor, type Encoding, type TokenizationOptions } from './post-processor';
import { preTokenize } from './pre-tokenizer';
import { WordPiece } from './wordpiece';

export { InputTooLongError, DEFAULT_TOKENIZATION_OPTIONS } from './post-processor';
export type { Encoding, TokenizationOptions } from './post-processor';

export interface SpecialTokenIds {
  cls: number;
  sep: number;
  pad: number;
  unk: number;
  mask: number;
}

const SPECIAL_TOKENS: Readonly<Record<keyof SpecialTokenIds, string>> = {
  cls: '[CLS]',
  sep: '[SEP]',
  pad: '[PAD]',
  unk: '[UNK]',
  mask: '[MASK]',
};

/**
 * The bert-base-uncased tokenizer: BertNormalizer (clean text, CJK padding, accent
 * stripping, lowercase), BertPreTokenizer, WordPiece (`##`, `[UNK]`, 100 chars per word)
 * and `[CLS] … [SEP]`. Text that spells a special token, such as "[MASK]", is tokenized
 * as ordinary text.
 */
export class BertWordPieceTokenizer {
  readonly vocabulary: readonly string[];
  readonly specialTokenIds: Readonly<SpecialTokenIds>;
  readonly options: Readonly<TokenizationOptions>;
  private readonly normalizer = new BertNormalizer();
  private readonly model: WordPiece;
  private readonly postProcessor: BertPostProcessor;

  constructor(vocabulary: readonly string[], options: Partial<TokenizationOptions> = {}) {
    this.vocabulary = vocabulary;
    const ids = new Map<string, number>();
    vocabulary.forEach((token, id) => ids.set(token, id));
    const special = {} as SpecialTokenIds;
    for (const [key, token] of Object.entries(SPECIAL_TOKENS) as [keyof SpecialTokenIds, string][]) {
      const id = ids.get(token);
      if (id === undefined) throw new Error(`vocabulary has no ${token} token`);
      special[key] = id;
    }
    this.specialTokenIds = Object.freeze(special);
    this.model = new WordPiece(ids, { unkToken: SPECIAL_TOKENS.unk });
    this.postProcessor = new BertPostProcessor(special.cls, special.sep, options);
    this.options = this.postProcessor.options;
  }

  /** `[CLS]`, the word pieces, `[SEP]`; truncated or rejected per the options. */
  encode(text: string): Encoding {
    return this.postProcessor.process(this.pieceIds(text, this.postProcessor.pieceLimit));
  }

  /** The word pieces as strings, without special tokens or truncation. */
  tokenize(text: string): string[] {
    return this.pieceIds(text, Number.POSITIVE_INFINITY).map((id) => this.vocabulary[id]);
  }

  private pieceIds(text: string, limit: number): number[] {
    const words = preTokenize(this.normalizer.normalize(text));
    const ids: number[] = [];
    for (let w = 0; w < words.length && ids.length < limit; w++) {
      const pieces = this.model.tokenizeWord(words[w]);
      for (let p = 0; p < pieces.length; p++) ids.push(pieces[p]);
    }
    return ids;
  }
}

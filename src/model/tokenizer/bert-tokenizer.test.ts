import { loadBertUncasedVocabulary } from '../vocabulary';
import { BertWordPieceTokenizer, InputTooLongError } from './index';

describe('BertWordPieceTokenizer', () => {
  const vocabulary = loadBertUncasedVocabulary();
  const tokenizer = new BertWordPieceTokenizer(vocabulary);

  it('exposes the vocabulary and the special token ids', () => {
    expect(tokenizer.vocabulary).toBe(vocabulary);
    expect(tokenizer.specialTokenIds).toEqual({ cls: 101, sep: 102, pad: 0, unk: 100, mask: 103 });
    expect(tokenizer.options).toEqual({ maxSequenceLength: 512, truncate: 'first' });
  });

  it('encodes with [CLS] first and [SEP] last', () => {
    const { ids, truncated } = tokenizer.encode('Hello, world!');
    expect(ids.map((id) => vocabulary[id])).toEqual(['[CLS]', 'hello', ',', 'world', '!', '[SEP]']);
    expect(truncated).toBe(false);
    expect(tokenizer.encode('')).toEqual({ ids: [101, 102], truncated: false });
    expect(tokenizer.encode(' \t\n\u200b ')).toEqual({ ids: [101, 102], truncated: false });
  });

  it('tokenizes to word pieces without special tokens', () => {
    expect(tokenizer.tokenize('The Café served Tokenization!')).toEqual(['the', 'cafe', 'served', 'token', '##ization', '!']);
    expect(tokenizer.tokenize('中文 😀')).toEqual(['中', '文', '[UNK]']);
    expect(tokenizer.tokenize('a'.repeat(120))).toEqual(['[UNK]']);
  });

  it('treats text spelling a special token as ordinary text', () => {
    expect(tokenizer.tokenize('[MASK] [CLS]')).toEqual(['[', 'mask', ']', '[', 'cl', '##s', ']']);
  });

  describe('truncation', () => {
    const words = (n: number) => Array.from({ length: n }, () => 'hello').join(' ');

    it('does not truncate an input that exactly fits', () => {
      const { ids, truncated } = tokenizer.encode(words(510));
      expect(ids).toHaveLength(512);
      expect(truncated).toBe(false);
    });

    it('truncates an input one piece over', () => {
      const { ids, truncated } = tokenizer.encode(words(511));
      expect(ids).toHaveLength(512);
      expect(ids[511]).toBe(102);
      expect(truncated).toBe(true);
    });

    it('keeps the first 510 pieces of a 700-word input', () => {
      const text = Array.from({ length: 700 }, (_, i) => `word${i}`).join(' ');
      const { ids, truncated } = tokenizer.encode(text);
      expect(truncated).toBe(true);
      expect(ids).toHaveLength(512);
      expect(ids[0]).toBe(101);
      expect(ids[511]).toBe(102);
      expect(ids.slice(1, 511).map((id) => vocabulary[id])).toEqual(tokenizer.tokenize(text).slice(0, 510));
    });

    it('counts word pieces, not words', () => {
      const short = new BertWordPieceTokenizer(vocabulary, { maxSequenceLength: 5 });
      const fits = short.encode('tokenization rocks');
      expect(fits.ids.map((id) => vocabulary[id])).toEqual(['[CLS]', 'token', '##ization', 'rocks', '[SEP]']);
      expect(fits.truncated).toBe(false);
      const { ids, truncated } = short.encode('tokenization tokenization');
      expect(ids.map((id) => vocabulary[id])).toEqual(['[CLS]', 'token', '##ization', 'token', '[SEP]']);
      expect(truncated).toBe(true);
    });

    it("throws InputTooLongError when truncate is 'none'", () => {
      const strict = new BertWordPieceTokenizer(vocabulary, { maxSequenceLength: 10, truncate: 'none' });
      expect(strict.encode(words(8))).toEqual({ ids: [101, ...Array(8).fill(vocabulary.indexOf('hello')), 102], truncated: false });
      expect(() => strict.encode(words(9))).toThrow(InputTooLongError);
      expect(() => strict.encode(words(700))).toThrow(/length \[702\] exceeds the maximum sequence length \[10\]/);
    });
  });

  it('rejects a vocabulary without the special tokens', () => {
    expect(() => new BertWordPieceTokenizer(['[UNK]', 'a'])).toThrow(/no \[CLS\] token/);
  });
});

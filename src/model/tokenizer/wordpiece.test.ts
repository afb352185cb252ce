import { loadBertUncasedVocabulary } from '../vocabulary';
import { WordPiece } from './wordpiece';

function vocabOf(tokens: readonly string[]): Map<string, number> {
  return new Map(tokens.map((token, id) => [token, id]));
}

describe('WordPiece', () => {
  const tokens = ['[UNK]', 'un', '##aff', '##able', 'a', 'ab', '##c', '##bc', '##b', '😀', '##😀', 'x', '##x', '##y'];
  const vocab = vocabOf(tokens);
  const model = new WordPiece(vocab);
  const pieces = (word: string, m: WordPiece = model) => m.tokenizeWord(word).map((id) => tokens[id]);

  it('splits a word into the prefix-marked pieces', () => {
    expect(pieces('unaffable')).toEqual(['un', '##aff', '##able']);
  });

  it('takes the longest match first, greedily', () => {
    expect(pieces('abc')).toEqual(['ab', '##c']);
    expect(pieces('abbc')).toEqual(['ab', '##bc']);
  });

  it('turns the whole word into [UNK] when any position fails', () => {
    expect(pieces('abz')).toEqual(['[UNK]']);
    expect(pieces('zab')).toEqual(['[UNK]']);
    // "aff" exists only as a continuation piece.
    expect(pieces('aff')).toEqual(['[UNK]']);
  });

  it('works on code points, not UTF-16 units', () => {
    expect(pieces('😀😀')).toEqual(['😀', '##😀']);
    expect(pieces('a😀')).toEqual(['a', '##😀']);
    expect(pieces('😀a')).toEqual(['[UNK]']);
  });

  it('maps words over 100 code points to [UNK], counting astral characters once', () => {
    expect(pieces('x'.repeat(100))).toEqual(['x', ...Array(99).fill('##x')]);
    expect(pieces('x'.repeat(101))).toEqual(['[UNK]']);
    expect(pieces('😀'.repeat(100))).toEqual(['😀', ...Array(99).fill('##😀')]);
    expect(pieces('😀'.repeat(101))).toEqual(['[UNK]']);
    expect(pieces('x'.repeat(99) + 'y')).toEqual(['x', ...Array(98).fill('##x'), '##y']);
  });

  it('honours the options', () => {
    const small = new WordPiece(vocab, { maxInputCharsPerWord: 3 });
    expect(pieces('xxx', small)).toEqual(['x', '##x', '##x']);
    expect(pieces('xxxx', small)).toEqual(['[UNK]']);
    expect(() => new WordPiece(vocabOf(['a']))).toThrow(/unknown token/);
  });

  it('returns the same results from its cache, also after evictions', () => {
    const cached = new WordPiece(vocab, { cacheCapacity: 2 });
    const words = ['unaffable', 'abc', 'abbc', 'abz', 'unaffable', '😀😀', 'abc', 'abc'];
    for (const word of words) expect(pieces(word, cached)).toEqual(pieces(word, new WordPiece(vocab, { cacheCapacity: 0 })));
    expect(cached.tokenizeWord('abc')).toBe(cached.tokenizeWord('abc'));
    expect(Object.isFrozen(cached.tokenizeWord('abc'))).toBe(true);
  });

  it('splits real bert-base-uncased words', () => {
    const vocabulary = loadBertUncasedVocabulary();
    const bert = new WordPiece(vocabOf(vocabulary));
    const bertPieces = (word: string) => bert.tokenizeWord(word).map((id) => vocabulary[id]);
    expect(bertPieces('tokenization')).toEqual(['token', '##ization']);
    expect(bertPieces('unaffable')).toEqual(['una', '##ffa', '##ble']);
    expect(bertPieces('the')).toEqual(['the']);
    expect(bertPieces('😀')).toEqual(['[UNK]']);
  });
});

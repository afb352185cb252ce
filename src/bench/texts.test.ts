import { loadBertUncasedVocabulary } from '../model/vocabulary';
import { TextFactory } from './texts';

describe('benchmark inputs', () => {
  const factory = new TextFactory(loadBertUncasedVocabulary());

  test('have exactly the asked number of tokens, special tokens included, and differ from each other', () => {
    for (const tokens of [3, 10, 16, 128, 512]) {
      const texts = factory.texts(tokens, 4, 1);
      expect(texts.map((text) => text.ids.length)).toEqual([tokens, tokens, tokens, tokens]);
      expect(new Set(texts.map((text) => text.text)).size).toBe(4);
      expect(texts[0].ids[0]).toBe(101);
      expect(texts[0].ids[tokens - 1]).toBe(102);
    }
    expect(() => factory.texts(513, 1, 1)).toThrow(RangeError);
  });

  test('are the same for the same seed', () => {
    expect(factory.texts(20, 3, 5)).toEqual(factory.texts(20, 3, 5));
    expect(factory.texts(20, 3, 5)).not.toEqual(factory.texts(20, 3, 6));
  });

  test('mixed lengths stay within their bounds', () => {
    const lengths = factory.mixed(6, 16, 200, 2).map((text) => text.ids.length);
    expect(Math.min(...lengths)).toBe(6);
    expect(Math.max(...lengths)).toBe(16);
  });
});

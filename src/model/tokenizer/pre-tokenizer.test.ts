import { preTokenize } from './pre-tokenizer';

describe('preTokenize', () => {
  it('splits on whitespace and isolates each punctuation character', () => {
    expect(preTokenize('Hey friend!     How are you?!?')).toEqual(['Hey', 'friend', '!', 'How', 'are', 'you', '?', '!', '?']);
  });

  it('returns nothing for empty or whitespace-only text', () => {
    expect(preTokenize('')).toEqual([]);
    expect(preTokenize('  \t\n\r\u3000\u00a0 ')).toEqual([]);
  });

  it('treats all ASCII punctuation as punctuation, including symbols like $ + < = > ^ ` |', () => {
    expect(preTokenize('a$b+c<d=e>f^g`h|i~j')).toEqual([
      'a',
      '$',
      'b',
      '+',
      'c',
      '<',
      'd',
      '=',
      'e',
      '>',
      'f',
      '^',
      'g',
      '`',
      'h',
      '|',
      'i',
      '~',
      'j',
    ]);
    expect(preTokenize("don't")).toEqual(['don', "'", 't']);
    expect(preTokenize('$5.00')).toEqual(['$', '5', '.', '00']);
    expect(preTokenize('john.doe@example.com')).toEqual(['john', '.', 'doe', '@', 'example', '.', 'com']);
  });

  it('splits on Unicode punctuation (category P) but not on non-ASCII symbols', () => {
    expect(preTokenize('¿qué?')).toEqual(['¿', 'qué', '?']);
    expect(preTokenize('«a»—b…c“d”')).toEqual(['«', 'a', '»', '—', 'b', '…', 'c', '“', 'd', '”']);
    expect(preTokenize('中文。日本、')).toEqual(['中文', '。', '日本', '、']);
    expect(preTokenize('a€b ©c ±d')).toEqual(['a€b', '©c', '±d']);
  });

  it('handles punctuation outside the BMP', () => {
    expect(preTokenize('a\u{10100}b')).toEqual(['a', '\u{10100}', 'b']);
    expect(preTokenize('😀😀 x')).toEqual(['😀😀', 'x']);
  });

  it('splits on every Unicode whitespace character', () => {
    expect(preTokenize('a\u2028b\u2029c\u202fd\u1680e\u0085f')).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
  });

  it('does not split on U+001C..U+001F, which are not White_Space in Rust', () => {
    expect(preTokenize('a\u001cb')).toEqual(['a\u001cb']);
  });
});

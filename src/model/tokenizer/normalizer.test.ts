import { BertNormalizer, cleanText, lowercase, padChineseChars, stripAccents } from './normalizer';

describe('cleanText', () => {
  it('returns the same string when nothing changes', () => {
    const text = 'plain ASCII text, nothing to clean!';
    expect(cleanText(text)).toBe(text);
  });

  it('drops NUL, U+FFFD and control, format and private-use characters', () => {
    expect(cleanText('a\u0000b\u0007c\u001bd\u007fe')).toBe('abcde');
    expect(cleanText('x\ufffdy')).toBe('xy');
    expect(cleanText('zero\u200bwidth\u200cnon\u200djoiner\u2060\ufeff\u00ad')).toBe('zerowidthnonjoiner');
    expect(cleanText('\u202a\u202e\u200e\u200frtl')).toBe('rtl');
    expect(cleanText('p\ue000\uf8ffu\u{f0000}\u{10fffd}a')).toBe('pua');
    expect(cleanText('tag\u{e0067}\u{e007f}s')).toBe('tags');
  });

  it('drops lone surrogates, as the Rust tokenizer only sees them as U+FFFD', () => {
    expect(cleanText('a\ud800b\udc00c')).toBe('abc');
    expect(cleanText('\ud83d')).toBe('');
    expect(cleanText('😀')).toBe('😀');
  });

  it('maps \\t \\n \\r and Unicode whitespace to a space', () => {
    expect(cleanText('a\tb\nc\rd')).toBe('a b c d');
    expect(cleanText('a\u00a0b\u1680c\u2000d\u200ae\u2028f\u2029g\u202fh\u205fi\u3000j')).toBe('a b c d e f g h i j');
  });

  it('removes controls that are also whitespace (VT, FF, NEL) instead of mapping them', () => {
    expect(cleanText('a\u000bb\u000cc\u0085d')).toBe('abcd');
  });

  it('keeps information separators U+001C..U+001F out: they are controls, not whitespace', () => {
    expect(cleanText('a\u001cb\u001fc')).toBe('abc');
  });

  it('keeps letters, marks, symbols and unassigned code points', () => {
    expect(cleanText('é e\u0301 © € 😀 \u{50000}')).toBe('é e\u0301 © € 😀 \u{50000}');
  });
});

describe('padChineseChars', () => {
  it('surrounds CJK ideographs with spaces', () => {
    expect(padChineseChars('中文')).toBe(' 中  文 ');
    expect(padChineseChars('a中b')).toBe('a 中 b');
    expect(padChineseChars('豈')).toBe(' 豈 ');
  });

  it('pads ideographs outside the BMP as single characters', () => {
    expect(padChineseChars('𠀀𠀁')).toBe(' 𠀀  𠀁 ');
    expect(padChineseChars('\u{2f800}')).toBe(' \u{2f800} ');
  });

  it('uses the Rust ranges: U+2B820..U+2B91F are not padded, U+2B920 is', () => {
    expect(padChineseChars('\u{2b81f}')).toBe(' \u{2b81f} ');
    expect(padChineseChars('\u{2b820}\u{2b91f}')).toBe('\u{2b820}\u{2b91f}');
    expect(padChineseChars('\u{2b920}')).toBe(' \u{2b920} ');
    expect(padChineseChars('\u{2ceb0}')).toBe('\u{2ceb0}');
  });

  it('leaves kana, Hangul and CJK punctuation alone', () => {
    const text = 'ひらがな カタカナ 한국어 。、「」';
    expect(padChineseChars(text)).toBe(text);
  });
});

describe('stripAccents', () => {
  it('decomposes and removes nonspacing marks', () => {
    expect(stripAccents('café naïve Ångström')).toBe('cafe naive Angstrom');
    expect(stripAccents('cafe\u0301')).toBe('cafe');
    expect(stripAccents('Tiếng Việt')).toBe('Tieng Viet');
    expect(stripAccents('ǖ ḁ̵̄')).toBe('u a');
  });

  it('returns ASCII text untouched', () => {
    const text = 'nothing here';
    expect(stripAccents(text)).toBe(text);
  });

  it('keeps spacing marks and decomposes Hangul syllables into jamo', () => {
    expect(stripAccents('नमस्ते')).toBe('नमसत');
    expect(stripAccents('한')).toBe('\u1112\u1161\u11ab');
  });

  it('does not apply compatibility decompositions', () => {
    expect(stripAccents('ﬁ ＡＢＣ ①')).toBe('ﬁ ＡＢＣ ①');
  });
});

describe('lowercase', () => {
  it('lowercases every script', () => {
    expect(lowercase('HeLLo WORLD')).toBe('hello world');
    expect(lowercase('ПРИВЕТ Ελλάδα ＡＢＣ Ⅻ Ⓐ')).toBe('привет ελλάδα ａｂｃ ⅻ ⓐ');
  });

  it('maps capital sigma to σ everywhere, like Rust char::to_lowercase (never ς)', () => {
    expect(lowercase('ΟΔΟΣ')).toBe('οδοσ');
    expect(lowercase('ΣΊΣΥΦΟΣ Σ ΣΣ')).toBe('σίσυφοσ σ σσ');
    expect(lowercase('ς')).toBe('ς');
  });
});

describe('BertNormalizer (bert-base-uncased settings)', () => {
  const normalizer = new BertNormalizer();

  it('runs all steps', () => {
    expect(normalizer.normalize('Héllo\tWÖRLD\u0000中文\u200b!')).toBe('hello world 中  文 !');
    expect(normalizer.normalize('İstanbul')).toBe('istanbul');
    expect(normalizer.normalize('ΟΔΟΣ')).toBe('οδοσ');
    expect(normalizer.normalize('')).toBe('');
  });

  it('can switch steps off', () => {
    expect(new BertNormalizer({ lowercase: false }).normalize('Café')).toBe('Cafe');
    expect(new BertNormalizer({ stripAccents: false }).normalize('Café')).toBe('café');
    expect(new BertNormalizer({ handleChineseChars: false }).normalize('中文')).toBe('中文');
    expect(new BertNormalizer({ cleanText: false }).normalize('a\u0000b')).toBe('a\u0000b');
  });
});

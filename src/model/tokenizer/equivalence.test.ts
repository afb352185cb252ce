import { Tokenizer } from '@huggingface/tokenizers';
import { loadBertUncasedVocabulary } from '../vocabulary';
import { BertWordPieceTokenizer } from './bert-tokenizer';
import { isChineseChar } from './char-classes';

/**
 * Compares BertWordPieceTokenizer with @huggingface/tokenizers (the JS port) configured
 * as bert-base-uncased. The reference is the Rust `tokenizers` crate; the JS port departs
 * from it in two places, and `asTheRustTokenizerSeesIt` rewrites the input so that the
 * port produces the Rust result there:
 *
 * 1. Lowercasing. Rust lowercases char by char (`char::to_lowercase`), so Σ is always σ.
 *    The port calls String.prototype.toLowerCase on the whole text, which applies the
 *    Final_Sigma rule and gives ς at the end of a word ("ΟΔΟΣ" → "οδος", a different id).
 * 2. CJK padding outside the BMP. The port tests UTF-16 code units against the CJK ranges,
 *    so supplementary ideographs (U+20000 and up) are never padded with spaces and a run of
 *    them stays one word; Rust pads each of them.
 */
function asTheRustTokenizerSeesIt(text: string): string {
  let out = '';
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (ch === '\u03a3') out += '\u03c3';
    else if (cp > 0xffff && isChineseChar(cp)) out += ` ${ch} `;
    else out += ch;
  }
  return out;
}

function bertBaseUncasedTokenizerJson(vocabulary: readonly string[]): object {
  const vocab: Record<string, number> = {};
  vocabulary.forEach((token, id) => {
    vocab[token] = id;
  });
  const cls = vocabulary.indexOf('[CLS]');
  const sep = vocabulary.indexOf('[SEP]');
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [],
    normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: true },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [
        { SpecialToken: { id: '[CLS]', type_id: 0 } },
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: { id: '[SEP]', type_id: 0 } },
      ],
      pair: [
        { SpecialToken: { id: '[CLS]', type_id: 0 } },
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: { id: '[SEP]', type_id: 0 } },
        { Sequence: { id: 'B', type_id: 1 } },
        { SpecialToken: { id: '[SEP]', type_id: 1 } },
      ],
      special_tokens: {
        '[CLS]': { id: '[CLS]', ids: [cls], tokens: ['[CLS]'] },
        '[SEP]': { id: '[SEP]', ids: [sep], tokens: ['[SEP]'] },
      },
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: {
      type: 'WordPiece',
      unk_token: '[UNK]',
      continuing_subword_prefix: '##',
      max_input_chars_per_word: 100,
      vocab,
    },
  };
}

const TOKENIZER_CONFIG = {
  do_lower_case: true,
  tokenize_chinese_chars: true,
  strip_accents: null,
  model_max_length: 512,
  clean_up_tokenization_spaces: true,
  tokenizer_class: 'BertTokenizer',
};

/** mulberry32: small, fast, deterministic. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const HANDWRITTEN: readonly string[] = [
  '',
  ' ',
  '   \t\n\r  ',
  '\u3000\u00a0\u2028\u2029\u202f\u205f\u1680\u2000\u200a',
  'Hello, world!',
  'The quick brown fox jumps over the lazy dog.',
  'café naïve Ångström résumé coöperate façade jalapeño Zürich São Paulo',
  'CAFÉ NAÏVE ÅNGSTRÖM',
  'cafe\u0301 nai\u0308ve A\u030angstro\u0308m',
  'Z̷̢̛a̶͎͊l̸̰̈g̵̱̾o̴̟͝ text',
  'Tiếng Việt có dấu: Hà Nội, Đà Nẵng, thành phố Hồ Chí Minh',
  'İstanbul ıi İI ß ẞ ǅ ǈ ǋ ﬁ ﬂ ﬀ',
  'ΟΔΟΣ ΣΊΣΥΦΟΣ Σ ΣΣ σς ὈΔΥΣΣΕΎΣ',
  'Ελληνικά: Καλημέρα κόσμε',
  'Русский текст: Привет, мир! ЁЖИК',
  'Ω Ω K K Å Å',
  'Ⅻ ⅻ Ⓐ ⓐ ＡＢＣ ａｂｃ １２３ 𝐀𝐁𝐂 𝒜',
  '中文分词测试',
  '日本語のテキスト、カタカナ、ひらがな。',
  '한국어 텍스트입니다 안녕하세요',
  '中文 English 日本語 한국어 mixed العربية עברית हिन्दी ไทย',
  'مرحبًا بالعالم، هذا نص عربي مع تشكيل: كَتَبَ',
  'שָׁלוֹם עוֹלָם',
  'नमस्ते दुनिया क्षत्रिय',
  'สวัสดีชาวโลก',
  '𠀀𠀁𠀂 𪜀 𫝀 𫠠 𫤀 𬺰 丽 丽 豈',
  '\u{2b81f}\u{2b820}\u{2b91f}\u{2b920}\u{2ceaf}\u{2ceb0}',
  '漢字𠀀abc𠀁def',
  'emoji 😀😃😄 👍🏽 ❤️ 🇫🇷🇯🇵 #️⃣ 1️⃣',
  '👨‍👩‍👧‍👦 family, 🏳️‍🌈 flag, 👩🏽‍💻 coder',
  '🏴\u{e0067}\u{e0062}\u{e0065}\u{e006e}\u{e0067}\u{e007f} England',
  'control\u0000chars\u0007here\u001b[0m and \u007f del \u0085 nel \u000b vt \u000c ff \u001c fs',
  'zero\u200bwidth\u200cjoiner\u200dmark\u2060wj\ufeffbom',
  'replacement \ufffd char \ufffdx\ufffd',
  'tab\tnewline\ncarriage\rreturn\r\n',
  'private \ue000\uf8ff use \u{f0000} \u{10fffd}',
  'lone \ud800 surrogate \udc00 here \ud83dx',
  'soft\u00adhyphen and bidi \u202a\u202b\u202c\u200e\u200f',
  'variation selectors: 葛\u{e0100} ︎ a\ufe0fb',
  'https://www.example.com/path/to/page?query=1&other=two#fragment',
  'http://user:pass@host.example.org:8080/a_b-c.d~e',
  'mailto:john.doe+tag@example.co.uk, jane_doe@sub.domain.io',
  'ftp://files.example.net/pub/file-v1.2.3.tar.gz',
  '3.14159 2,718 1e-10 -42 +7 0x1F 1,000,000 $5.99 €12,50 £3 ¥500 50% 12:30pm',
  '2024-01-15T10:30:00Z 192.168.0.1 +1 (555) 123-4567',
  '!!!??? ... --- *** ### $$$ %%% ^^^ &&& ((( ))) [[[ ]]] {{{ }}} <<< >>> ||| ~~~ ``` \'\'\' """',
  '¿Qué? ¡Hola! «guillemets» „Anführungszeichen“ ‘single’ “double” … — – ‐ · • ※ ¶ §',
  '@user #hashtag $TICKER &amp; <html><body>text</body></html>',
  "don't won't it's o'clock rock'n'roll",
  'C++ C# F# .NET node.js Node-JS e.g. i.e. U.S.A.',
  'a'.repeat(120),
  'a'.repeat(100),
  'a'.repeat(101),
  'é'.repeat(60),
  '😀'.repeat(101),
  'x'.repeat(99) + '😀',
  'supercalifragilisticexpialidocious antidisestablishmentarianism pneumonoultramicroscopicsilicovolcanoconiosis',
  'unaffable tokenization preprocessing transformers huggingface elasticsearch',
  '[CLS] [SEP] [MASK] [PAD] [UNK] [unused0]',
  '##ing ## # ##',
  'ALL CAPS SENTENCE WITH NUMBERS 123 AND SYMBOLS !@#',
  'MiXeD cAsE wOrDs',
  '\u0301\u0302\u0303 leading marks',
  '\u0e33 \u0e4d Thai sara am',
  'ḁ̵̄ ǖ ǘ ǚ ǜ ṩ ẛ ẜ ẝ',
  'ſ ꝺ ꞏ ꟷ ꬰ',
  'ÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÐÑÒÓÔÕÖØÙÚÛÜÝÞß',
  'àáâãäåæçèéêëìíîïðñòóôõöøùúûüýþÿ',
  '\u1100\u1161\u11a8 jamo ᄀ ᅡ ᆨ',
  'math ∑∏∫√∞≠≤≥±×÷ ∀∃∈∉ ⊂⊃ ⇒⇔ →←↑↓',
  'box ─│┌┐└┘├┤┬┴┼ blocks ░▒▓█',
  'currency ₹ ₽ ₩ ₪ ₫ ₭ ₮ ₱ ₲ ₳ ₴ ₵ ₸ ₺ ₼ ₾ ₿',
  'aegean 𐄀𐄁 word 𐄂 separators',
  'new line\u2028separated\u2029paragraphs',
  '\n\n\nleading and trailing newlines\n\n\n',
  'word\u00a0nbsp\u2007figure\u2009thin\u200ahair',
  'Mr. Smith’s “quoted” text — with dashes – and… ellipsis',
  'e\u0301\u0327 ȩ́ combining order',
  'Ⅰ Ⅱ Ⅲ ⅰ ⅱ ⅲ ① ② ③ ⑴ ⒜',
  'ｈｅｌｌｏ　ｗｏｒｌｄ！ full-width',
  'ｶﾀｶﾅ half-width katakana',
  'The café’s crème brûlée costs €9.50 — très bon!',
];

function randomDocument(next: () => number, words: readonly string[], continuations: readonly string[]): string {
  const count = 20 + Math.floor(next() * 300);
  const parts: string[] = [];
  const accents: Record<string, string> = { a: 'á', e: 'é', i: 'ï', o: 'ô', u: 'ü', c: 'ç', n: 'ñ' };
  const separators = [' ', ' ', ' ', ' ', ' ', ' ', '  ', '\n', '\t', ', ', '. ', '; ', ' - ', '! ', '? ', ': ', '/'];
  for (let i = 0; i < count; i++) {
    let word = words[Math.floor(next() * words.length)];
    const r = next();
    if (r < 0.1) word += continuations[Math.floor(next() * continuations.length)];
    if (r > 0.9) word = word.charAt(0).toUpperCase() + word.slice(1);
    else if (r > 0.87) word = word.toUpperCase();
    if (next() < 0.03) word = word.replace(/[aeioucn]/, (m) => accents[m]);
    if (next() < 0.02) word = String(Math.floor(next() * 100000));
    if (next() < 0.01) word = '中国人'.charAt(Math.floor(next() * 3)) + word;
    if (next() < 0.005) word = '😀';
    parts.push(word, separators[Math.floor(next() * separators.length)]);
  }
  return parts.join('');
}

function charSoup(next: () => number): string {
  const pools: readonly (readonly [number, number])[] = [
    [0x20, 0x7e],
    [0x00, 0x1f],
    [0x80, 0x24f],
    [0x300, 0x36f],
    [0x370, 0x3ff],
    [0x400, 0x4ff],
    [0x590, 0x6ff],
    [0x900, 0x97f],
    [0xe00, 0xe7f],
    [0x1100, 0x11ff],
    [0x1e00, 0x1fff],
    [0x2000, 0x206f],
    [0x2070, 0x2bff],
    [0x2e00, 0x2e7f],
    [0x3000, 0x30ff],
    [0x3400, 0x4dbf],
    [0x4e00, 0x9fff],
    [0xac00, 0xd7a3],
    [0xe000, 0xf8ff],
    [0xf900, 0xfaff],
    [0xfb00, 0xfdff],
    [0xfe00, 0xfe6f],
    [0xff00, 0xffef],
    [0xfff0, 0xffff],
    [0x10000, 0x1ffff],
    [0x1f300, 0x1faff],
    [0x20000, 0x2fa1f],
    [0xe0000, 0xe01ef],
  ];
  const length = Math.floor(next() * 60);
  let s = '';
  for (let i = 0; i < length; i++) {
    const [lo, hi] = pools[Math.floor(next() * pools.length)];
    let cp = lo + Math.floor(next() * (hi - lo + 1));
    if (cp >= 0xd800 && cp <= 0xdfff) cp = 0x20;
    s += String.fromCodePoint(cp);
    if (next() < 0.15) s += ' ';
  }
  return s;
}

describe('BertWordPieceTokenizer vs @huggingface/tokenizers (bert-base-uncased)', () => {
  const vocabulary = loadBertUncasedVocabulary();
  const reference = new Tokenizer(bertBaseUncasedTokenizerJson(vocabulary), TOKENIZER_CONFIG);
  const ours = new BertWordPieceTokenizer(vocabulary, { maxSequenceLength: 1_000_000, truncate: 'none' });
  const referenceIds = (text: string): number[] => reference.encode(asTheRustTokenizerSeesIt(text)).ids;

  const next = prng(0x5eed1234);
  const words = vocabulary.filter((t) => !t.startsWith('[') && !t.startsWith('##'));
  const continuations = vocabulary.filter((t) => t.startsWith('##')).map((t) => t.slice(2));
  const corpus: string[] = [...HANDWRITTEN];
  for (let i = 0; i < 120; i++) corpus.push(charSoup(next));
  for (let i = 0; i < 200; i++) corpus.push(randomDocument(next, words, continuations));

  it('produces identical ids on every string of the corpus', () => {
    const mismatches: { text: string; ours: number[]; reference: number[] }[] = [];
    for (const text of corpus) {
      const expected = referenceIds(text);
      const actual = ours.encode(text).ids;
      if (JSON.stringify(actual) !== JSON.stringify(expected)) mismatches.push({ text, ours: actual, reference: expected });
    }
    expect(corpus.length).toBeGreaterThanOrEqual(400);
    expect(mismatches).toEqual([]);
  });

  it('differs from the unadjusted JS port only on texts with Σ or supplementary CJK ideographs', () => {
    const differing = corpus.filter((text) => JSON.stringify(reference.encode(text).ids) !== JSON.stringify(ours.encode(text).ids));
    for (const text of differing) expect(asTheRustTokenizerSeesIt(text)).not.toBe(text);
    expect(differing.length).toBeGreaterThan(0);
  });

  it('follows Rust, not the JS port, on final sigma and supplementary CJK ideographs', () => {
    // Rust lowercases to "οδοσ"; the JS port to "οδος", which WordPiece splits differently.
    expect(ours.tokenize('ΟΔΟΣ')).toEqual(['ο', '##δ', '##ο', '##σ']);
    expect(reference.encode('ΟΔΟΣ').tokens).toEqual(['[CLS]', 'ο', '##δ', '##ος', '[SEP]']);
    // Rust pads each ideograph of CJK Extension B; the JS port keeps the run as one word.
    expect(ours.tokenize('𠀀𠀁')).toEqual(['[UNK]', '[UNK]']);
    expect(reference.encode('𠀀𠀁').tokens).toEqual(['[CLS]', '[UNK]', '[SEP]']);
  });

  it('agrees on every code point, alone and inside a word', () => {
    const planes: [number, number][] = [
      [0x0000, 0x323ff],
      [0xe0000, 0xeffff],
      [0xf0000, 0xf00ff],
      [0x10ff00, 0x10ffff],
    ];
    let compared = 0;
    const mismatches: string[] = [];
    for (const [lo, hi] of planes) {
      for (let block = lo; block <= hi; block += 256) {
        if (block >= 0xd800 && block <= 0xdfff) continue;
        const chars: string[] = [];
        for (let cp = block; cp < block + 256 && cp <= hi; cp++) chars.push(String.fromCodePoint(cp));
        for (const text of [chars.join(' '), chars.map((c) => `a${c}b`).join(' ')]) {
          compared++;
          if (JSON.stringify(ours.encode(text).ids) !== JSON.stringify(referenceIds(text))) {
            mismatches.push(`block U+${block.toString(16)}`);
          }
        }
      }
    }
    expect(compared).toBeGreaterThan(2000);
    expect(mismatches).toEqual([]);
  }, 120_000);

  it('truncates exactly like the reference output cut to 512', () => {
    const truncating = new BertWordPieceTokenizer(vocabulary);
    for (const text of corpus) {
      const full = referenceIds(text);
      const { ids, truncated } = truncating.encode(text);
      expect(truncated).toBe(full.length > 512);
      expect(ids).toEqual(full.length > 512 ? [...full.slice(0, 511), 102] : full);
    }
  });
});

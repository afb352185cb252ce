/**
 * Lexical facts about a BERT WordPiece vocabulary that shape the built-in
 * model's weights: which ids are special, how informative each token is, and
 * which tokens share a stem.
 */

export const WORDPIECE_CONTINUATION = '##';

const NAMED_SPECIAL_TOKENS = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'];
const UNUSED_TOKEN = /^\[unused\d+\]$/;

/** True for [PAD], [UNK], [CLS], [SEP], [MASK] and the [unusedN] placeholders. */
export function isSpecialToken(token: string): boolean {
  return NAMED_SPECIAL_TOKENS.includes(token) || UNUSED_TOKEN.test(token);
}

/** 1 for tokens the model may emit, 0 for special tokens. */
export function emittableTokenMask(vocabulary: readonly string[]): Float32Array {
  return Float32Array.from(vocabulary, (token) => (isSpecialToken(token) ? 0 : 1));
}

/**
 * bert-base-uncased lists single characters first, then whole words and
 * `##` pieces roughly by descending corpus frequency, then the `##` forms of
 * single characters. The first multi-character entry after the special
 * tokens marks where the frequency-ordered part starts.
 */
export function frequencyOrderedStart(vocabulary: readonly string[]): number {
  for (let id = 0; id < vocabulary.length; id++) {
    const token = vocabulary[id];
    if (!isSpecialToken(token) && [...token].length > 1 && !token.startsWith(WORDPIECE_CONTINUATION)) return id;
  }
  return vocabulary.length;
}

const PUNCTUATION_OR_SYMBOL = /^[\p{P}\p{S}]$/u;

/**
 * The weight (in log(1 + x) units) a token should get when it occurs in the
 * input: low for punctuation, single characters and the most frequent words,
 * rising smoothly with frequency rank to about 2.5 for rare content words.
 */
export function selfWeightTarget(vocabulary: readonly string[], id: number, frequentStart: number): number {
  const token = vocabulary[id];
  if (isSpecialToken(token)) return 0;
  const surface = token.startsWith(WORDPIECE_CONTINUATION) ? token.slice(WORDPIECE_CONTINUATION.length) : token;
  if ([...surface].length === 1) return PUNCTUATION_OR_SYMBOL.test(surface) ? 0.15 : 0.3;
  const rank = Math.max(1, id - frequentStart + 1);
  const informativeness = 1 / (1 + Math.exp(-1.5 * (Math.log(rank) - Math.log(150))));
  return 0.2 + 2.3 * informativeness;
}

const ALPHABETIC = /^[a-z]+$/;
const DOUBLED_FINAL_CONSONANT = /([bdfgklmnprtz])\1$/;

/** Whether a string is a whole word of the vocabulary (used to restore a dropped final `e`). */
export type WordLookup = (candidate: string) => boolean;

/**
 * Re-attaches what a suffix removal took away: `runn` -> `run`,
 * `tun` -> `tune` when `tune` is a word, otherwise the remainder as is.
 */
function repairRemainder(remainder: string, isWord: WordLookup): string {
  if (remainder.length > 3 && DOUBLED_FINAL_CONSONANT.test(remainder)) return remainder.slice(0, -1);
  if (isWord(`${remainder}e`)) return `${remainder}e`;
  return remainder;
}

/** colour -> color, centre -> center, when the American form is itself a word. */
function americanSpelling(word: string, isWord: WordLookup): string {
  const candidate =
    word.length > 4 && word.endsWith('our')
      ? `${word.slice(0, -3)}or`
      : /[^aeiou]re$/.test(word) && word.length > 4
        ? `${word.slice(0, -2)}er`
        : word;
  return candidate !== word && isWord(candidate) ? candidate : word;
}

/**
 * A light inflectional stemmer (plural, past tense, gerund) for lowercase
 * ASCII words: colors/colored/coloring -> color, tuned/tuning/tunes -> tune,
 * skies -> sky, running -> run. Returns undefined for words it does not handle.
 */
export function inflectionalStem(word: string, isWord: WordLookup): string | undefined {
  if (word.length < 3 || !ALPHABETIC.test(word)) return undefined;
  const american = americanSpelling(word, isWord);
  if (american !== word) return inflectionalStem(american, isWord);
  if (word.length > 4 && (word.endsWith('ies') || word.endsWith('ied'))) return `${word.slice(0, -3)}y`;
  if (word.endsWith('sses')) return word.slice(0, -2);
  if (word.length > 4 && /(x|z|ch|sh)es$/.test(word)) return word.slice(0, -2);
  if (word.length > 3 && word.endsWith('s') && !/(ss|us|is)$/.test(word)) return word.slice(0, -1);
  if (word.length >= 5 && word.endsWith('ed')) return repairRemainder(word.slice(0, -2), isWord);
  if (word.length >= 6 && word.endsWith('ing')) return repairRemainder(word.slice(0, -3), isWord);
  return word;
}

const DERIVATIONAL_SUFFIXES = [
  'ization',
  'isation',
  'ation',
  'ition',
  'ness',
  'ment',
  'able',
  'ible',
  'less',
  'ful',
  'ity',
  'ous',
  'ive',
  'ize',
  'ise',
  'ist',
  'ism',
  'ion',
  'ial',
  'al',
  'ic',
  'ly',
  'er',
  'or',
];

/**
 * One derivational suffix removed from the inflectional stem when at least
 * four letters remain: colorful/coloration -> color, television/televised -> televis,
 * computer/computation -> compute, runner -> run.
 */
export function derivationalRoot(word: string, isWord: WordLookup): string | undefined {
  const stem = inflectionalStem(word, isWord);
  if (stem === undefined) return undefined;
  for (const suffix of DERIVATIONAL_SUFFIXES) {
    if (stem.endsWith(suffix) && stem.length - suffix.length >= 4) return repairRemainder(stem.slice(0, -suffix.length), isWord);
  }
  return stem;
}

export interface StemGroups {
  /** Per token id: index of its inflection group, or -1. Groups have at least two members. */
  inflectionGroup: Int32Array;
  /** Per token id: index of its derivational-root group, or -1. Groups have at least two members. */
  rootGroup: Int32Array;
  inflectionGroupCount: number;
  rootGroupCount: number;
  /** Per token id: whether it is a `##` continuation piece. */
  continuation: Uint8Array;
}

/**
 * Groups tokens by inflectional stem and by derivational root. A `##` piece
 * joins the groups of the whole word it spells (`##port` with `port`), so it
 * can show up as a weaker expansion.
 */
export function stemGroups(vocabulary: readonly string[], eligible: (id: number) => boolean = () => true): StemGroups {
  const size = vocabulary.length;
  const inflectionKeys: (string | undefined)[] = new Array(size);
  const rootKeys: (string | undefined)[] = new Array(size);
  const continuation = new Uint8Array(size);
  const words = new Set(vocabulary.filter((token) => !token.startsWith(WORDPIECE_CONTINUATION)));
  const isWord: WordLookup = (candidate) => words.has(candidate);
  const inflectionCounts = new Map<string, number>();
  const rootCounts = new Map<string, number>();
  for (let id = 0; id < size; id++) {
    const token = vocabulary[id];
    if (isSpecialToken(token) || !eligible(id)) continue;
    const isPiece = token.startsWith(WORDPIECE_CONTINUATION);
    continuation[id] = isPiece ? 1 : 0;
    const surface = isPiece ? token.slice(WORDPIECE_CONTINUATION.length) : token;
    if (surface.length < (isPiece ? 4 : 3)) continue;
    inflectionKeys[id] = inflectionalStem(surface, isWord);
    rootKeys[id] = derivationalRoot(surface, isWord);
    const inflection = inflectionKeys[id];
    const root = rootKeys[id];
    if (inflection !== undefined) inflectionCounts.set(inflection, (inflectionCounts.get(inflection) ?? 0) + 1);
    if (root !== undefined) rootCounts.set(root, (rootCounts.get(root) ?? 0) + 1);
  }
  const assign = (keys: (string | undefined)[], counts: Map<string, number>) => {
    const groupOf = new Int32Array(size).fill(-1);
    const indices = new Map<string, number>();
    for (let id = 0; id < size; id++) {
      const key = keys[id];
      if (key === undefined || (counts.get(key) ?? 0) < 2) continue;
      let index = indices.get(key);
      if (index === undefined) {
        index = indices.size;
        indices.set(key, index);
      }
      groupOf[id] = index;
    }
    return { groupOf, count: indices.size };
  };
  const inflection = assign(inflectionKeys, inflectionCounts);
  const root = assign(rootKeys, rootCounts);
  return {
    inflectionGroup: inflection.groupOf,
    rootGroup: root.groupOf,
    inflectionGroupCount: inflection.count,
    rootGroupCount: root.count,
    continuation,
  };
}

export interface CompoundRules {
  /** Whether a token may be analysed as a compound. */
  isCompound: (id: number) => boolean;
  /** Whether a token may be a part of a compound (common, informative words). */
  isPart: (id: number) => boolean;
}

/**
 * Splits closed compounds in their base form into two whole words, at least
 * three letters each and one of them at least four: grandmother -> grand +
 * mother, cornerstone -> corner + stone. Inflected forms are left out
 * (shipping is not ship + ping). Returns, per token id, the ids of its parts
 * (empty when it is no compound).
 */
export function compoundParts(vocabulary: readonly string[], rules: CompoundRules): number[][] {
  const wordIds = new Map<string, number>();
  vocabulary.forEach((token, id) => {
    if (!token.startsWith(WORDPIECE_CONTINUATION) && !isSpecialToken(token)) wordIds.set(token, id);
  });
  const isWord: WordLookup = (candidate) => wordIds.has(candidate);
  return vocabulary.map((token, id) => {
    if (token.length < 6 || !ALPHABETIC.test(token) || !rules.isCompound(id)) return [];
    if (inflectionalStem(token, isWord) !== token) return [];
    let best: number[] = [];
    let bestShorter = 0;
    for (let split = 3; split <= token.length - 3; split++) {
      const head = wordIds.get(token.slice(0, split));
      const tail = wordIds.get(token.slice(split));
      if (head === undefined || tail === undefined || !rules.isPart(head) || !rules.isPart(tail)) continue;
      const shorter = Math.min(split, token.length - split);
      if (Math.max(split, token.length - split) < 4 || shorter <= bestShorter) continue;
      best = [head, tail];
      bestShorter = shorter;
    }
    return best;
  });
}

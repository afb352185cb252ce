import { loadBertUncasedVocabulary } from '../vocabulary';
import { SeededRandom } from './prng';
import { alternatingRank, lowCoherenceCodebook } from './codebook';
import {
  compoundParts,
  derivationalRoot,
  emittableTokenMask,
  frequencyOrderedStart,
  inflectionalStem,
  isSpecialToken,
  selfWeightTarget,
  stemGroups,
} from './lexicon';

describe('lexicon', () => {
  const vocabulary = loadBertUncasedVocabulary();
  const words = new Set(vocabulary);
  const isWord = (candidate: string) => words.has(candidate);
  const id = (token: string) => vocabulary.indexOf(token);

  it('recognises special tokens and masks them', () => {
    for (const token of ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', '[unused0]', '[unused993]'])
      expect(isSpecialToken(token)).toBe(true);
    for (const token of ['the', '##s', '[', 'unused']) expect(isSpecialToken(token)).toBe(false);
    const mask = emittableTokenMask(vocabulary);
    expect([mask[0], mask[1], mask[100], mask[101], mask[102], mask[103], mask[id('sky')]]).toEqual([0, 0, 0, 0, 0, 0, 1]);
    expect(mask.reduce((sum, value) => sum + value, 0)).toBe(vocabulary.length - 999);
  });

  it('stems inflections and derivations', () => {
    const stems = ['color', 'colors', 'colored', 'coloring', 'colour'].map((word) => inflectionalStem(word, isWord));
    expect(new Set(stems)).toEqual(new Set(['color']));
    expect(['tune', 'tuned', 'tunes', 'tuning'].map((word) => inflectionalStem(word, isWord))).toEqual(['tune', 'tune', 'tune', 'tune']);
    expect(['port', 'ports'].map((word) => inflectionalStem(word, isWord))).toEqual(['port', 'port']);
    expect(inflectionalStem('skies', isWord)).toBe('sky');
    expect(inflectionalStem('running', isWord)).toBe('run');
    expect(inflectionalStem('x1', isWord)).toBeUndefined();
    expect(derivationalRoot('colorful', isWord)).toBe('color');
    expect(derivationalRoot('television', isWord)).toBe(derivationalRoot('televised', isWord));
    expect(derivationalRoot('computation', isWord)).toBe('compute');
  });

  it('ranks frequent function words below content words', () => {
    const start = frequencyOrderedStart(vocabulary);
    expect(vocabulary[start]).toBe('the');
    const weight = (token: string) => selfWeightTarget(vocabulary, id(token), start);
    expect(weight('the')).toBeLessThan(0.3);
    expect(weight('.')).toBeLessThan(0.3);
    expect(weight('television')).toBeGreaterThan(2);
    expect(weight('[CLS]')).toBe(0);
  });

  it('groups tokens that share a stem and splits compounds', () => {
    const groups = stemGroups(vocabulary);
    const sameInflection = (a: string, b: string) =>
      groups.inflectionGroup[id(a)] >= 0 && groups.inflectionGroup[id(a)] === groups.inflectionGroup[id(b)];
    expect(sameInflection('color', 'colors')).toBe(true);
    expect(sameInflection('tune', 'tuned')).toBe(true);
    expect(sameInflection('port', '##port')).toBe(true);
    expect(sameInflection('port', 'sky')).toBe(false);
    expect(groups.rootGroup[id('colorful')]).toBe(groups.rootGroup[id('color')]);
    const parts = compoundParts(vocabulary, { isCompound: () => true, isPart: () => true });
    expect(parts[id('grandmother')].map((part) => vocabulary[part])).toEqual(['grand', 'mother']);
    expect(parts[id('shipping')]).toEqual([]);
  });
});

describe('low-coherence codebook', () => {
  it('computes the rank of alternating forms over GF(2)', () => {
    expect(alternatingRank(0, 4)).toBe(0);
    expect(alternatingRank(0b1, 4)).toBe(2);
    // x0x1 + x2x3: bits (0,1) and (2,3) in the pair order (0,1),(0,2),(0,3),(1,2),(1,3),(2,3).
    expect(alternatingRank(0b100001, 4)).toBe(4);
  });

  it('gives zero-mean unit vectors with |cos| well below Gaussian tails', () => {
    const code = lowCoherenceCodebook(256, 3000, new SeededRandom(7))!;
    expect(code).toHaveLength(3000);
    let worst = 0;
    for (let a = 0; a < code.length; a += 3) {
      expect(Math.abs(code[a].reduce((sum, value) => sum + value, 0))).toBeLessThan(1e-9);
      expect(Math.abs(code[a].reduce((sum, value) => sum + value * value, 0) - 1)).toBeLessThan(1e-9);
      for (let b = a + 1; b < code.length; b += 5) {
        let cos = 0;
        for (let i = 0; i < 256; i++) cos += code[a][i] * code[b][i];
        worst = Math.max(worst, Math.abs(cos));
      }
    }
    expect(worst).toBeLessThan(0.15);
    expect(lowCoherenceCodebook(192, 10, new SeededRandom(1))).toBeUndefined();
  });
});

describe('seeded random numbers', () => {
  it('repeats exactly for a seed and label', () => {
    const draw = () => {
      const random = SeededRandom.derive(42, 'weights');
      return [random.nextUint32(), random.uniform(), random.normal(), random.normal()];
    };
    expect(draw()).toEqual(draw());
    expect(new SeededRandom(1).nextUint32()).toBe(2693262067);
    expect(SeededRandom.derive(42, 'a').nextUint32()).not.toBe(SeededRandom.derive(42, 'b').nextUint32());
  });

  it('samples a standard normal distribution', () => {
    const random = new SeededRandom(3);
    const samples = random.fillNormal(new Float64Array(20000));
    const mean = samples.reduce((sum, value) => sum + value, 0) / samples.length;
    const variance = samples.reduce((sum, value) => sum + (value - mean) ** 2, 0) / samples.length;
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(variance - 1)).toBeLessThan(0.05);
  });
});

import { lowCoherenceCodebook } from './codebook';
import { SeededRandom } from './prng';
import { compoundParts, emittableTokenMask, frequencyOrderedStart, selfWeightTarget, stemGroups } from './lexicon';

/** Hyper-parameters of the BERT-style sparse encoder. */
export interface BertSparseEncoderConfig {
  vocabSize: number;
  hidden: number;
  layers: number;
  heads: number;
  intermediate: number;
  maxPositions: number;
  seed: number;
}

/** Row-major matrix. */
export interface Matrix {
  rows: number;
  cols: number;
  data: Float32Array;
}

/** `y = x · weight + bias`; `weight` is `[in, out]`. */
export interface LinearWeights {
  weight: Matrix;
  bias: Float32Array;
}

export interface LayerNormWeights {
  scale: Float32Array;
  bias: Float32Array;
}

export interface TransformerLayerWeights {
  query: LinearWeights;
  key: LinearWeights;
  value: LinearWeights;
  attentionOutput: LinearWeights;
  attentionNorm: LayerNormWeights;
  feedForwardIn: LinearWeights;
  feedForwardOut: LinearWeights;
  feedForwardNorm: LayerNormWeights;
}

export interface EncoderWeights {
  config: BertSparseEncoderConfig;
  /** `[vocab, hidden]`; also the (transposed) MLM decoder matrix. */
  tokenEmbedding: Matrix;
  positionEmbedding: Matrix;
  segmentEmbedding: Matrix;
  embeddingNorm: LayerNormWeights;
  layers: TransformerLayerWeights[];
  mlmDense: LinearWeights;
  mlmNorm: LayerNormWeights;
  decoderBias: Float32Array;
  /** 0 for special tokens, 1 elsewhere; applied to the pooled output. */
  vocabularyMask: Float32Array;
}

/**
 * Shaping constants. Hidden states stay close to their own token's embedding
 * direction (residual sub-layers are small, the MLM transform is near
 * identity), so the tied decoder gives logit_v ≈ K·r_v·(cos(h, ê_v) − τ) with
 * K = |h| = sqrt(hidden): only the token itself and tokens whose embeddings
 * were built to correlate with it clear the threshold τ.
 */
export const SHAPING = {
  /** Cosine a vocabulary token must exceed before its logit turns positive. */
  threshold: 0.3,
  /** Typical cosine between a position's hidden state and its own token. */
  selfAlignment: 0.95,
  /** Smallest embedding norm, so position/segment vectors never dominate a token. */
  minNorm: 0.15,
  /** Position and segment vectors relative to the smallest token norm. */
  positionScale: 0.1,
  /** Share of the embedding (squared) that is common to an inflection group. */
  inflectionShare: [0.06, 0.12] as const,
  /** Share of the embedding (squared) that is common to a derivational-root group. */
  rootShare: [0.36, 0.44] as const,
  /** Share (squared) of each part's own direction in a compound (grandmother: grand, mother). */
  compoundShare: 0.16,
  /** Compound parts must be among this many most frequent words. */
  compoundPartMaxRank: 4000,
  /** Compound parts need at least this self weight (excludes function words). */
  compoundPartMinimumWeight: 1.5,
  /** `##` pieces join their word's groups with this fraction of the share. */
  continuationFactor: 0.6,
  /** Tokens below this self weight (frequent function words) join no group. */
  groupMinimumWeight: 1.0,
  /** Attention output scale: how much of the context is mixed into each position. */
  attentionMix: 0.2,
  /** Standard deviation of the feed-forward output relative to the residual. */
  feedForwardScale: 0.1,
  /** Query/key scale: attention logits have roughly this standard deviation. */
  attentionSharpness: 1.5,
  /** Bias keeping the MLM transform in GELU's near-linear range. */
  mlmShift: 5,
  /** Self weight jitter, so equally frequent tokens do not tie. */
  jitter: 0.08,
} as const;

const ATTENTION_RESIDUAL_NOISE = 0.01;
const IDENTITY_NOISE = 0.02;
/** E[GELU(z)^2] for z ~ N(0, 1); used to size the second feed-forward matrix. */
const GELU_SECOND_MOMENT = 0.425;

function zeros(length: number): Float32Array {
  return new Float32Array(length);
}

function ones(length: number): Float32Array {
  return new Float32Array(length).fill(1);
}

function matrix(rows: number, cols: number, data: Float32Array = new Float32Array(rows * cols)): Matrix {
  return { rows, cols, data };
}

function normalMatrix(random: SeededRandom, rows: number, cols: number, std: number): Matrix {
  return matrix(rows, cols, random.fillNormal(new Float32Array(rows * cols), std));
}

/** `scale·I + N(0, noise²)`. */
function nearIdentity(random: SeededRandom, size: number, scale: number, noise: number): Matrix {
  const result = normalMatrix(random, size, size, noise);
  for (let i = 0; i < size; i++) result.data[i * size + i] += scale;
  return result;
}

/** A random unit vector with zero mean across its components (LayerNorm leaves its direction alone). */
function centeredUnitVector(random: SeededRandom, size: number, target = new Float64Array(size)): Float64Array {
  let mean = 0;
  for (let i = 0; i < size; i++) {
    target[i] = random.normal();
    mean += target[i];
  }
  mean /= size;
  let norm = 0;
  for (let i = 0; i < size; i++) {
    target[i] -= mean;
    norm += target[i] * target[i];
  }
  norm = Math.sqrt(norm);
  for (let i = 0; i < size; i++) target[i] /= norm;
  return target;
}

/**
 * Unit directions for every token's own component and for every stem group:
 * a low-coherence code when the hidden size allows one, Gaussian otherwise.
 */
function directionPool(seed: number, hidden: number, count: number): Float64Array[] {
  const code = lowCoherenceCodebook(hidden, count, SeededRandom.derive(seed, 'token.codebook'));
  if (code) return code;
  const random = SeededRandom.derive(seed, 'token.gaussian_directions');
  return Array.from({ length: count }, () => centeredUnitVector(random, hidden));
}

function validateConfig(config: BertSparseEncoderConfig, vocabulary: readonly string[]): void {
  const { vocabSize, hidden, layers, heads, intermediate, maxPositions, seed } = config;
  for (const [name, value] of Object.entries({ vocabSize, hidden, layers, heads, intermediate, maxPositions })) {
    if (!Number.isInteger(value) || value < (name === 'layers' ? 0 : 1)) throw new Error(`invalid encoder config: ${name} = ${value}`);
  }
  if (hidden % heads !== 0) throw new Error(`invalid encoder config: hidden ${hidden} is not divisible by heads ${heads}`);
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new Error(`invalid encoder config: seed ${seed} is not a uint32`);
  if (vocabulary.length !== vocabSize) throw new Error(`vocabulary has ${vocabulary.length} tokens, config says ${vocabSize}`);
}

/**
 * Token embeddings: each direction mixes a token-specific vector with the
 * vectors of its inflection group and derivational-root group, and, for a
 * compound, with its parts' own vectors. So color/colors/coloring point in
 * similar directions, colorful a bit less, and grandmother partly towards
 * grand and mother. The norm and the decoder bias set how much weight the
 * token gets when it occurs in the input (see selfWeightTarget).
 */
function tokenEmbeddings(config: BertSparseEncoderConfig, vocabulary: readonly string[]): { embedding: Matrix; decoderBias: Float32Array } {
  const { vocabSize, hidden, seed } = config;
  const frequentStart = frequencyOrderedStart(vocabulary);
  const targets = Float64Array.from(vocabulary, (_, id) => selfWeightTarget(vocabulary, id, frequentStart));
  const jitterRandom = SeededRandom.derive(seed, 'token.importance');
  for (let id = 0; id < vocabSize; id++) targets[id] *= 1 + SHAPING.jitter * (2 * jitterRandom.uniform() - 1);
  const groups = stemGroups(vocabulary, (id) => targets[id] >= SHAPING.groupMinimumWeight);
  const compounds = compoundParts(vocabulary, {
    isCompound: (id) => targets[id] >= SHAPING.groupMinimumWeight,
    isPart: (id) => targets[id] >= SHAPING.compoundPartMinimumWeight && id - frequentStart < SHAPING.compoundPartMaxRank,
  });
  const directions = directionPool(seed, hidden, vocabSize + groups.inflectionGroupCount + groups.rootGroupCount);
  const inflectionVectors = directions.slice(vocabSize, vocabSize + groups.inflectionGroupCount);
  const rootVectors = directions.slice(vocabSize + groups.inflectionGroupCount);
  const shareRandom = SeededRandom.derive(seed, 'token.group_shares');

  const scale = Math.sqrt(hidden);
  const embedding = matrix(vocabSize, hidden);
  const decoderBias = zeros(vocabSize);
  const direction = new Float64Array(hidden);
  for (let id = 0; id < vocabSize; id++) {
    const own = directions[id];
    const pieceFactor = groups.continuation[id] ? SHAPING.continuationFactor : 1;
    const inflectionShare = shareRandom.between(...SHAPING.inflectionShare) * pieceFactor;
    const rootShare = shareRandom.between(...SHAPING.rootShare) * pieceFactor;
    const inflection = groups.inflectionGroup[id] >= 0 ? inflectionVectors[groups.inflectionGroup[id]] : undefined;
    const root = groups.rootGroup[id] >= 0 ? rootVectors[groups.rootGroup[id]] : undefined;
    const a = inflection ? Math.sqrt(inflectionShare) : 0;
    const b = root ? Math.sqrt(rootShare) : 0;
    const parts = compounds[id];
    const d = Math.sqrt(SHAPING.compoundShare);
    const c = Math.sqrt(Math.max(0, 1 - a * a - b * b - parts.length * d * d));
    for (let i = 0; i < hidden; i++) direction[i] = c * own[i] + (inflection ? a * inflection[i] : 0) + (root ? b * root[i] : 0);
    for (const part of parts) {
      const partOwn = directions[part];
      for (let i = 0; i < hidden; i++) direction[i] += d * partOwn[i];
    }
    let norm = 0;
    for (let i = 0; i < hidden; i++) norm += direction[i] * direction[i];
    norm = Math.sqrt(norm);

    // Self logit L = exp(target) - 1 so that log(1 + L) hits the target weight.
    const selfLogit = Math.expm1(targets[id]);
    const tokenNorm = targets[id] === 0 ? 1 : Math.max(SHAPING.minNorm, selfLogit / (scale * (SHAPING.selfAlignment - SHAPING.threshold)));
    for (let i = 0; i < hidden; i++) embedding.data[id * hidden + i] = (tokenNorm * direction[i]) / norm;
    decoderBias[id] = targets[id] === 0 ? -scale * tokenNorm * SHAPING.threshold : selfLogit - scale * tokenNorm * SHAPING.selfAlignment;
  }
  return { embedding, decoderBias };
}

function smallCenteredRows(random: SeededRandom, rows: number, hidden: number, norm: number): Matrix {
  const result = matrix(rows, hidden);
  const row = new Float64Array(hidden);
  for (let r = 0; r < rows; r++) {
    centeredUnitVector(random, hidden, row);
    for (let i = 0; i < hidden; i++) result.data[r * hidden + i] = norm * row[i];
  }
  return result;
}

function transformerLayer(config: BertSparseEncoderConfig, index: number): TransformerLayerWeights {
  const { hidden, intermediate, seed } = config;
  const random = (part: string) => SeededRandom.derive(seed, `layer${index}.${part}`);
  const queryKeyStd = Math.sqrt(SHAPING.attentionSharpness / hidden);
  return {
    query: { weight: normalMatrix(random('query'), hidden, hidden, queryKeyStd), bias: zeros(hidden) },
    key: { weight: normalMatrix(random('key'), hidden, hidden, queryKeyStd), bias: zeros(hidden) },
    value: { weight: nearIdentity(random('value'), hidden, 1, IDENTITY_NOISE), bias: zeros(hidden) },
    attentionOutput: {
      weight: nearIdentity(random('attention_output'), hidden, SHAPING.attentionMix, ATTENTION_RESIDUAL_NOISE),
      bias: zeros(hidden),
    },
    attentionNorm: { scale: ones(hidden), bias: zeros(hidden) },
    feedForwardIn: {
      weight: normalMatrix(random('ffn_in'), hidden, intermediate, 1 / Math.sqrt(hidden)),
      bias: random('ffn_in_bias').fillNormal(zeros(intermediate), 0.1),
    },
    feedForwardOut: {
      weight: normalMatrix(
        random('ffn_out'),
        intermediate,
        hidden,
        SHAPING.feedForwardScale / Math.sqrt(GELU_SECOND_MOMENT * intermediate),
      ),
      bias: zeros(hidden),
    },
    feedForwardNorm: { scale: ones(hidden), bias: zeros(hidden) },
  };
}

/**
 * Deterministic weights for `config`, shaped so that the pooled output looks
 * like ELSER's on text tokenized with `vocabulary` (see SHAPING).
 */
export function generateEncoderWeights(config: BertSparseEncoderConfig, vocabulary: readonly string[]): EncoderWeights {
  validateConfig(config, vocabulary);
  const { hidden, maxPositions, seed } = config;
  const { embedding, decoderBias } = tokenEmbeddings(config, vocabulary);
  const auxiliaryNorm = SHAPING.minNorm * SHAPING.positionScale;
  return {
    config: { ...config },
    tokenEmbedding: embedding,
    positionEmbedding: smallCenteredRows(SeededRandom.derive(seed, 'position'), maxPositions, hidden, auxiliaryNorm),
    segmentEmbedding: smallCenteredRows(SeededRandom.derive(seed, 'segment'), 2, hidden, auxiliaryNorm),
    embeddingNorm: { scale: ones(hidden), bias: zeros(hidden) },
    layers: Array.from({ length: config.layers }, (_, index) => transformerLayer(config, index)),
    mlmDense: {
      weight: nearIdentity(SeededRandom.derive(seed, 'mlm.dense'), hidden, 1, IDENTITY_NOISE / Math.sqrt(hidden)),
      bias: new Float32Array(hidden).fill(SHAPING.mlmShift),
    },
    mlmNorm: { scale: ones(hidden), bias: zeros(hidden) },
    decoderBias,
    vocabularyMask: emittableTokenMask(vocabulary),
  };
}

import { onnx } from 'onnx-proto';
import { BUILDER_PRODUCER } from '../sparse-model-signature';
import { loadBertUncasedVocabulary } from '../vocabulary';
import { BertSparseEncoderConfig, EncoderWeights, LayerNormWeights, LinearWeights, generateEncoderWeights } from './encoder-weights';
import { DEFAULT_DOMAIN, ElementType, GraphBuilder, OpsetId, assembleModel, attribute, tensor } from './onnx-graph';
import { type TokenPacking, tokenPacking } from './token-packing';

export type { BertSparseEncoderConfig, EncoderWeights } from './encoder-weights';

/** ONNX opset of the default domain: has LayerNormalization; ReduceMax axes is still an attribute. */
export const ENCODER_OPSET = 17;
export const PRODUCER_NAME = BUILDER_PRODUCER;
/** Bumped whenever the graph layout or weight shaping changes (it is part of the file bytes). */
export const PRODUCER_VERSION = '9';

/**
 * The built-in model: bert-base-uncased vocabulary, width 256 so that unrelated tokens stay below the
 * activation threshold (see SHAPING); a 10-token query takes about 2 ms in fp32 and 1 ms in int8 on two cores.
 */
export const BUILTIN_ENCODER_CONFIG: Readonly<BertSparseEncoderConfig> = Object.freeze({
  vocabSize: 30522,
  hidden: 256,
  layers: 2,
  heads: 4,
  intermediate: 512,
  maxPositions: 512,
  seed: 0x454c5352,
});

/**
 * BERT-base's shape (12 layers, hidden 768, 12 heads, intermediate 3072) with the same
 * synthetic weight shaping: for benchmarks, since its cost per token is ELSER's.
 */
export const BERT_BASE_ENCODER_CONFIG: Readonly<BertSparseEncoderConfig> = Object.freeze({
  vocabSize: 30522,
  hidden: 768,
  layers: 12,
  heads: 12,
  intermediate: 3072,
  maxPositions: 512,
  seed: 0x42455254,
});

/** Where the graph stops and what it returns; see plugin-conventions.ts for the exact tensors. */
export type OutputConvention = 'pooled' | 'logits' | 'sparse';

export interface InputNames {
  inputIds: string;
  attentionMask: string;
  tokenTypeIds: string;
}

/** Hugging Face / optimum names. */
export const HF_INPUT_NAMES: Readonly<InputNames> = Object.freeze({
  inputIds: 'input_ids',
  attentionMask: 'attention_mask',
  tokenTypeIds: 'token_type_ids',
});

/** Original BERT (TensorFlow) names, as in prithivida/Splade_PP_en_v1's ONNX file. */
export const BERT_TF_INPUT_NAMES: Readonly<InputNames> = Object.freeze({
  inputIds: 'input_ids',
  attentionMask: 'input_mask',
  tokenTypeIds: 'segment_ids',
});

export interface EncoderGraphOptions {
  /** Default `'pooled'`. */
  output?: OutputConvention;
  /** Default HF_INPUT_NAMES. */
  inputNames?: InputNames;
  /** Name of the logits output for `'logits'` (default `'logits'`) and of the pooled output for `'pooled'` (default `'output'`). */
  outputName?: string;
}

/** How weight matrices enter the graph; the fp32 and int8 models differ only here. */
export interface WeightOps {
  readonly opsets: readonly OpsetId[];
  readonly precision: string;
  /** Whether GELU is written in the form onnxruntime fuses (see `gelu`). */
  readonly fusedGelu: boolean;
  /** `input [..., in] -> [..., out]`. */
  linear(graph: GraphBuilder, input: string, weights: LinearWeights, name: string): string;
  /** `ids [B, S] -> [B, S, hidden]`. */
  tokenEmbedding(graph: GraphBuilder, inputIds: string, weights: EncoderWeights): string;
  /** `hidden [B, S, H] -> logits [B, S, V]` through the transposed token embedding plus the decoder bias. */
  decoder(graph: GraphBuilder, hidden: string, weights: EncoderWeights, logitsShape: string): string;
  /** `hidden [B, S, H] -> [B, V]`: the maximum over the sequence of what `decoder` gives, bit for bit. */
  maxLogits(graph: GraphBuilder, hidden: string, weights: EncoderWeights, logitsShape: string): string;
}

/** `[B, S, X] -> [B, X]`. */
export function maxOverSequence(graph: GraphBuilder, values: string): string {
  return graph.op('ReduceMax', [values], [attribute.ints('axes', [1]), attribute.int('keepdims', 0)]);
}

const TOKEN_EMBEDDING = 'embeddings.word_embeddings.weight';
const DECODER_BIAS = 'cls.predictions.bias';

/** Plain fp32 weights; the MLM decoder reads the token-embedding initializer itself (tied). */
export function float32WeightOps(): WeightOps {
  return {
    opsets: [{ domain: DEFAULT_DOMAIN, version: ENCODER_OPSET }],
    precision: 'fp32',
    // onnxruntime 1.30 crashes running an fp32 graph whose matrix product (MatMul, or Gemm once the
    // activations are packed to two dimensions) feeds a fused GELU once its pre-packed weights were
    // saved for sharing; the shared-model writer would then refuse the model and every allocation
    // would load a private copy.
    fusedGelu: false,
    linear(graph, input, weights, name) {
      const weight = graph.weight(`${name}.weight`, [weights.weight.rows, weights.weight.cols], weights.weight.data);
      const bias = graph.weight(`${name}.bias`, [weights.bias.length], weights.bias);
      return graph.op('Add', [graph.op('MatMul', [input, weight]), bias]);
    },
    tokenEmbedding(graph, inputIds, weights) {
      const { rows, cols, data } = weights.tokenEmbedding;
      graph.addInitializer(tensor(TOKEN_EMBEDDING, [rows, cols], data));
      return graph.op('Gather', [TOKEN_EMBEDDING, inputIds], [attribute.int('axis', 0)]);
    },
    decoder(graph, hidden, weights, logitsShape) {
      return float32Decoder(graph, hidden, weights, logitsShape);
    },
    maxLogits(graph, hidden, weights, logitsShape) {
      return maxOverSequence(graph, float32Decoder(graph, hidden, weights, logitsShape));
    },
  };
}

function float32Decoder(graph: GraphBuilder, hidden: string, weights: EncoderWeights, logitsShape: string): string {
  const { rows: vocab, cols: size } = weights.tokenEmbedding;
  const bias = graph.addInitializer(tensor(DECODER_BIAS, [vocab], weights.decoderBias));
  // Gemm's transB multiplies by the [V, H] embedding directly, keeping one shared copy.
  const flat = graph.op('Reshape', [hidden, graph.int64Vector([-1, size])]);
  const logits = graph.op('Gemm', [flat, TOKEN_EMBEDDING, bias], [attribute.int('transB', 1)]);
  return graph.op('Reshape', [logits, logitsShape]);
}

function layerNorm(graph: GraphBuilder, input: string, weights: LayerNormWeights, name: string): string {
  const scale = graph.weight(`${name}.weight`, [weights.scale.length], weights.scale);
  const bias = graph.weight(`${name}.bias`, [weights.bias.length], weights.bias);
  return graph.op('LayerNormalization', [input, scale, bias], [attribute.int('axis', -1), attribute.float('epsilon', 1e-12)]);
}

/**
 * Exact (erf) GELU. Fused: `(x · (erf(x / √2) + 1)) · 0.5`, an order of the multiplications that
 * onnxruntime's GeluFusion recognizes (it then folds the bias Add before it in too), one pass over
 * [tokens, intermediate] instead of five. Otherwise `x · ((erf(x / √2) + 1) · 0.5)`, which it leaves
 * alone; both give the same bits, as multiplying by 0.5 is exact.
 */
export function gelu(graph: GraphBuilder, input: string, fused: boolean): string {
  const erfPlusOne = graph.op('Add', [graph.op('Erf', [graph.op('Div', [input, graph.floatScalar(Math.SQRT2)])]), graph.floatScalar(1)]);
  if (fused) return graph.op('Mul', [graph.op('Mul', [input, erfPlusOne]), graph.floatScalar(0.5)]);
  return graph.op('Mul', [input, graph.op('Mul', [erfPlusOne, graph.floatScalar(0.5)])]);
}

/** The linear layers side by side: `x · [W1 W2 …] + [b1 b2 …]`, all reading the same input. */
export function concatenateLinears(linears: readonly LinearWeights[]): LinearWeights {
  const rows = linears[0].weight.rows;
  const cols = linears.reduce((sum, linear) => sum + linear.weight.cols, 0);
  const data = new Float32Array(rows * cols);
  const bias = new Float32Array(cols);
  let offset = 0;
  for (const linear of linears) {
    const { cols: width, data: source } = linear.weight;
    if (linear.weight.rows !== rows) throw new Error(`cannot concatenate linears with ${rows} and ${linear.weight.rows} inputs`);
    for (let i = 0; i < rows; i++) data.set(source.subarray(i * width, (i + 1) * width), i * cols + offset);
    bias.set(linear.bias, offset);
    offset += width;
  }
  return { weight: { rows, cols, data }, bias };
}

/** `input`, `additiveMask` and the result as in `transformerLayer`. */
function selfAttention(
  graph: GraphBuilder,
  input: string,
  additiveMask: string,
  weights: EncoderWeights['layers'][number],
  config: BertSparseEncoderConfig,
  ops: WeightOps,
  packing: TokenPacking,
): string {
  const headSize = config.hidden / config.heads;
  // One projection for query, key and value: a third of the quantization and bias passes of three,
  // and a wider multiplication that uses threads better; each output column is computed as before.
  const packedProjection = ops.linear(graph, input, concatenateLinears([weights.query, weights.key, weights.value]), 'query_key_value');
  const projected = packing.unpack(packedProjection, 3 * config.hidden);
  const [queryRows, keyRows, valueRows] = graph.node('Split', [projected], { attributes: [attribute.int('axis', -1)], outputCount: 3 });
  const splitHeads = graph.int64Vector([0, 0, config.heads, headSize]);
  const heads = (rows: string, perm: number[]) =>
    graph.op('Transpose', [graph.op('Reshape', [rows, splitHeads])], [attribute.ints('perm', perm)]);
  const query = heads(queryRows, [0, 2, 1, 3]);
  const keyTransposed = heads(keyRows, [0, 2, 3, 1]);
  const value = heads(valueRows, [0, 2, 1, 3]);
  const scores = graph.op('Mul', [graph.op('MatMul', [query, keyTransposed]), graph.floatScalar(1 / Math.sqrt(headSize))]);
  const probabilities = graph.op('Softmax', [graph.op('Add', [scores, additiveMask])], [attribute.int('axis', -1)]);
  const context = graph.op('Transpose', [graph.op('MatMul', [probabilities, value])], [attribute.ints('perm', [0, 2, 1, 3])]);
  const merged = graph.op('Reshape', [context, graph.int64Vector([0, 0, config.hidden])]);
  return ops.linear(graph, packing.pack(merged, config.hidden), weights.attentionOutput, 'output');
}

/** `input [T, hidden]` (packed tokens) -> `[T, hidden]`; `additiveMask [B, 1, 1, S]`. */
function transformerLayer(
  graph: GraphBuilder,
  input: string,
  additiveMask: string,
  weights: EncoderWeights['layers'][number],
  config: BertSparseEncoderConfig,
  ops: WeightOps,
  packing: TokenPacking,
): string {
  const attended = graph.scoped('attention', () => {
    const attention = selfAttention(graph, input, additiveMask, weights, config, ops, packing);
    return layerNorm(graph, graph.op('Add', [input, attention]), weights.attentionNorm, 'norm');
  });
  return graph.scoped('ffn', () => {
    const inner = gelu(graph, ops.linear(graph, attended, weights.feedForwardIn, 'intermediate'), ops.fusedGelu);
    const outer = ops.linear(graph, inner, weights.feedForwardOut, 'output');
    return layerNorm(graph, graph.op('Add', [attended, outer]), weights.feedForwardNorm, 'norm');
  });
}

/**
 * The encoder graph: BERT embeddings and transformer layers, the MLM head
 * with a decoder tied to the token embeddings, then (for `'pooled'` and
 * `'sparse'`) SPLADE pooling and the special-token mask.
 */
export function buildEncoderModel(
  weights: EncoderWeights,
  options: EncoderGraphOptions = {},
  ops: WeightOps = float32WeightOps(),
): onnx.ModelProto {
  const { config } = weights;
  const output = options.output ?? 'pooled';
  const names = options.inputNames ?? HF_INPUT_NAMES;
  const graph = new GraphBuilder(`bert_sparse_encoder_${ops.precision}`);
  const I64 = ElementType.INT64;
  const F32 = ElementType.FLOAT;
  const inputIds = graph.addInput(names.inputIds, I64, ['batch', 'sequence']);
  const attentionMask = graph.addInput(names.attentionMask, I64, ['batch', 'sequence']);
  const tokenTypeIds = graph.addInput(names.tokenTypeIds, I64, ['batch', 'sequence']);

  const inputShape = graph.op('Shape', [inputIds]);
  const maskFloat = graph.op('Cast', [attentionMask], [attribute.int('to', F32)]);

  const embedded = graph.scoped('embeddings', () => {
    const tokens = ops.tokenEmbedding(graph, inputIds, weights);
    const sequenceLength = graph.op('Gather', [inputShape, graph.int64Scalar(1)], [attribute.int('axis', 0)]);
    const positionIds = graph.op('Range', [graph.int64Scalar(0), sequenceLength, graph.int64Scalar(1)]);
    const positionTable = graph.weight('position_embeddings.weight', [config.maxPositions, config.hidden], weights.positionEmbedding.data);
    const positions = graph.op('Gather', [positionTable, positionIds], [attribute.int('axis', 0)]);
    const segmentTable = graph.weight('token_type_embeddings.weight', [2, config.hidden], weights.segmentEmbedding.data);
    const segments = graph.op('Gather', [segmentTable, tokenTypeIds], [attribute.int('axis', 0)]);
    const sum = graph.op('Add', [graph.op('Add', [tokens, positions]), segments]);
    return layerNorm(graph, sum, weights.embeddingNorm, 'LayerNorm');
  });

  // BERT's extended attention mask: 0 where attended, -10000 where padded, shaped [B, 1, 1, S].
  const additiveMask = graph.scoped('attention_mask', () => {
    const broadcastable = graph.op('Unsqueeze', [maskFloat, graph.int64Vector([1, 2])]);
    return graph.op('Mul', [graph.op('Sub', [graph.floatScalar(1), broadcastable]), graph.floatScalar(-10000)]);
  });

  // The layers and the MLM transform run on the real tokens only; see token-packing.ts.
  const packing = graph.scoped('packing', () => tokenPacking(graph, attentionMask, inputShape));
  let hidden = packing.pack(embedded, config.hidden);
  weights.layers.forEach((layer, index) => {
    hidden = graph.scoped(`encoder.layer.${index}`, () => transformerLayer(graph, hidden, additiveMask, layer, config, ops, packing));
  });

  const logitsShape = graph.op('Concat', [inputShape, graph.int64Vector([config.vocabSize])], [attribute.int('axis', 0)]);
  const packedTransformed = graph.scoped('cls.predictions.transform', () =>
    layerNorm(graph, gelu(graph, ops.linear(graph, hidden, weights.mlmDense, 'dense'), ops.fusedGelu), weights.mlmNorm, 'LayerNorm'),
  );
  // A padded position holds its sequence's last token, so the maximum over the sequence below is the
  // maximum over its tokens without a masking pass over [B, S, V].
  const transformed = packing.unpack(packedTransformed, config.hidden);

  if (output === 'logits') {
    const logits = graph.scoped('cls.predictions', () => ops.decoder(graph, transformed, weights, logitsShape));
    const name = options.outputName ?? 'logits';
    graph.op('Identity', [logits], [], name);
    graph.addOutput(name, F32, ['batch', 'sequence', config.vocabSize]);
  } else {
    const pooled = graph.scoped('splade', () => {
      // log(1 + relu(·)) is monotone, so it runs after the maximum, on [B, V] instead of [B, S, V].
      const maximum = graph.scoped('cls.predictions', () => ops.maxLogits(graph, transformed, weights, logitsShape));
      const activated = graph.op('Log', [graph.op('Add', [graph.op('Relu', [maximum]), graph.floatScalar(1)])]);
      const mask = graph.weight('vocabulary_mask', [config.vocabSize], weights.vocabularyMask);
      return graph.op('Mul', [activated, mask]);
    });
    if (output === 'pooled') {
      const name = options.outputName ?? 'output';
      graph.op('Identity', [pooled], [], name);
      graph.addOutput(name, F32, ['batch', config.vocabSize]);
    } else {
      const flat = graph.op('Reshape', [pooled, graph.int64Vector([-1])]);
      const positions = graph.op('NonZero', [flat]);
      graph.op('Reshape', [positions, graph.int64Vector([-1])], [], 'output_idx');
      graph.op('Gather', [flat, 'output_idx'], [attribute.int('axis', 0)], 'output_weights');
      graph.addOutput('output_idx', I64, ['nonzero']);
      graph.addOutput('output_weights', F32, ['nonzero']);
    }
  }

  return assembleModel({
    graph: graph.build(),
    opsets: ops.opsets,
    producerName: PRODUCER_NAME,
    producerVersion: PRODUCER_VERSION,
    docString: 'BERT-style SPLADE sparse encoder with deterministic synthetic weights (not a trained model).',
    metadata: {
      'elser_mock.config': JSON.stringify(config),
      'elser_mock.precision': ops.precision,
      'elser_mock.output': output,
    },
  });
}

export interface BuildEncoderOptions extends EncoderGraphOptions {
  /** Token strings by id; defaults to bert-base-uncased when `vocabSize` is 30522. */
  vocabulary?: readonly string[];
}

export function resolveVocabulary(config: BertSparseEncoderConfig, vocabulary?: readonly string[]): readonly string[] {
  if (vocabulary) return vocabulary;
  const bert = loadBertUncasedVocabulary();
  if (bert.length !== config.vocabSize) {
    throw new Error(`vocabSize ${config.vocabSize} needs an explicit vocabulary (bert-base-uncased has ${bert.length} tokens)`);
  }
  return bert;
}

/** Generates the weights for `config` and builds the fp32 encoder graph. */
export function buildBertSparseEncoder(config: BertSparseEncoderConfig, options: BuildEncoderOptions = {}): onnx.ModelProto {
  const weights = generateEncoderWeights(config, resolveVocabulary(config, options.vocabulary));
  return buildEncoderModel(weights, options);
}

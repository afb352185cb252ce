import { onnx } from 'onnx-proto';
import {
  BuildEncoderOptions,
  ENCODER_OPSET,
  EncoderGraphOptions,
  WeightOps,
  buildEncoderModel,
  resolveVocabulary,
} from './bert-sparse-encoder';
import { BertSparseEncoderConfig, EncoderWeights, Matrix, generateEncoderWeights } from './encoder-weights';
import { DEFAULT_DOMAIN, ElementType, GraphBuilder, attribute, tensor } from './onnx-graph';

/** Symmetric int8 weights with one scale per output column: `weight[i][j] ≈ values[i][j] · scales[j]`. */
export interface PerColumnInt8 {
  rows: number;
  cols: number;
  values: Int8Array;
  scales: Float32Array;
}

const INT8_LIMIT = 127;
// Aliases of Math functions: in a VM context (as under Jest) each global lookup in a hot loop is slow.
const { abs, max, min, round } = Math;

/** Quantizes a `[in, out]` matrix column by column (symmetric, zero point 0, range ±127). */
export function quantizePerColumn(matrix: Matrix): PerColumnInt8 {
  const { rows, cols, data } = matrix;
  const scales = new Float32Array(cols);
  for (let j = 0; j < cols; j++) {
    let maxAbs = 0;
    for (let i = 0; i < rows; i++) maxAbs = max(maxAbs, abs(data[i * cols + j]));
    scales[j] = maxAbs > 0 ? maxAbs / INT8_LIMIT : 1;
  }
  const values = new Int8Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      values[i * cols + j] = max(-INT8_LIMIT, min(INT8_LIMIT, round(data[i * cols + j] / scales[j])));
    }
  }
  return { rows, cols, values, scales };
}

/** The `[V, H]` token embedding transposed to the `[H, V]` decoder layout. */
function transpose(matrix: Matrix): Matrix {
  const { rows, cols, data } = matrix;
  const result = new Float32Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) result[j * rows + i] = data[i * cols + j];
  }
  return { rows: cols, cols: rows, data: result };
}

const DECODER_WEIGHT = 'cls.predictions.decoder.weight_quantized';
const DECODER_SCALE = 'cls.predictions.decoder.weight_scale';
const DECODER_BIAS = 'cls.predictions.bias';

/**
 * `input · W + bias` with int8 arithmetic: each row (token) of the input is
 * quantized at run time with its own symmetric scale, so a token's result
 * never depends on the other inputs of its batch (a per-tensor scale would
 * make an embedding change with its batch neighbours and their padding).
 */
function perRowQuantizedMatMul(graph: GraphBuilder, input: string, weight: string, weightScale: string, bias: string): string {
  const lastAxis = attribute.ints('axes', [-1]);
  const absMax = graph.op('ReduceMax', [graph.op('Abs', [input])], [lastAxis, attribute.int('keepdims', 1)]); // [B, S, 1]
  const rowScale = graph.op('Div', [graph.op('Max', [absMax, graph.floatScalar(1e-12)]), graph.floatScalar(INT8_LIMIT)]);
  const scaled = graph.op('Round', [graph.op('Div', [input, rowScale])]);
  const clipped = graph.op('Clip', [scaled, graph.floatScalar(-INT8_LIMIT), graph.floatScalar(INT8_LIMIT)]);
  const quantized = graph.op('Cast', [clipped], [attribute.int('to', ElementType.INT8)]);
  const product = graph.op('Cast', [graph.op('MatMulInteger', [quantized, weight])], [attribute.int('to', ElementType.FLOAT)]);
  return graph.op('Add', [graph.op('Mul', [graph.op('Mul', [product, rowScale]), weightScale]), bias]);
}

/**
 * Dynamic int8 linear layers, as in ELSER's optimized variant: activations
 * are quantized at run time, per token, and multiplied with `MatMulInteger`
 * by weights stored as int8 with per-column scales. Position/segment
 * embeddings, LayerNorms and biases stay fp32.
 *
 * The MLM decoder is tied to the token embedding, so both read one int8
 * `[H, V]` matrix whose per-column scales are per-token scales: the decoder
 * multiplies by it, and the embedding lookup gathers a column and rescales it.
 * A separate fp32 embedding copy would make the int8 file larger than fp32.
 */
export function int8WeightOps(): WeightOps {
  let decoderReady = false;
  const ensureDecoder = (graph: GraphBuilder, weights: EncoderWeights) => {
    if (decoderReady) return;
    const quantized = quantizePerColumn(transpose(weights.tokenEmbedding));
    graph.addInitializer(tensor(DECODER_WEIGHT, [quantized.rows, quantized.cols], quantized.values));
    graph.addInitializer(tensor(DECODER_SCALE, [quantized.cols], quantized.scales));
    graph.addInitializer(tensor(DECODER_BIAS, [quantized.cols], weights.decoderBias));
    decoderReady = true;
  };
  return {
    opsets: [{ domain: DEFAULT_DOMAIN, version: ENCODER_OPSET }],
    precision: 'int8',
    linear(graph, input, weights, name) {
      const quantized = quantizePerColumn(weights.weight);
      const weight = graph.weight(`${name}.weight_quantized`, [quantized.rows, quantized.cols], quantized.values);
      const scale = graph.weight(`${name}.weight_scale`, [quantized.cols], quantized.scales);
      const bias = graph.weight(`${name}.bias`, [weights.bias.length], weights.bias);
      return perRowQuantizedMatMul(graph, input, weight, scale, bias);
    },
    tokenEmbedding(graph, inputIds, weights) {
      ensureDecoder(graph, weights);
      const columns = graph.op('Gather', [DECODER_WEIGHT, inputIds], [attribute.int('axis', 1)]); // [H, B, S]
      const rows = graph.op('Transpose', [columns], [attribute.ints('perm', [1, 2, 0])]); // [B, S, H]
      const values = graph.op('Cast', [rows], [attribute.int('to', ElementType.FLOAT)]);
      const scales = graph.op('Gather', [DECODER_SCALE, inputIds], [attribute.int('axis', 0)]); // [B, S]
      return graph.op('Mul', [values, graph.op('Unsqueeze', [scales, graph.int64Vector([2])])]);
    },
    decoder(graph, hidden, weights) {
      ensureDecoder(graph, weights);
      return perRowQuantizedMatMul(graph, hidden, DECODER_WEIGHT, DECODER_SCALE, DECODER_BIAS);
    },
  };
}

/** The int8 counterpart of `buildEncoderModel` for the same weights. */
export function buildQuantizedEncoderModel(weights: EncoderWeights, options: EncoderGraphOptions = {}): onnx.ModelProto {
  return buildEncoderModel(weights, options, int8WeightOps());
}

/** Generates the weights for `config` and builds the int8 encoder graph. */
export function buildQuantizedBertSparseEncoder(config: BertSparseEncoderConfig, options: BuildEncoderOptions = {}): onnx.ModelProto {
  const weights = generateEncoderWeights(config, resolveVocabulary(config, options.vocabulary));
  return buildQuantizedEncoderModel(weights, options);
}

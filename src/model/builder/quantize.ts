import { onnx } from 'onnx-proto';
import {
  BuildEncoderOptions,
  ENCODER_OPSET,
  EncoderGraphOptions,
  WeightOps,
  buildEncoderModel,
  maxOverSequence,
  resolveVocabulary,
} from './bert-sparse-encoder';
import { BertSparseEncoderConfig, EncoderWeights, Matrix, generateEncoderWeights } from './encoder-weights';
import { DEFAULT_DOMAIN, ElementType, MICROSOFT_DOMAIN, GraphBuilder, attribute, tensor } from './onnx-graph';

/** Symmetric int8 weights with one scale per output column: `weight[i][j] ≈ values[i][j] · scales[j]`. */
export interface PerColumnInt8 {
  rows: number;
  cols: number;
  values: Int8Array;
  scales: Float32Array;
}

const INT8_LIMIT = 127;
const ACTIVATION_ZERO_POINT = 128;
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

/** The `[rows, cols]` int8 values of `matrix` as `[cols, rows]`. */
function transposeInt8(matrix: PerColumnInt8): Int8Array {
  const { rows, cols, values } = matrix;
  const result = new Int8Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) result[j * rows + i] = values[i * cols + j];
  }
  return result;
}

const EMBEDDING_ROWS = 'embeddings.word_embeddings.weight_quantized';
const DECODER_WEIGHT = 'cls.predictions.decoder.weight_quantized';
const DECODER_SCALE = 'cls.predictions.decoder.weight_scale';
const DECODER_BIAS = 'cls.predictions.bias';

/**
 * `input · W + bias` with int8 arithmetic: each row (token) of the input is
 * quantized at run time with its own symmetric scale, so a token's result
 * never depends on the other inputs of its batch (a per-tensor scale would
 * make an embedding change with its batch neighbours and their padding).
 * `MatMulIntegerToFloat` applies the weight's column scales as it writes the
 * product (its activation scale can only be per tensor, hence the row scale
 * after it); the row scale and bias follow.
 */
function perRowQuantizedMatMul(graph: GraphBuilder, input: string, weight: string, weightScale: string, bias: string): string {
  const { quantized, rowScale } = quantizeRows(graph, input);
  const product = integerMatMulToFloat(graph, quantized, weight, weightScale);
  return graph.op('Add', [graph.op('Mul', [product, rowScale]), bias]);
}

/** `input · W` in int8 arithmetic with the row scale applied, but not the weight's column scales or a bias. */
function perRowScaledProduct(graph: GraphBuilder, input: string, weight: string): string {
  const { quantized, rowScale } = quantizeRows(graph, input);
  return graph.op('Mul', [integerMatMulToFloat(graph, quantized, weight, graph.floatScalar(1)), rowScale]);
}

/**
 * `round(input / rowScale)` with one symmetric scale per row, within ±127 by construction, stored as the
 * uint8 value + 128 with zero point 128: the multiplication subtracts it again, so the int32 products
 * equal the symmetric int8 ones, but onnxruntime's x86 kernels have a fast (VNNI) path only for
 * uint8 x int8 (int8 x int8 measured ten times slower). The division broadcasts the row scales, and
 * QuantizeLinear with scale 1 rounds half to even and shifts: six nodes, where a per-axis
 * QuantizeLinear needs reshapes to and from [tokens, features] and expanded zero points (eleven), and
 * at a 10-token query the node count is what costs.
 */
function quantizeRows(graph: GraphBuilder, input: string): { quantized: string; rowScale: string } {
  const lastAxis = attribute.ints('axes', [-1]);
  const absMax = graph.op('ReduceMax', [graph.op('Abs', [input])], [lastAxis, attribute.int('keepdims', 1)]); // [..., 1]
  const rowScale = graph.op('Div', [graph.op('Max', [absMax, graph.floatScalar(1e-12)]), graph.floatScalar(INT8_LIMIT)]);
  const scaled = graph.op('Div', [input, rowScale]);
  const quantized = graph.op('QuantizeLinear', [scaled, graph.floatScalar(1), graph.uint8Scalar(ACTIVATION_ZERO_POINT)]);
  return { quantized, rowScale };
}

/** `float(quantized - 128) · weight · weightScale` (a scalar or one scale per column). */
function integerMatMulToFloat(graph: GraphBuilder, quantized: string, weight: string, weightScale: string): string {
  const inputs = [quantized, weight, graph.floatScalar(1), weightScale, graph.uint8Scalar(ACTIVATION_ZERO_POINT)];
  return graph.node('MatMulIntegerToFloat', inputs, { domain: MICROSOFT_DOMAIN })[0];
}

const decoderColumns = (graph: GraphBuilder, rows: string) => graph.op('Add', [graph.op('Mul', [rows, DECODER_SCALE]), DECODER_BIAS]);

/**
 * Dynamic int8 linear layers, as in ELSER's optimized variant: activations
 * are quantized at run time, per token, and multiplied with `MatMulIntegerToFloat`
 * by weights stored as int8 with per-column scales. Position/segment
 * embeddings, LayerNorms and biases stay fp32.
 *
 * The MLM decoder is tied to the token embedding, so both use one int8
 * quantization whose per-column scales are per-token scales: the decoder
 * multiplies by the `[H, V]` matrix, and the embedding lookup gathers the
 * token's values and rescales them. Those values are stored a second time as
 * `[V, H]`, where a token's values are one contiguous row: gathering a column
 * of `[H, V]` instead touches H cache lines per token, which measured 0.3 ms
 * of a 2 ms 10-token query on the built-in model and 4 % of a BERT-base pass
 * at 256 tokens. The copy is a quarter of a separate fp32 embedding table.
 */
export function int8WeightOps(): WeightOps {
  let decoder: PerColumnInt8 | undefined;
  const ensureDecoder = (graph: GraphBuilder, weights: EncoderWeights): PerColumnInt8 => {
    if (decoder) return decoder;
    decoder = quantizePerColumn(transpose(weights.tokenEmbedding));
    graph.addInitializer(tensor(DECODER_WEIGHT, [decoder.rows, decoder.cols], decoder.values));
    graph.addInitializer(tensor(DECODER_SCALE, [decoder.cols], decoder.scales));
    graph.addInitializer(tensor(DECODER_BIAS, [decoder.cols], weights.decoderBias));
    return decoder;
  };
  return {
    opsets: [
      { domain: DEFAULT_DOMAIN, version: ENCODER_OPSET },
      { domain: MICROSOFT_DOMAIN, version: 1 },
    ],
    precision: 'int8',
    fusedGelu: true,
    linear(graph, input, weights, name) {
      const quantized = quantizePerColumn(weights.weight);
      const weight = graph.weight(`${name}.weight_quantized`, [quantized.rows, quantized.cols], quantized.values);
      const scale = graph.weight(`${name}.weight_scale`, [quantized.cols], quantized.scales);
      const bias = graph.weight(`${name}.bias`, [weights.bias.length], weights.bias);
      return perRowQuantizedMatMul(graph, input, weight, scale, bias);
    },
    tokenEmbedding(graph, inputIds, weights) {
      const quantized = ensureDecoder(graph, weights);
      const table = graph.addInitializer(tensor(EMBEDDING_ROWS, [quantized.cols, quantized.rows], transposeInt8(quantized)));
      const rows = graph.op('Gather', [table, inputIds], [attribute.int('axis', 0)]); // [B, S, H]
      const values = graph.op('Cast', [rows], [attribute.int('to', ElementType.FLOAT)]);
      const scales = graph.op('Gather', [DECODER_SCALE, inputIds], [attribute.int('axis', 0)]); // [B, S]
      return graph.op('Mul', [values, graph.op('Unsqueeze', [scales, graph.int64Vector([2])])]);
    },
    // The decoder scales its rows before its columns, unlike the linear layers, so that maxLogits can
    // take the maximum in between: the column scales are positive and rounding is monotone, so scaling
    // and adding the bias after the maximum gives the same bits as before it, on [B, V] instead of [B, S, V].
    decoder(graph, hidden, weights) {
      ensureDecoder(graph, weights);
      return decoderColumns(graph, perRowScaledProduct(graph, hidden, DECODER_WEIGHT));
    },
    maxLogits(graph, hidden, weights) {
      ensureDecoder(graph, weights);
      return decoderColumns(graph, maxOverSequence(graph, perRowScaledProduct(graph, hidden, DECODER_WEIGHT)));
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

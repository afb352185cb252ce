import type { InferenceSession } from 'onnxruntime-node';
import { maxOverSequence } from './bert-sparse-encoder';
import type { EncoderWeights } from './encoder-weights';
import { ElementType, GraphBuilder, assembleModel, encodeModel } from './onnx-graph';
import { int8WeightOps, quantizePerColumn } from './quantize';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const ort: typeof import('onnxruntime-node') = require('onnxruntime-node');

const { fround, abs, max, min, floor } = Math;

/** ONNX Round: to the nearest integer, halves to even. */
function roundHalfEven(value: number): number {
  const down = floor(value);
  const fraction = value - down;
  if (fraction > 0.5) return down + 1;
  if (fraction < 0.5) return down;
  return down % 2 === 0 ? down : down + 1;
}

/**
 * The dynamic int8 linear layer in float32 arithmetic, step by step: per-row
 * symmetric scale, round half to even, clip to ±127, exact integer products,
 * then rescaled by the column scale (as MatMulIntegerToFloat writes them), the
 * row scale, and the bias added.
 */
function referenceLinear(
  input: Float32Array,
  rows: number,
  weight: Float32Array,
  inFeatures: number,
  outFeatures: number,
  bias: Float32Array,
) {
  const quantized = quantizePerColumn({ rows: inFeatures, cols: outFeatures, data: weight });
  const output = new Float32Array(rows * outFeatures);
  for (let r = 0; r < rows; r++) {
    let absMax = 0;
    for (let i = 0; i < inFeatures; i++) absMax = max(absMax, abs(input[r * inFeatures + i]));
    const scale = fround(fround(max(absMax, fround(1e-12))) / 127);
    const q = Array.from({ length: inFeatures }, (_, i) => max(-127, min(127, roundHalfEven(fround(input[r * inFeatures + i] / scale)))));
    for (let j = 0; j < outFeatures; j++) {
      let sum = 0;
      for (let i = 0; i < inFeatures; i++) sum += q[i] * quantized.values[i * outFeatures + j];
      output[r * outFeatures + j] = fround(fround(fround(fround(sum) * quantized.scales[j]) * scale) + bias[j]);
    }
  }
  return output;
}

describe('dynamic int8 linear layer', () => {
  const inFeatures = 8;
  const outFeatures = 5;
  const weight = Float32Array.from({ length: inFeatures * outFeatures }, (_, i) => Math.sin(i * 1.3) * (1 + (i % 3)));
  const bias = Float32Array.from({ length: outFeatures }, (_, j) => j / 10 - 0.2);
  let session: InferenceSession;

  beforeAll(async () => {
    const ops = int8WeightOps();
    const graph = new GraphBuilder('linear');
    const input = graph.addInput('x', ElementType.FLOAT, ['batch', 'sequence', inFeatures]);
    const output = ops.linear(graph, input, { weight: { rows: inFeatures, cols: outFeatures, data: weight }, bias }, 'linear');
    graph.op('Identity', [output], [], 'y');
    graph.addOutput('y', ElementType.FLOAT, ['batch', 'sequence', outFeatures]);
    const model = assembleModel({ graph: graph.build(), opsets: ops.opsets, producerName: 'test', producerVersion: '1' });
    session = await ort.InferenceSession.create(encodeModel(model));
  });

  afterAll(() => session.release());

  test('matches symmetric int8 arithmetic bit for bit, halves rounded to even, each row with its own scale', async () => {
    const rows = [
      // |max| 127 makes the scale exactly 1, so these land on halves.
      [127, 2.5, -3.5, 0.5, 1.5, -0.5, -126.5, 6],
      [0.001, -0.002, 0.0035, 0, 0, 0, 0, 0.004],
      [1e6, -3e5, 12345.678, -1, 0, 7, 2e5, -9e5],
      [0, 0, 0, 0, 0, 0, 0, 0],
      Array.from({ length: inFeatures }, (_, i) => Math.cos(i * 2.1) * 3),
      Array.from({ length: inFeatures }, (_, i) => -Math.exp(i / 3)),
    ];
    const input = Float32Array.from(rows.flat());
    const outputs = await session.run({ x: new ort.Tensor('float32', input, [2, 3, inFeatures]) });
    const actual = outputs.y.data as Float32Array;
    expect(outputs.y.dims).toEqual([2, 3, outFeatures]);
    expect(Array.from(actual)).toEqual(Array.from(referenceLinear(input, rows.length, weight, inFeatures, outFeatures, bias)));
  });
});

describe('int8 maximum of the decoder logits over the sequence', () => {
  const hidden = 6;
  const vocab = 9;
  const weights = {
    config: { hidden },
    tokenEmbedding: {
      rows: vocab,
      cols: hidden,
      data: Float32Array.from({ length: vocab * hidden }, (_, i) => Math.sin(i * 0.7) * (1 + (i % 4))),
    },
    decoderBias: Float32Array.from({ length: vocab }, (_, v) => Math.cos(v) / 3),
  } as unknown as EncoderWeights;

  async function run(pooled: boolean, input: Float32Array, dims: number[]): Promise<Float32Array> {
    const ops = int8WeightOps();
    const graph = new GraphBuilder('decoder');
    const x = graph.addInput('x', ElementType.FLOAT, ['batch', 'sequence', hidden]);
    // The int8 decoder keeps the input's leading dimensions itself and never reads the logits shape.
    const result = pooled ? ops.maxLogits(graph, x, weights, x) : maxOverSequence(graph, ops.decoder(graph, x, weights, x));
    graph.op('Identity', [result], [], 'y');
    graph.addOutput('y', ElementType.FLOAT, ['batch', vocab]);
    const model = assembleModel({ graph: graph.build(), opsets: ops.opsets, producerName: 'test', producerVersion: '1' });
    const session = await ort.InferenceSession.create(encodeModel(model));
    try {
      return (await session.run({ x: new ort.Tensor('float32', input, dims) })).y.data as Float32Array;
    } finally {
      await session.release();
    }
  }

  test('scaling and the bias after the maximum give the same bits as before it', async () => {
    const dims = [3, 5, hidden];
    const input = Float32Array.from({ length: 3 * 5 * hidden }, (_, i) => Math.sin(i * 2.3) * Math.exp((i % 7) - 3));
    const [maxOfLogits, maxLogits] = await Promise.all([run(false, input, dims), run(true, input, dims)]);
    expect(Array.from(maxLogits)).toEqual(Array.from(maxOfLogits));
  });
});

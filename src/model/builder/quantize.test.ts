import type { InferenceSession } from 'onnxruntime-node';
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
 * then rescaled by the row scale, the column scale, and the bias added.
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
      output[r * outFeatures + j] = fround(fround(fround(fround(sum) * scale) * quantized.scales[j]) + bias[j]);
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

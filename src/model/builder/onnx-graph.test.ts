import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { onnx } from 'onnx-proto';
import {
  ElementType,
  GraphBuilder,
  MICROSOFT_DOMAIN,
  assembleModel,
  attribute,
  decodeModel,
  encodeModel,
  floatTensor,
  int64Tensor,
  tensor,
  valueInfo,
  verifyModel,
} from './onnx-graph';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const ort: typeof import('onnxruntime-node') = require('onnxruntime-node');

describe('onnx-graph helpers', () => {
  it('stores raw little-endian data with the element type of the array', () => {
    const floats = floatTensor('f', [2], [1.5, -2]);
    expect(floats.dataType).toBe(ElementType.FLOAT);
    expect(Buffer.from(floats.rawData).readFloatLE(4)).toBe(-2);
    const longs = int64Tensor('l', [], [7]);
    expect(longs.dataType).toBe(ElementType.INT64);
    expect(longs.dims).toEqual([]);
    expect(Buffer.from(longs.rawData).readBigInt64LE(0)).toBe(7n);
    expect(tensor('q', [3], Int8Array.of(-1, 0, 1)).dataType).toBe(ElementType.INT8);
    expect(() => tensor('bad', [2, 2], new Float32Array(3))).toThrow(/4 elements, got 3/);
  });

  it('describes symbolic dimensions', () => {
    const info = valueInfo('x', ElementType.INT64, ['batch', 3]);
    expect(info.type?.tensorType?.shape?.dim?.map((dim) => dim.dimParam || dim.dimValue)).toEqual(['batch', 3]);
  });

  it('rejects unknown inputs, duplicate names, missing opset imports and unproduced outputs', () => {
    const graph = new GraphBuilder('g');
    graph.addInput('x', ElementType.FLOAT, ['n']);
    expect(() => graph.op('Relu', ['y'])).toThrow(/unknown value y/);
    expect(() => graph.addInput('x', ElementType.FLOAT, ['n'])).toThrow(/duplicate value name/);
    expect(() => graph.addOutput('nothing', ElementType.FLOAT, ['n'])).toThrow(/not produced/);
    graph.node('Fancy', ['x'], { domain: MICROSOFT_DOMAIN, outputs: ['z'] });
    graph.addOutput('z', ElementType.FLOAT, ['n']);
    expect(() =>
      assembleModel({ graph: graph.build(), opsets: [{ domain: '', version: 17 }], producerName: 't', producerVersion: '1' }),
    ).toThrow(/no opset import for domain 'com.microsoft'/);
    const reordered = onnx.ModelProto.create({
      graph: onnx.GraphProto.create({
        node: [onnx.NodeProto.create({ opType: 'Relu', input: ['later'], output: ['out'], name: 'n' })],
        output: [valueInfo('out', ElementType.FLOAT, [1])],
      }),
    });
    expect(() => verifyModel(reordered)).toThrow(/reads later before it is defined/);
  });

  it('builds a graph that onnxruntime runs, with scoped names and shared constants', async () => {
    const graph = new GraphBuilder('masked_max');
    graph.addInput('x', ElementType.FLOAT, ['batch', 'sequence', 4]);
    graph.addInput('mask', ElementType.INT64, ['batch', 'sequence']);
    const pooled = graph.scoped('pool', () => {
      const maskFloat = graph.op('Cast', ['mask'], [attribute.int('to', ElementType.FLOAT)]);
      const masked = graph.op('Mul', ['x', graph.op('Unsqueeze', [maskFloat, graph.int64Vector([2])])]);
      const maximum = graph.op('ReduceMax', [masked], [attribute.ints('axes', [1]), attribute.int('keepdims', 0)]);
      return graph.op('Log', [graph.op('Add', [graph.op('Relu', [maximum]), graph.floatScalar(1)])]);
    });
    expect(pooled.startsWith('pool/')).toBe(true);
    expect(graph.floatScalar(1)).toBe(graph.floatScalar(1));
    graph.op('Identity', [pooled], [], 'y');
    graph.addOutput('y', ElementType.FLOAT, ['batch', 4]);
    const bytes = encodeModel(
      assembleModel({ graph: graph.build(), opsets: [{ domain: '', version: 17 }], producerName: 't', producerVersion: '1' }),
    );
    expect(decodeModel(bytes).graph?.node?.length).toBe(8);

    const directory = mkdtempSync(path.join(tmpdir(), 'onnx-graph-'));
    try {
      writeFileSync(path.join(directory, 'model.onnx'), bytes);
      const session = await ort.InferenceSession.create(path.join(directory, 'model.onnx'));
      const x = Float32Array.from([0, 1, 2, 3, 4, -5, 6, -7, 100, 100, 100, 100]);
      const { y } = await session.run({
        x: new ort.Tensor('float32', x, [1, 3, 4]),
        mask: new ort.Tensor('int64', BigInt64Array.from([1n, 1n, 0n]), [1, 3]),
      });
      expect(y.dims).toEqual([1, 4]);
      expect([...(y.data as Float32Array)].map((value) => Number(value.toFixed(5)))).toEqual(
        [4, 1, 6, 3].map((value) => Number(Math.log1p(value).toFixed(5))),
      );
      await session.release();
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });
});

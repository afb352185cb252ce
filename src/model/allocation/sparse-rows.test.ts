import { Tensor } from 'onnxruntime-node';
import { BUILTIN_SIGNATURE } from '../sparse-model-signature';
import { nonZero, pooledRows, rowsFromOutputs, sparseRows } from './sparse-rows';

const plain = (rows: { ids: Int32Array; weights: Float32Array }[]) => rows.map((row) => ({ ids: [...row.ids], weights: [...row.weights] }));

describe('sparse rows', () => {
  test('nonZero keeps every non-zero entry of a slice, ids relative to it', () => {
    const data = Float32Array.from([9, 9, 0, 0.5, -1, 0, 2, 9]);
    expect(plain([nonZero(data, 2, 5)])).toEqual([{ ids: [1, 2, 4], weights: [0.5, -1, 2] }]);
    expect(plain([nonZero(Float32Array.from([0, 0]))])).toEqual([{ ids: [], weights: [] }]);
  });

  test('pooled rows are scanned one vocabulary-wide row at a time', () => {
    const data = Float32Array.from([0, 1, 0, 2, /* row 1 */ 0, 0, 0, 0, /* row 2 */ 3, 0, 0, 0.25]);
    expect(plain(pooledRows(data, 3, 4))).toEqual([
      { ids: [1, 3], weights: [1, 2] },
      { ids: [], weights: [] },
      { ids: [0, 3], weights: [3, 0.25] },
    ]);
    expect(() => pooledRows(data, 2, 4)).toThrow(/expected 2 x 4/);
  });

  test('sparse indices b * V + id are split by row, zero weights dropped, ids sorted', () => {
    const indices = BigInt64Array.from([12n, 3n, 1n, 10n, 11n]);
    const weights = Float32Array.from([0.5, 0.25, 0.75, 0, 1]);
    expect(plain(sparseRows(indices, weights, 3, 5))).toEqual([
      { ids: [1, 3], weights: [0.75, 0.25] },
      { ids: [], weights: [] },
      { ids: [1, 2], weights: [1, 0.5] },
    ]);
    expect(() => sparseRows(Int32Array.from([15]), Float32Array.from([1]), 3, 5)).toThrow(/outside a batch of 3/);
    expect(() => sparseRows(Int32Array.from([1, 2]), Float32Array.from([1]), 1, 5)).toThrow(/2 indices but 1 weights/);
  });

  test('outputs are read by the signature’s names', () => {
    const signature = BUILTIN_SIGNATURE(3);
    const outputs = { output: new Tensor('float32', Float32Array.from([0, 0.5, 0, 1, 0, 0]), [2, 3]) };
    expect(plain(rowsFromOutputs(outputs, signature, 2))).toEqual([
      { ids: [1], weights: [0.5] },
      { ids: [0], weights: [1] },
    ]);
    expect(() => rowsFromOutputs({}, signature, 2)).toThrow('the model has no output [output]');
  });
});

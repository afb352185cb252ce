import type { InferenceSession } from 'onnxruntime-node';
import { ENCODER_OPSET } from './bert-sparse-encoder';
import { DEFAULT_DOMAIN, ElementType, GraphBuilder, assembleModel, encodeModel } from './onnx-graph';
import { tokenPacking } from './token-packing';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const ort: typeof import('onnxruntime-node') = require('onnxruntime-node');

const WIDTH = 3;

/** A graph that packs `values [B, S, 3]` by `mask [B, S]`, and unpacks the packed rows again. */
function packingModel(): Uint8Array {
  const graph = new GraphBuilder('packing');
  graph.addInput('values', ElementType.FLOAT, ['batch', 'sequence', WIDTH]);
  graph.addInput('mask', ElementType.INT64, ['batch', 'sequence']);
  const packing = tokenPacking(graph, 'mask', graph.op('Shape', ['mask']));
  const packed = packing.pack('values', WIDTH);
  graph.op('Identity', [packed], [], 'packed');
  graph.op('Identity', [packing.unpack(packed, WIDTH)], [], 'unpacked');
  graph.addOutput('packed', ElementType.FLOAT, ['tokens', WIDTH]);
  graph.addOutput('unpacked', ElementType.FLOAT, ['batch', 'sequence', WIDTH]);
  return encodeModel(
    assembleModel({
      graph: graph.build(),
      opsets: [{ domain: DEFAULT_DOMAIN, version: ENCODER_OPSET }],
      producerName: 'test',
      producerVersion: '1',
    }),
  );
}

describe('tokenPacking', () => {
  let session: InferenceSession;
  beforeAll(async () => (session = await ort.InferenceSession.create(packingModel())));
  afterAll(() => session?.release());

  /** Position `t` of row `b` holds [b, t, b·10 + t]. */
  async function run(lengths: number[], sequence: number) {
    const values = new Float32Array(lengths.length * sequence * WIDTH);
    const mask = new BigInt64Array(lengths.length * sequence);
    lengths.forEach((length, b) => {
      for (let t = 0; t < sequence; t++) {
        values.set([b, t, b * 10 + t], (b * sequence + t) * WIDTH);
        if (t < length) mask[b * sequence + t] = 1n;
      }
    });
    const result = await session.run({
      values: new ort.Tensor('float32', values, [lengths.length, sequence, WIDTH]),
      mask: new ort.Tensor('int64', mask, [lengths.length, sequence]),
    });
    const rows = (tensor: InferenceSession.OnnxValueMapType[string]) => {
      const data = Array.from(tensor.data as Float32Array);
      return Array.from({ length: data.length / WIDTH }, (_, i) => data.slice(i * WIDTH, (i + 1) * WIDTH));
    };
    return { packed: rows(result.packed), unpacked: rows(result.unpacked), dims: result.unpacked.dims };
  }

  it('keeps only the real tokens, row after row', async () => {
    const { packed } = await run([3, 1, 2], 4);
    expect(packed).toEqual([
      [0, 0, 0],
      [0, 1, 1],
      [0, 2, 2],
      [1, 0, 10],
      [2, 0, 20],
      [2, 1, 21],
    ]);
  });

  it('unpacks to the padded shape, a padded position holding its sequence last token', async () => {
    const { unpacked, dims } = await run([3, 1, 2], 4);
    expect(dims).toEqual([3, 4, WIDTH]);
    expect(unpacked).toEqual([
      [0, 0, 0],
      [0, 1, 1],
      [0, 2, 2],
      [0, 2, 2],
      [1, 0, 10],
      [1, 0, 10],
      [1, 0, 10],
      [1, 0, 10],
      [2, 0, 20],
      [2, 1, 21],
      [2, 1, 21],
      [2, 1, 21],
    ]);
  });

  it('changes nothing in a batch without padding', async () => {
    const { packed, unpacked } = await run([2, 2], 2);
    expect(packed).toEqual(unpacked);
    expect(packed.map(([b, t]) => [b, t])).toEqual([
      [0, 0],
      [0, 1],
      [1, 0],
      [1, 1],
    ]);
  });
});

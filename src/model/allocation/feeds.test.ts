import { BUILTIN_SIGNATURE, SparseModelSignature } from '../sparse-model-signature';
import { buildFeeds, runSlices } from './feeds';

const batch = { ids: Int32Array.from([101, 7, 102, 101, 8, 9, 10, 102]), lengths: Int32Array.from([3, 5]) };
const values = (data: unknown) => [...(data as BigInt64Array)].map(Number);

describe('buildFeeds', () => {
  test('pads every row to the longest, masks the padding and adds zero token types', () => {
    const feeds = buildFeeds(batch, BUILTIN_SIGNATURE(30522));
    expect(Object.keys(feeds).sort()).toEqual(['attention_mask', 'input_ids', 'token_type_ids']);
    for (const tensor of Object.values(feeds)) {
      expect(tensor.type).toBe('int64');
      expect(tensor.dims).toEqual([2, 5]);
    }
    expect(values(feeds.input_ids.data)).toEqual([101, 7, 102, 0, 0, 101, 8, 9, 10, 102]);
    expect(values(feeds.attention_mask.data)).toEqual([1, 1, 1, 0, 0, 1, 1, 1, 1, 1]);
    expect(values(feeds.token_type_ids.data)).toEqual(new Array(10).fill(0));
  });

  test('uses the signature’s input names, leaves token types out when the graph has none, pads with the pad id', () => {
    const signature: SparseModelSignature = {
      inputs: { inputIds: 'ids', attentionMask: 'input_mask' },
      output: { kind: 'pooled', name: 'output' },
      vocabularySize: 30522,
    };
    const feeds = buildFeeds(batch, signature, 5);
    expect(Object.keys(feeds).sort()).toEqual(['ids', 'input_mask']);
    expect(values(feeds.ids.data)).toEqual([101, 7, 102, 5, 5, 101, 8, 9, 10, 102]);
  });
});

describe('runs of a batch', () => {
  const lengths = (counts: number[]) => ({ ids: new Int32Array(counts.reduce((a, b) => a + b, 0)), lengths: Int32Array.from(counts) });

  test('hold as many rows as fit the token budget at the batch’s padded width, at least one', () => {
    expect(runSlices(lengths([10, 20, 30, 40]), 100)).toEqual([
      { from: 0, to: 2, width: 40 },
      { from: 2, to: 4, width: 40 },
    ]);
    expect(runSlices(lengths([512, 3]), 100)).toEqual([
      { from: 0, to: 1, width: 512 },
      { from: 1, to: 2, width: 512 },
    ]);
    expect(runSlices(lengths([16, 16, 16]), 512)).toEqual([{ from: 0, to: 3, width: 16 }]);
  });

  test('a slice’s feeds are the whole batch’s rows, padded to the same width', () => {
    const whole = buildFeeds(batch, BUILTIN_SIGNATURE(30522));
    const second = buildFeeds(batch, BUILTIN_SIGNATURE(30522), 0, { from: 1, to: 2, width: 5 });
    expect(second.input_ids.dims).toEqual([1, 5]);
    expect(values(second.input_ids.data)).toEqual(values(whole.input_ids.data).slice(5));
    expect(values(second.attention_mask.data)).toEqual(values(whole.attention_mask.data).slice(5));
  });
});

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { onnx } from 'onnx-proto';
import type { InferenceSession } from 'onnxruntime-node';
import { emittableTokenMask } from '../builder/lexicon';
import { verifyModel } from '../builder/onnx-graph';
import { PLUGIN_CONVENTIONS, writePluginConventionModels } from '../builder/plugin-conventions';
import type { SparseModelSignature } from '../sparse-model-signature';
import { BertWordPieceTokenizer } from '../tokenizer';
import { loadBertUncasedVocabulary } from '../vocabulary';
import { PreparedSparseModel, prepareSparseModel } from './adapt-model';
import { formatTensors, inspectModel } from './inspect-model';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const ort: typeof import('onnxruntime-node') = require('onnxruntime-node');

const TEXTS = ['The sky above the port was the color of television tuned to a dead channel.', 'Dead channels.'];
const TOLERANCE = 1e-5;

interface Row {
  ids: number[];
  weights: number[];
}

/** Right-pads every row to `length` (default: the longest) with id 0 and mask 0. */
function batchOf(rows: readonly (readonly number[])[], length = Math.max(...rows.map((row) => row.length))) {
  const inputIds = new BigInt64Array(rows.length * length);
  const mask = new BigInt64Array(rows.length * length);
  rows.forEach((row, b) =>
    row.forEach((id, t) => {
      inputIds[b * length + t] = BigInt(id);
      mask[b * length + t] = 1n;
    }),
  );
  return { inputIds, mask, dims: [rows.length, length] };
}

async function encodeRows(
  session: InferenceSession,
  signature: SparseModelSignature,
  rows: readonly (readonly number[])[],
  length?: number,
): Promise<Row[]> {
  const { inputIds, mask, dims } = batchOf(rows, length);
  const feeds: Record<string, import('onnxruntime-node').Tensor> = {
    [signature.inputs.inputIds]: new ort.Tensor('int64', inputIds, dims),
    [signature.inputs.attentionMask]: new ort.Tensor('int64', mask, dims),
  };
  if (signature.inputs.tokenTypeIds)
    feeds[signature.inputs.tokenTypeIds] = new ort.Tensor('int64', new BigInt64Array(inputIds.length), dims);
  const outputs = await session.run(feeds);
  const V = signature.vocabularySize;
  const result: Row[] = rows.map(() => ({ ids: [], weights: [] }));
  if (signature.output.kind === 'pooled') {
    const pooled = outputs[signature.output.name];
    expect(pooled.dims).toEqual([rows.length, V]);
    const data = pooled.data as Float32Array;
    result.forEach((row, b) => {
      for (let id = 0; id < V; id++) {
        if (data[b * V + id] > 0) {
          row.ids.push(id);
          row.weights.push(data[b * V + id]);
        }
      }
    });
  } else {
    const indices = outputs[signature.output.indices].data as BigInt64Array;
    const weights = outputs[signature.output.weights].data as Float32Array;
    indices.forEach((flat, k) => {
      const row = result[Math.floor(Number(flat) / V)];
      row.ids.push(Number(flat) % V);
      row.weights.push(weights[k]);
    });
  }
  return result;
}

/** Asserts identical non-zero ids per row and returns the largest weight difference. */
function maxRowDifference(actual: readonly Row[], expected: readonly Row[]): number {
  expect(actual.map((row) => row.ids)).toEqual(expected.map((row) => row.ids));
  let max = 0;
  actual.forEach((row, b) => row.weights.forEach((weight, k) => (max = Math.max(max, Math.abs(weight - expected[b].weights[k])))));
  return max;
}

const onlyIds = (rows: readonly Row[], keep: (id: number) => boolean): Row[] =>
  rows.map((row) => {
    const kept = row.ids.map((id, k) => [id, row.weights[k]] as const).filter(([id]) => keep(id));
    return { ids: kept.map(([id]) => id), weights: kept.map(([, weight]) => weight) };
  });

describe('prepareSparseModel on the five plug-in conventions', () => {
  const vocabulary = loadBertUncasedVocabulary();
  const tokenizer = new BertWordPieceTokenizer(vocabulary);
  const emittable = emittableTokenMask(vocabulary);
  const tokenized = TEXTS.map((text) => tokenizer.encode(text).ids);
  let directory: string;
  const original = new Map<string, Uint8Array>();
  const prepared = new Map<string, PreparedSparseModel>();
  const sessions = new Map<string, InferenceSession>();
  let reference: Row[];

  beforeAll(async () => {
    directory = mkdtempSync(path.join(tmpdir(), 'elser-plugin-adapt-'));
    for (const file of await writePluginConventionModels(directory)) {
      const bytes = new Uint8Array(readFileSync(file.path));
      original.set(file.convention.name, bytes);
      const model = prepareSparseModel(bytes, { vocabularySize: vocabulary.length });
      prepared.set(file.convention.name, model);
      sessions.set(file.convention.name, await ort.InferenceSession.create(model.modelBytes));
    }
    reference = await encodeRows(sessions.get('pooled')!, prepared.get('pooled')!.signature, tokenized);
  });

  afterAll(async () => {
    for (const session of sessions.values()) await session.release();
    rmSync(directory, { recursive: true, force: true });
  });

  it('the batch really is padded and the reference rows are non-trivial', () => {
    expect(tokenized[0].length).toBeGreaterThan(tokenized[1].length + 5);
    for (const row of reference) expect(row.ids.length).toBeGreaterThan(3);
  });

  it('recognises each convention and maps its names', () => {
    const summary = Object.fromEntries(
      [...prepared].map(([name, model]) => [name, { convention: model.convention, signature: model.signature }]),
    );
    const V = vocabulary.length;
    const hf = { inputIds: 'input_ids', attentionMask: 'attention_mask', tokenTypeIds: 'token_type_ids' };
    const bert = { inputIds: 'input_ids', attentionMask: 'input_mask', tokenTypeIds: 'segment_ids' };
    const appended = prepared.get('logits')!.signature.output;
    expect(summary).toEqual({
      pooled: { convention: 'pooled', signature: { inputs: hf, output: { kind: 'pooled', name: 'output' }, vocabularySize: V } },
      logits: { convention: 'logits', signature: { inputs: hf, output: appended, vocabularySize: V } },
      sparse: {
        convention: 'sparse',
        signature: { inputs: hf, output: { kind: 'sparse', indices: 'output_idx', weights: 'output_weights' }, vocabularySize: V },
      },
      'pooled-bert-names': {
        convention: 'pooled',
        signature: { inputs: bert, output: { kind: 'pooled', name: 'output' }, vocabularySize: V },
      },
      'logits-bert-names': { convention: 'logits', signature: { inputs: bert, output: appended, vocabularySize: V } },
    });
    expect(appended.kind).toBe('pooled');
    expect(Object.keys(summary).sort()).toEqual(PLUGIN_CONVENTIONS.map((convention) => convention.name).sort());
  });

  it('passes pooled and sparse models through byte for byte', () => {
    for (const name of ['pooled', 'sparse', 'pooled-bert-names']) expect(prepared.get(name)!.modelBytes).toBe(original.get(name));
  });

  it('infers the vocabulary size without being told', () => {
    for (const [name, bytes] of original) expect(prepareSparseModel(bytes).signature.vocabularySize).toBe(vocabulary.length);
    expect(inspectModel(original.get('sparse')!)).toMatchObject({ vocabularySize: vocabulary.length, vocabularySource: 'embedding' });
    expect(inspectModel(original.get('logits')!)).toMatchObject({
      vocabularySize: vocabulary.length,
      vocabularySource: 'embedding',
      opset: 17,
    });
  });

  it('the adapted logits graphs are valid ONNX with one [batch, V] output', () => {
    for (const name of ['logits', 'logits-bert-names']) {
      const { modelBytes, signature } = prepared.get(name)!;
      const model = onnx.ModelProto.decode(modelBytes);
      expect(onnx.ModelProto.verify(model)).toBeNull();
      expect(() => verifyModel(model)).not.toThrow();
      const outputName = signature.output.kind === 'pooled' ? signature.output.name : '';
      expect(formatTensors(inspectModel(modelBytes).outputs)).toBe(`${outputName}: float32[batch,${vocabulary.length}]`);
      expect(sessions.get(name)!.outputNames).toEqual([outputName]);
      const before = onnx.ModelProto.decode(original.get(name)!).graph!.node!.length;
      const appendedNodes = model.graph!.node!.slice(before);
      expect(appendedNodes.map((node) => node.opType)).toEqual(['Cast', 'Unsqueeze', 'Mul', 'ReduceMax', 'Relu', 'Add', 'Log']);
      expect(appendedNodes[2].input).toContain(name === 'logits' ? 'logits' : 'output');
    }
  });

  it.each(['pooled-bert-names', 'sparse'])('%s gives the pooled model’s ids and weights', async (name) => {
    const rows = await encodeRows(sessions.get(name)!, prepared.get(name)!.signature, tokenized);
    expect(maxRowDifference(rows, reference)).toBeLessThan(TOLERANCE);
  });

  // The pooled convention zeroes special tokens in-graph; the adapter deliberately does not, so a
  // logits export keeps whatever its special and [unusedN] rows score. Everything else must agree.
  it.each(['logits', 'logits-bert-names'])('%s with appended pooling gives the pooled model’s ids and weights', async (name) => {
    const rows = await encodeRows(sessions.get(name)!, prepared.get(name)!.signature, tokenized);
    expect(
      maxRowDifference(
        onlyIds(rows, (id) => emittable[id] === 1),
        reference,
      ),
    ).toBeLessThan(TOLERANCE);
    const extras = onlyIds(rows, (id) => emittable[id] === 0);
    expect(extras.some((row) => row.ids.length > 0)).toBe(true);
  });

  it.each(PLUGIN_CONVENTIONS.map((convention) => convention.name))('%s: padding does not change a row', async (name) => {
    const { signature } = prepared.get(name)!;
    const session = sessions.get(name)!;
    const padded = await encodeRows(session, signature, tokenized, tokenized[0].length + 7);
    const alone = [...(await encodeRows(session, signature, [tokenized[0]])), ...(await encodeRows(session, signature, [tokenized[1]]))];
    expect(maxRowDifference(padded, alone)).toBeLessThan(TOLERANCE);
  });
});

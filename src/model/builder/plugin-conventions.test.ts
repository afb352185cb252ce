import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { InferenceSession, Tensor } from 'onnxruntime-node';
import { BertWordPieceTokenizer } from '../tokenizer';
import { loadBertUncasedVocabulary } from '../vocabulary';
import { emittableTokenMask } from './lexicon';
import { PLUGIN_CONVENTIONS, PLUGIN_TEST_CONFIG, PluginModelFile, writePluginConventionModels } from './plugin-conventions';
import { poolLogits, rowTokens, sparseToDense } from './splade-pooling';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const ort: typeof import('onnxruntime-node') = require('onnxruntime-node');

const TEXTS = ['The sky above the port was the color of television tuned to a dead channel.', 'Dead channels.'];

describe('plug-in convention test models', () => {
  const vocabulary = loadBertUncasedVocabulary();
  const tokenizer = new BertWordPieceTokenizer(vocabulary);
  const V = vocabulary.length;
  const keep = emittableTokenMask(vocabulary);
  let directory: string;
  let files: PluginModelFile[];
  const sessions = new Map<string, InferenceSession>();

  // A right-padded batch of two sequences of different lengths.
  const ids = TEXTS.map((text) => tokenizer.encode(text).ids);
  const S = Math.max(...ids.map((row) => row.length));
  const inputIds = new BigInt64Array(2 * S);
  const mask = new BigInt64Array(2 * S);
  ids.forEach((row, b) =>
    row.forEach((id, t) => {
      inputIds[b * S + t] = BigInt(id);
      mask[b * S + t] = 1n;
    }),
  );

  async function run(name: string): Promise<Record<string, Tensor>> {
    const session = sessions.get(name)!;
    const [idsName, maskName, typesName] = session.inputNames;
    return session.run({
      [idsName]: new ort.Tensor('int64', inputIds, [2, S]),
      [maskName]: new ort.Tensor('int64', mask, [2, S]),
      [typesName]: new ort.Tensor('int64', new BigInt64Array(2 * S), [2, S]),
    });
  }

  let reference: Float32Array;

  beforeAll(async () => {
    directory = mkdtempSync(path.join(tmpdir(), 'elser-plugins-'));
    files = await writePluginConventionModels(directory);
    for (const file of files) sessions.set(file.convention.name, await ort.InferenceSession.create(file.path));
    reference = (await run('pooled')).output.data as Float32Array;
  });

  afterAll(async () => {
    for (const session of sessions.values()) await session.release();
    rmSync(directory, { recursive: true, force: true });
  });

  const maxDifference = (a: Float32Array, b: Float32Array) => a.reduce((max, value, i) => Math.max(max, Math.abs(value - b[i])), 0);

  it('writes one model per convention with the documented input and output names', () => {
    expect(files.map((file) => path.basename(file.path))).toEqual(PLUGIN_CONVENTIONS.map((convention) => `${convention.name}.onnx`));
    for (const { convention } of files) {
      const session = sessions.get(convention.name)!;
      const { inputIds: idsName, attentionMask, tokenTypeIds } = convention.inputNames;
      expect(session.inputNames).toEqual([idsName, attentionMask, tokenTypeIds]);
      expect(session.outputNames).toEqual(convention.outputNames);
    }
    expect(sessions.get('logits-bert-names')!.inputNames).toEqual(['input_ids', 'input_mask', 'segment_ids']);
    expect(sessions.get('logits')!.outputMetadata[0]).toMatchObject({ type: 'float32', shape: ['batch', 'sequence', V] });
    expect(sessions.get('pooled')!.outputMetadata[0]).toMatchObject({ type: 'float32', shape: ['batch', V] });
    expect(sessions.get('sparse')!.outputMetadata.map((output) => (output.isTensor ? output.type : undefined))).toEqual([
      'int64',
      'float32',
    ]);
  });

  it('the pooled test model is ELSER-shaped too', () => {
    const tokens = new Map(rowTokens(reference, 0, vocabulary));
    for (const word of ['sky', 'port', 'color', 'television', 'channel']) expect(tokens.get(word)).toBeGreaterThan(1);
    expect(PLUGIN_TEST_CONFIG.hidden).toBe(128);
  });

  it.each(['logits', 'logits-bert-names'])('%s: pooling the [batch, sequence, vocab] output reproduces the pooled model', async (name) => {
    const output = Object.values(await run(name))[0];
    expect(output.dims).toEqual([2, S, V]);
    const pooled = poolLogits(output.data as Float32Array, [2, S, V], mask, keep);
    expect(maxDifference(pooled, reference)).toBeLessThan(1e-5);
  });

  it('pooled-bert-names equals the default pooled model', async () => {
    const output = (await run('pooled-bert-names')).output;
    expect(maxDifference(output.data as Float32Array, reference)).toBeLessThan(1e-5);
  });

  it('sparse: flattened (row · vocab + id) indices and weights rebuild the pooled matrix', async () => {
    const { output_idx: indices, output_weights: weights } = await run('sparse');
    expect(indices.dims).toEqual([weights.dims[0]]);
    const indexData = indices.data as BigInt64Array;
    expect([...indexData].every((value, k) => k === 0 || value > indexData[k - 1])).toBe(true);
    expect(indexData.some((value) => value >= BigInt(V))).toBe(true);
    const dense = sparseToDense(indexData, weights.data as Float32Array, 2, V);
    expect(maxDifference(dense, reference)).toBeLessThan(1e-5);
    expect(indices.dims[0]).toBe(reference.filter((value) => value > 0).length);
  });
});

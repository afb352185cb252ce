import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { InferenceSession } from 'onnxruntime-node';
import { BertWordPieceTokenizer } from '../tokenizer';
import { loadBertUncasedVocabulary } from '../vocabulary';
import { BUILTIN_ENCODER_CONFIG, ENCODER_OPSET, buildEncoderModel, gelu } from './bert-sparse-encoder';
import { generateEncoderWeights } from './encoder-weights';
import { isSpecialToken } from './lexicon';
import { ElementType, GraphBuilder, assembleModel, decodeModel, encodeModel } from './onnx-graph';
import { buildQuantizedEncoderModel } from './quantize';
import { rowTokens } from './splade-pooling';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const ort: typeof import('onnxruntime-node') = require('onnxruntime-node');

const SKY = 'The sky above the port was the color of television tuned to a dead channel.';
const SENTENCES = [
  SKY,
  'Ships unloaded their cargo in the busy harbor while sailors watched the storm clouds gather over the distant mountains.',
  'A learned sparse encoder expands every document into weighted vocabulary tokens so that lexical search engines can retrieve passages that share no exact words with the query.',
  'Researchers trained the network on millions of images and measured how accurately it recognized animals, vehicles and buildings.',
];

describe('built-in BERT sparse encoder', () => {
  const vocabulary = loadBertUncasedVocabulary();
  const tokenizer = new BertWordPieceTokenizer(vocabulary);
  const V = BUILTIN_ENCODER_CONFIG.vocabSize;
  let directory: string;
  let fp32: InferenceSession;
  let int8: InferenceSession;

  beforeAll(async () => {
    directory = mkdtempSync(path.join(tmpdir(), 'elser-encoder-'));
    const weights = generateEncoderWeights({ ...BUILTIN_ENCODER_CONFIG }, vocabulary);
    writeFileSync(path.join(directory, 'fp32.onnx'), encodeModel(buildEncoderModel(weights)));
    writeFileSync(path.join(directory, 'int8.onnx'), encodeModel(buildQuantizedEncoderModel(weights)));
    fp32 = await ort.InferenceSession.create(path.join(directory, 'fp32.onnx'));
    int8 = await ort.InferenceSession.create(path.join(directory, 'int8.onnx'));
  });

  afterAll(async () => {
    await fp32?.release();
    await int8?.release();
    rmSync(directory, { recursive: true, force: true });
  });

  /** Runs a right-padded batch; returns the `[batch, V]` output and the token ids per row. */
  async function embed(session: InferenceSession, texts: readonly string[]): Promise<{ pooled: Float32Array; ids: number[][] }> {
    const ids = texts.map((text) => tokenizer.encode(text).ids);
    const sequence = Math.max(...ids.map((row) => row.length));
    const inputIds = new BigInt64Array(texts.length * sequence);
    const mask = new BigInt64Array(texts.length * sequence);
    ids.forEach((row, b) =>
      row.forEach((id, t) => {
        inputIds[b * sequence + t] = BigInt(id);
        mask[b * sequence + t] = 1n;
      }),
    );
    const dims = [texts.length, sequence];
    const result = await session.run({
      input_ids: new ort.Tensor('int64', inputIds, dims),
      attention_mask: new ort.Tensor('int64', mask, dims),
      token_type_ids: new ort.Tensor('int64', new BigInt64Array(texts.length * sequence), dims),
    });
    expect(result.output.dims).toEqual([texts.length, V]);
    return { pooled: result.output.data as Float32Array, ids };
  }

  const row = (pooled: Float32Array, b: number) => pooled.subarray(b * V, (b + 1) * V);
  const dot = (a: Float32Array, b: Float32Array) => a.reduce((sum, value, i) => sum + value * b[i], 0);

  it('loads in onnxruntime with int64 [batch, sequence] inputs and a float [batch, 30522] output', () => {
    for (const session of [fp32, int8]) {
      expect(session.inputNames).toEqual(['input_ids', 'attention_mask', 'token_type_ids']);
      expect(session.outputNames).toEqual(['output']);
      for (const input of session.inputMetadata) {
        expect(input).toMatchObject({ isTensor: true, type: 'int64', shape: ['batch', 'sequence'] });
      }
      expect(session.outputMetadata[0]).toMatchObject({ isTensor: true, type: 'float32', shape: ['batch', V] });
    }
  });

  it('keeps every word piece of the sky sentence and expands it a little', async () => {
    const { pooled, ids } = await embed(fp32, [SKY]);
    const tokens = new Map(rowTokens(pooled, 0, vocabulary));
    for (const word of ['sky', 'port', 'color', 'television', 'channel']) expect(tokens.get(word)).toBeGreaterThan(1);
    for (const id of ids[0]) {
      if (!isSpecialToken(vocabulary[id])) expect(pooled[id]).toBeGreaterThan(0);
    }
    const expansions = [...tokens.keys()].filter((token) => !ids[0].some((id) => vocabulary[id] === token));
    expect(expansions).toEqual(expect.arrayContaining(['colors', 'skies', 'channels']));
    expect(tokens.size).toBeGreaterThanOrEqual(30);
    expect(tokens.size).toBeLessThanOrEqual(250);

    // The input's content words outrank every expansion.
    const weakestContentWord = Math.min(
      ...['sky', 'port', 'color', 'television', 'channel', 'tuned', 'dead'].map((word) => tokens.get(word)!),
    );
    const strongestExpansion = Math.max(...expansions.map((token) => tokens.get(token)!));
    expect(strongestExpansion).toBeLessThan(weakestContentWord);
  });

  it('produces weights in (0, 4] with no special tokens on 10–30-word sentences', async () => {
    const { pooled } = await embed(fp32, SENTENCES);
    SENTENCES.forEach((sentence, b) => {
      const words = sentence.split(/\s+/).length;
      expect(words).toBeGreaterThanOrEqual(10);
      expect(words).toBeLessThanOrEqual(30);
      const values = row(pooled, b);
      const nonZeroIds = [...values.keys()].filter((id) => values[id] !== 0);
      const weights = nonZeroIds.map((id) => values[id]);
      expect(Math.min(...weights)).toBeGreaterThan(0);
      expect(Math.max(...weights)).toBeLessThanOrEqual(4);
      expect(nonZeroIds.filter((id) => isSpecialToken(vocabulary[id]))).toEqual([]);
      const nonZero = nonZeroIds.length;
      expect(nonZero).toBeGreaterThanOrEqual(30);
      expect(nonZero).toBeLessThanOrEqual(250);
    });
  });

  it('scores texts that share words above unrelated texts', async () => {
    const { pooled } = await embed(fp32, [
      SKY,
      'A grey sky hung over the port as the ships left the channel.',
      'My grandmother bakes delicious apple pies every Sunday afternoon for the whole family.',
      'Researchers trained the network on millions of images of animals.',
    ]);
    const related = dot(row(pooled, 0), row(pooled, 1));
    expect(related).toBeGreaterThan(10 * dot(row(pooled, 0), row(pooled, 2)));
    expect(related).toBeGreaterThan(10 * dot(row(pooled, 0), row(pooled, 3)));
  });

  it('gives a padded batch row the same embedding as the sentence alone', async () => {
    const batch = await embed(fp32, [SKY, SENTENCES[2]]);
    const alone = await embed(fp32, [SKY]);
    const padded = row(batch.pooled, 0);
    let maxDifference = 0;
    alone.pooled.forEach((weight, id) => (maxDifference = Math.max(maxDifference, Math.abs(weight - padded[id]))));
    expect(maxDifference).toBeLessThan(1e-5);
  });

  it('int8: gives every row of a padded batch exactly the embedding of its sentence alone', async () => {
    // Activations are quantized per token, so neither padding nor the other rows move a bit.
    const texts = [SENTENCES[2], SKY, 'port', SENTENCES[1]];
    const batch = await embed(int8, texts);
    for (const [b, text] of texts.entries()) {
      const alone = await embed(int8, [text]);
      expect(Array.from(row(batch.pooled, b))).toEqual(Array.from(alone.pooled));
    }
  });

  it('int8 variant keeps at least 90% of the fp32 top-20 tokens', async () => {
    const texts = [...SENTENCES, 'My grandmother bakes delicious apple pies every Sunday afternoon for the whole family.'];
    const reference = await embed(fp32, texts);
    const quantized = await embed(int8, texts);
    texts.forEach((_, b) => {
      const top = (pooled: Float32Array) =>
        rowTokens(pooled, b, vocabulary)
          .slice(0, 20)
          .map(([token]) => token);
      const expected = top(reference.pooled);
      const actual = new Set(top(quantized.pooled));
      expect(expected.filter((token) => actual.has(token)).length / expected.length).toBeGreaterThanOrEqual(0.9);
    });
  });
});

describe('exact GELU', () => {
  test('fused, is written in a form onnxruntime fuses, together with the bias before it, into one node', async () => {
    const graph = new GraphBuilder('gelu');
    const input = graph.addInput('x', ElementType.FLOAT, ['batch', 4]);
    const biased = graph.op('Add', [input, graph.weight('bias', [4], Float32Array.from([0.1, -0.2, 0.3, -0.4]))]);
    graph.op('Identity', [gelu(graph, biased, true)], [], 'y');
    graph.addOutput('y', ElementType.FLOAT, ['batch', 4]);
    const directory = mkdtempSync(path.join(tmpdir(), 'elser-gelu-'));
    try {
      const optimized = path.join(directory, 'optimized.onnx');
      const model = assembleModel({
        graph: graph.build(),
        opsets: [{ domain: '', version: ENCODER_OPSET }],
        producerName: 'test',
        producerVersion: '1',
      });
      const session = await ort.InferenceSession.create(encodeModel(model), {
        graphOptimizationLevel: 'all',
        optimizedModelFilePath: optimized,
      });
      const x = Float32Array.from([-3, -1, 0, 2]);
      const { y } = await session.run({ x: new ort.Tensor('float32', x, [1, 4]) });
      await session.release();
      const bias = [0.1, -0.2, 0.3, -0.4];
      const erf = (v: number) => {
        // Abramowitz and Stegun 7.1.26, |error| < 1.5e-7.
        const t = 1 / (1 + 0.3275911 * Math.abs(v));
        const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
        return Math.sign(v) * (1 - poly * Math.exp(-v * v));
      };
      Array.from(x).forEach((value, i) => {
        const z = value + bias[i];
        expect((y.data as Float32Array)[i]).toBeCloseTo(0.5 * z * (1 + erf(z / Math.SQRT2)), 5);
      });
      const operators = decodeModel(readFileSync(optimized)).graph!.node!.map((node) => node.opType);
      expect(operators).toContain('BiasGelu');
      expect(operators).not.toContain('Erf');
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });
});

import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { onnx } from 'onnx-proto';
import { ElasticsearchException } from '../../errors/elasticsearch-exception';
import { assembleModel, attribute, ElementType, encodeModel, floatTensor, int64Tensor, valueInfo } from '../builder/onnx-graph';
import { BUILTIN_SIGNATURE, SparseModelSignature } from '../sparse-model-signature';
import { BertWordPieceTokenizer } from '../tokenizer';
import { ModelAllocation } from './model-allocation';
import type { TokenBatch, WorkerInit } from './protocol';
import { readSharedModel } from './shared-model';
import { packBatch } from './token-batches';

const REPOSITORY = path.resolve(__dirname, '../../../.cache/model-repository');
const modelPath = path.join(REPOSITORY, 'elser_model_2.onnx');
const vocabulary = (JSON.parse(readFileSync(path.join(REPOSITORY, 'elser_model_2.vocab.json'), 'utf8')) as { vocabulary: string[] })
  .vocabulary;
const signature = BUILTIN_SIGNATURE(vocabulary.length);
const tokenizer = new BertWordPieceTokenizer(vocabulary);

const CANCELED = {
  status: 500,
  type: 'status_exception',
  reason: 'Error in inference process: [inference canceled as process is stopping]',
};

const batchOf = (texts: readonly string[]): TokenBatch => packBatch(texts.map((text) => tokenizer.encode(text)));

const started: ModelAllocation[] = [];

async function startAllocation(init: Partial<WorkerInit> = {}): Promise<ModelAllocation> {
  const allocation = new ModelAllocation({ modelPath, signature, threads: 1, ...init } as WorkerInit);
  started.push(allocation);
  await allocation.start();
  return allocation;
}

afterAll(async () => {
  await Promise.all(started.map((allocation) => allocation.stop()));
});

/**
 * A graph in Anserini's sparse form: for row b and position t with mask 1 it
 * emits index `b * V + input_ids[b, t]` with weight `input_ids[b, t] / 1000`;
 * padding positions get weight 0. It takes no token type ids.
 */
function sparseOutputModel(vocabularySize: number): Uint8Array {
  const node = (opType: string, inputs: string[], output: string, attributes: onnx.AttributeProto[] = []) =>
    onnx.NodeProto.create({ opType, input: inputs, output: [output], name: output, attribute: attributes });
  const graph = onnx.GraphProto.create({
    name: 'sparse-output',
    input: [
      valueInfo('input_ids', ElementType.INT64, ['batch', 'sequence']),
      valueInfo('attention_mask', ElementType.INT64, ['batch', 'sequence']),
    ],
    output: [valueInfo('output_idx', ElementType.INT64, ['nnz']), valueInfo('output_weights', ElementType.FLOAT, ['nnz'])],
    initializer: [
      int64Tensor('zero', [], [0]),
      int64Tensor('one', [], [1]),
      int64Tensor('vocabulary_size', [], [vocabularySize]),
      int64Tensor('flat', [1], [-1]),
      floatTensor('scale', [], [0.001]),
    ],
    node: [
      node('ReduceMax', ['attention_mask'], 'row_ones', [attribute.ints('axes', [1]), attribute.int('keepdims', 1)]),
      node('CumSum', ['row_ones', 'zero'], 'row_number'),
      node('Sub', ['row_number', 'one'], 'row'),
      node('Mul', ['row', 'vocabulary_size'], 'row_offset'),
      node('Add', ['input_ids', 'row_offset'], 'indices'),
      node('Reshape', ['indices', 'flat'], 'output_idx'),
      node('Cast', ['input_ids'], 'ids_float', [attribute.int('to', ElementType.FLOAT)]),
      node('Cast', ['attention_mask'], 'mask_float', [attribute.int('to', ElementType.FLOAT)]),
      node('Mul', ['ids_float', 'mask_float'], 'masked_ids'),
      node('Mul', ['masked_ids', 'scale'], 'weights'),
      node('Reshape', ['weights', 'flat'], 'output_weights'),
    ],
  });
  return encodeModel(
    assembleModel({ graph, opsets: [{ domain: '', version: 17 }], producerName: 'allocation-test', producerVersion: '1' }),
  );
}

describe('ModelAllocation', () => {
  test('loads the model in a worker, runs batches and counts them', async () => {
    const allocation = await startAllocation();
    expect(allocation.state).toBe('ready');
    expect(allocation.threadId).toBeGreaterThan(0);

    const result = await allocation.run(batchOf(['What is the weather like in Amsterdam today?', 'hello']));
    expect(result.rows).toHaveLength(2);
    for (const row of result.rows) {
      expect(row.ids).toBeInstanceOf(Int32Array);
      expect(row.weights).toBeInstanceOf(Float32Array);
      expect(row.ids.length).toBe(row.weights.length);
      expect(row.ids.length).toBeGreaterThan(0);
      expect([...row.ids]).toEqual([...row.ids].sort((a, b) => a - b));
      expect([...row.weights].every((weight) => weight !== 0)).toBe(true);
    }
    expect(result.startTime).toBeLessThanOrEqual(result.endTime);
    expect(result.startTime).toBeGreaterThan(Date.now() - 60_000);
    expect(allocation.stats.inferenceCount).toBe(1);
    expect(allocation.stats.totalInferenceTimeMs).toBeCloseTo(result.endTime - result.startTime, 6);
    expect(allocation.stats.lastAccess).toBe(result.endTime);
    expect(allocation.state).toBe('ready');
  });

  test('answers the same rows from model bytes shared through a SharedArrayBuffer', async () => {
    const shared = await readSharedModel(modelPath);
    expect(shared.buffer).toBeInstanceOf(SharedArrayBuffer);
    const [fromFile, fromShared] = await Promise.all([startAllocation(), startAllocation({ model: shared, modelPath: undefined })]);
    const texts = ['Shared model bytes', 'and a second, longer input about sparse encoders'];
    const [a, b] = await Promise.all([fromFile.run(batchOf(texts)), fromShared.run(batchOf(texts))]);
    expect(b.rows).toEqual(a.rows);
  });

  test('reads sparse outputs per row, without token type ids', async () => {
    const sparseSignature: SparseModelSignature = {
      inputs: { inputIds: 'input_ids', attentionMask: 'attention_mask' },
      output: { kind: 'sparse', indices: 'output_idx', weights: 'output_weights' },
      vocabularySize: vocabulary.length,
    };
    const allocation = await startAllocation({
      model: sparseOutputModel(vocabulary.length),
      modelPath: undefined,
      signature: sparseSignature,
    });
    const batch = { ids: Int32Array.from([101, 3000, 2000, 102, 101, 7000, 102]), lengths: Int32Array.from([4, 3]) };
    const { rows } = await allocation.run(batch);
    const weight = (id: number) => Math.fround(Math.fround(id) * Math.fround(0.001));
    expect(rows.map((row) => [...row.ids])).toEqual([
      [101, 102, 2000, 3000],
      [101, 102, 7000],
    ]);
    expect(rows.map((row) => [...row.weights])).toEqual([[101, 102, 2000, 3000].map(weight), [101, 102, 7000].map(weight)]);
  });

  test('a failing run is an inference error, and the allocation stays ready', async () => {
    const wrongInputs: SparseModelSignature = { ...signature, inputs: { ...signature.inputs, attentionMask: 'no_such_input' } };
    const allocation = await startAllocation({ signature: wrongInputs });
    const failure = allocation.run(batchOf(['anything']));
    await expect(failure).rejects.toBeInstanceOf(ElasticsearchException);
    await expect(failure).rejects.toMatchObject({
      status: 500,
      reason: expect.stringMatching(/^Error in inference process: \[.*attention_mask.*is missing/),
    });
    expect(allocation.state).toBe('ready');
    expect(allocation.stats.inferenceCount).toBe(0);
  });

  test('takes one batch at a time', async () => {
    const allocation = await startAllocation();
    const first = allocation.run(batchOf(['first']));
    await expect(allocation.run(batchOf(['second']))).rejects.toThrow(/already has a batch in flight/);
    await expect(first).resolves.toMatchObject({ rows: [expect.anything()] });
  });

  test('stopping while a batch runs cancels it and waits for the worker to end', async () => {
    const allocation = await startAllocation();
    const inFlight = allocation.run(batchOf(Array.from({ length: 10 }, () => 'long input '.repeat(50)))).catch((error: unknown) => error);
    await allocation.stop();
    expect(allocation.state).toBe('stopped');
    await expect(inFlight).resolves.toMatchObject(CANCELED);
    await expect(allocation.run(batchOf(['after stop']))).rejects.toMatchObject(CANCELED);
  });

  test('stopping while the model loads fails the start as canceled', async () => {
    const allocation = new ModelAllocation({ modelPath, signature, threads: 1 });
    const starting = allocation.start().catch((error: unknown) => error);
    await allocation.stop();
    expect(allocation.state).toBe('stopped');
    await expect(starting).resolves.toMatchObject(CANCELED);
  });

  test('a worker that exits on its own is reported dead, once', async () => {
    const deaths: string[] = [];
    const allocation = new ModelAllocation({ modelPath, signature, threads: 1 }, { onDead: (_, reason) => deaths.push(reason) });
    started.push(allocation);
    await allocation.start();
    allocation.kill(3);
    const inFlight = allocation.run(batchOf(['lost with the worker'])).catch((error: unknown) => error);
    await expect(inFlight).resolves.toMatchObject(CANCELED);
    expect(allocation.state).toBe('dead');
    expect(deaths).toEqual(['worker exited with code [3]']);
    await allocation.stop();
    expect(deaths).toHaveLength(1);
  });
});

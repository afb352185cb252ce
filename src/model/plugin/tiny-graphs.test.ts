import { onnx } from 'onnx-proto';
import { poolLogits } from '../builder/splade-pooling';
import { Dim, ElementType, GraphBuilder, assembleModel, attribute, encodeModel, valueInfo } from '../builder/onnx-graph';
import { UnsupportedModelError, prepareSparseModel } from './adapt-model';
import { formatTensors, inspectModel } from './inspect-model';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const ort: typeof import('onnxruntime-node') = require('onnxruntime-node');

const V = 40;
const H = 6;
const I64 = ElementType.INT64;
const F32 = ElementType.FLOAT;

/** Deterministic values in [-2, 2). */
function values(count: number, seed: number): Float32Array {
  let state = seed >>> 0;
  return Float32Array.from({ length: count }, () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return (state / 2 ** 32) * 4 - 2;
  });
}

interface TinyOptions {
  opset?: number;
  inputs?: readonly [string, ElementType][];
  /** Extra graph outputs built from the logits or the hidden state, declared before the main one. */
  extraOutputs?: (graph: GraphBuilder, hidden: string, logits: string) => void;
  /** Name of the [B, S, V] logits output; `null` declares no logits output. */
  logitsName?: string | null;
  /** Logits value name inside the graph, to collide with the adapter's naming. */
  internalLogits?: string;
  /** Cast the ids to int32 before the lookup, so no table is indexed by `input_ids` itself. */
  castIds?: boolean;
}

/** `input_ids` → embedding [B, S, H] → logits [B, S, V]; the other inputs are declared but unused. */
function tinyModel(options: TinyOptions = {}): onnx.ModelProto {
  const graph = new GraphBuilder('tiny');
  const inputs = options.inputs ?? [
    ['input_ids', I64],
    ['attention_mask', I64],
  ];
  for (const [name, type] of inputs) graph.addInput(name, type, ['batch', 'sequence']);
  const embedding = graph.weight('embedding', [V, H], values(V * H, 1));
  const ids = options.castIds ? graph.op('Cast', ['input_ids'], [attribute.int('to', ElementType.INT32)]) : 'input_ids';
  const hidden = graph.op('Gather', [embedding, ids], [attribute.int('axis', 0)]);
  const projected = graph.op('MatMul', [hidden, graph.weight('projection', [H, V], values(H * V, 2))]);
  const logits = graph.op('Identity', [projected], [], options.internalLogits);
  options.extraOutputs?.(graph, hidden, logits);
  const logitsName = options.logitsName === undefined ? 'logits' : options.logitsName;
  if (logitsName !== null) {
    graph.op('Identity', [logits], [], logitsName);
    graph.addOutput(logitsName, F32, ['batch', 'sequence', V]);
  }
  return assembleModel({
    graph: graph.build(),
    opsets: [{ domain: '', version: options.opset ?? 17 }],
    producerName: 'tiny-graphs.test',
    producerVersion: '1',
  });
}

const bytesOf = (model: onnx.ModelProto) => encodeModel(model);

// Two rows; the second is padded with a real-looking id (7) whose logits must be masked out.
const BATCH = 2;
const SEQUENCE = 5;
const IDS = BigInt64Array.from([1, 2, 3, 4, 5, 6, 9, 7, 7, 7], BigInt);
const MASK = BigInt64Array.from([1, 1, 1, 1, 1, 1, 1, 0, 0, 0], BigInt);

async function run(modelBytes: Uint8Array, outputName: string, maskName = 'attention_mask') {
  const session = await ort.InferenceSession.create(modelBytes);
  try {
    const dims = [BATCH, SEQUENCE];
    const outputs = await session.run({ input_ids: new ort.Tensor('int64', IDS, dims), [maskName]: new ort.Tensor('int64', MASK, dims) });
    return outputs[outputName];
  } finally {
    await session.release();
  }
}

const maxDifference = (a: Float32Array, b: Float32Array) => a.reduce((max, value, i) => Math.max(max, Math.abs(value - b[i])), 0);

describe('appending pooling across opsets', () => {
  it.each([7, 11, 13, 17, 18])('opset %i: pooled output equals JS SPLADE pooling of the logits', async (opset) => {
    const original = bytesOf(tinyModel({ opset }));
    const prepared = prepareSparseModel(original);
    expect(prepared.convention).toBe('logits');
    expect(prepared.signature).toEqual({
      inputs: { inputIds: 'input_ids', attentionMask: 'attention_mask' },
      output: { kind: 'pooled', name: 'splade_pooling/output' },
      vocabularySize: V,
    });

    const model = onnx.ModelProto.decode(prepared.modelBytes);
    expect(onnx.ModelProto.verify(model)).toBeNull();
    const node = (opType: string) => model.graph!.node!.find((candidate) => candidate.opType === opType)!;
    const attributeNames = (opType: string) => node(opType).attribute!.map((entry) => entry.name);
    expect(node('Unsqueeze').input).toHaveLength(opset >= 13 ? 2 : 1);
    expect(attributeNames('Unsqueeze')).toEqual(opset >= 13 ? [] : ['axes']);
    expect(node('ReduceMax').input).toHaveLength(opset >= 18 ? 2 : 1);
    expect(attributeNames('ReduceMax')).toEqual(opset >= 18 ? ['keepdims'] : ['axes', 'keepdims']);

    const logits = await run(original, 'logits');
    const pooled = await run(prepared.modelBytes, 'splade_pooling/output');
    expect(pooled.dims).toEqual([BATCH, V]);
    const expected = poolLogits(logits.data as Float32Array, [BATCH, SEQUENCE, V], MASK);
    expect(maxDifference(pooled.data as Float32Array, expected)).toBeLessThan(1e-6);
    // The padded id scores differently from the real ones, so ignoring the mask would show.
    const unmasked = poolLogits(logits.data as Float32Array, [BATCH, SEQUENCE, V], new BigInt64Array(BATCH * SEQUENCE).fill(1n));
    expect(maxDifference(unmasked, expected)).toBeGreaterThan(0.1);
  });

  it('picks new names that do not collide with the graph’s own', async () => {
    const original = tinyModel({
      internalLogits: 'splade_pooling/output',
      inputs: [
        ['input_ids', I64],
        ['input_mask', I64],
      ],
    });
    const prepared = prepareSparseModel(bytesOf(original));
    expect(prepared.signature.output).toEqual({ kind: 'pooled', name: 'splade_pooling/output_1' });
    expect(prepared.signature.inputs.attentionMask).toBe('input_mask');
    const model = onnx.ModelProto.decode(prepared.modelBytes);
    const produced = model.graph!.node!.flatMap((node) => node.output!);
    expect(new Set(produced).size).toBe(produced.length);
    const pooled = await run(prepared.modelBytes, 'splade_pooling/output_1', 'input_mask');
    expect(pooled.dims).toEqual([BATCH, V]);
  });
});

describe('choosing among several outputs', () => {
  it('skips hidden-state outputs and takes the logits', () => {
    const model = tinyModel({
      extraOutputs: (graph, hidden) => {
        graph.op('Identity', [hidden], [], 'last_hidden_state');
        graph.addOutput('last_hidden_state', F32, ['batch', 'sequence', 'hidden']);
        graph.op('ReduceMax', [hidden], [attribute.ints('axes', [1]), attribute.int('keepdims', 0)], 'pooler_output');
        graph.addOutput('pooler_output', F32, ['batch', 'hidden']);
      },
    });
    const prepared = prepareSparseModel(bytesOf(model));
    expect(prepared.convention).toBe('logits');
    expect(formatTensors(inspectModel(prepared.modelBytes).outputs)).toBe(`splade_pooling/output: float32[batch,${V}]`);
  });

  it('prefers an output named `output` over `logits`', () => {
    const model = tinyModel({
      extraOutputs: (graph, _hidden, logits) => {
        graph.op('ReduceMax', [logits], [attribute.ints('axes', [1]), attribute.int('keepdims', 0)], 'output');
        graph.addOutput('output', F32, ['batch', V]);
      },
    });
    const bytes = bytesOf(model);
    const prepared = prepareSparseModel(bytes);
    expect(prepared).toEqual({
      modelBytes: bytes,
      convention: 'pooled',
      signature: expect.objectContaining({ output: { kind: 'pooled', name: 'output' } }),
    });
  });

  it('ignores a float output whose width is not the vocabulary size', () => {
    const model = tinyModel({
      logitsName: 'scores',
      extraOutputs: (graph, hidden) => {
        graph.op('ReduceMax', [hidden], [attribute.ints('axes', [1]), attribute.int('keepdims', 0)], 'sentence_embedding');
        graph.addOutput('sentence_embedding', F32, ['batch', H]);
      },
    });
    const prepared = prepareSparseModel(bytesOf(model));
    expect(prepared.convention).toBe('logits');
    expect(inspectModel(prepared.modelBytes).outputs.map((output) => output.dims)).toEqual([['batch', V]]);
  });
});

/** A sparse-output graph whose ids never index a table, so nothing implies the vocabulary size. */
function tinySparseModel(): onnx.ModelProto {
  const graph = new GraphBuilder('tiny_sparse');
  graph.addInput('input_ids', I64, ['batch', 'sequence']);
  graph.addInput('attention_mask', I64, ['batch', 'sequence']);
  const flat = graph.op('Reshape', [graph.op('Cast', ['input_ids'], [attribute.int('to', F32)]), graph.int64Vector([-1])]);
  graph.op('Reshape', [graph.op('NonZero', [flat]), graph.int64Vector([-1])], [], 'output_idx');
  graph.op('Gather', [flat, 'output_idx'], [attribute.int('axis', 0)], 'output_weights');
  graph.addOutput('output_idx', I64, ['nonzero']);
  graph.addOutput('output_weights', F32, ['nonzero']);
  return assembleModel({ graph: graph.build(), opsets: [{ domain: '', version: 17 }], producerName: 'tiny', producerVersion: '1' });
}

describe('refusals', () => {
  const refusal = (bytes: Uint8Array, options?: { vocabularySize?: number }) => {
    try {
      prepareSparseModel(bytes, options);
    } catch (error) {
      expect(error).toBeInstanceOf(UnsupportedModelError);
      return (error as Error).message;
    }
    throw new Error('the model was accepted');
  };

  it('a graph whose only output is rank 1', () => {
    const model = tinyModel({
      logitsName: null,
      extraOutputs: (graph, _hidden, logits) => {
        graph.op('ReduceMax', [logits], [attribute.ints('axes', [1, 2]), attribute.int('keepdims', 0)], 'scores');
        graph.addOutput('scores', F32, ['batch']);
      },
    });
    const message = refusal(bytesOf(model));
    expect(message).toMatch(/^no usable output: expected a float32 \[batch, vocabulary\] output/);
    expect(message).toContain('outputs: scores: float32[batch]');
    expect(message).toContain('inputs: input_ids: int64[batch,sequence], attention_mask: int64[batch,sequence]');
  });

  it('a [batch, hidden] output where the vocabulary was expected', () => {
    const model = tinyModel({
      logitsName: null,
      extraOutputs: (graph, hidden) => {
        graph.op('ReduceMax', [hidden], [attribute.ints('axes', [1]), attribute.int('keepdims', 0)], 'output');
        graph.addOutput('output', F32, ['batch', H]);
      },
    });
    expect(refusal(bytesOf(model))).toMatch(
      /^no output is as wide as the vocabulary \(40, from the token-embedding table indexed by 'input_ids'\): output: float32\[batch,6\]/,
    );
  });

  it('an input the server cannot feed', () => {
    const model = tinyModel({
      inputs: [
        ['input_ids', I64],
        ['attention_mask', I64],
        ['position_ids', I64],
      ],
    });
    expect(refusal(bytesOf(model))).toMatch(
      /^unsupported model input 'position_ids': a sparse encoder may only take input_ids, attention_mask/,
    );
  });

  it('both mask spellings at once', () => {
    const model = tinyModel({
      inputs: [
        ['input_ids', I64],
        ['attention_mask', I64],
        ['input_mask', I64],
      ],
    });
    expect(refusal(bytesOf(model))).toMatch(/^unsupported model input 'input_mask'/);
  });

  it('no attention mask', () => {
    expect(refusal(bytesOf(tinyModel({ inputs: [['input_ids', I64]] })))).toMatch(/^the model has no attention mask input/);
  });

  it('int32 inputs', () => {
    const model = tinyModel({
      inputs: [
        ['input_ids', ElementType.INT32],
        ['attention_mask', I64],
      ],
    });
    expect(refusal(bytesOf(model))).toMatch(/^input input_ids: int32\[batch,sequence\] must be int64/);
  });

  it('a float16 logits output', () => {
    const model = tinyModel({ logitsName: null });
    model.graph!.output = [valueInfo('logits16', ElementType.FLOAT16, ['batch', 'sequence', V])];
    const logits = model.graph!.node![model.graph!.node!.length - 1].output![0];
    model.graph!.node!.push(
      onnx.NodeProto.create({
        opType: 'Cast',
        input: [logits],
        output: ['logits16'],
        attribute: [attribute.int('to', ElementType.FLOAT16)],
      }),
    );
    expect(refusal(bytesOf(model))).toContain('outputs: logits16: float16[batch,sequence,40]');
  });

  it('half of the sparse pair', () => {
    const model = tinySparseModel();
    model.graph!.output = model.graph!.output!.slice(0, 1);
    expect(refusal(bytesOf(model))).toMatch(/^'output_idx' and 'output_weights' must come together/);
  });

  it('a vocabulary size other than the caller’s', () => {
    expect(refusal(bytesOf(tinyModel()), { vocabularySize: 30522 })).toMatch(
      /^no output is as wide as the vocabulary \(30522, from options.vocabularySize\)/,
    );
  });

  it('a sparse model whose vocabulary size cannot be read off the graph, unless the caller gives it', () => {
    const bytes = bytesOf(tinySparseModel());
    expect(refusal(bytes)).toMatch(/^cannot tell the vocabulary size from the graph; pass options.vocabularySize/);
    expect(prepareSparseModel(bytes, { vocabularySize: 99 })).toMatchObject({ convention: 'sparse', signature: { vocabularySize: 99 } });
  });

  it('bytes that are not an ONNX model', () => {
    expect(() => prepareSparseModel(Uint8Array.from([0xff, 0xff, 0xff, 0xff]))).toThrow(/^not a readable ONNX model \(4 bytes\)/);
  });
});

describe('inspectModel', () => {
  it('describes inputs, outputs, symbolic and unnamed dims, opsets and the implied vocabulary', () => {
    const model = tinyModel({ opset: 13, castIds: true });
    const unnamed: Dim[] = ['batch', 'sequence', V];
    model.graph!.output = [valueInfo('logits', F32, unnamed)];
    model.graph!.output[0].type!.tensorType!.shape!.dim![1] = onnx.TensorShapeProto.Dimension.create({});
    // IR < 4 exporters list initializers as inputs too; they need no feed.
    model.graph!.input!.push(valueInfo('embedding', F32, [V, H]));
    expect(inspectModel(bytesOf(model))).toEqual({
      irVersion: 8,
      producerName: 'tiny-graphs.test',
      producerVersion: '1',
      opset: 13,
      opsets: [{ domain: '', version: 13 }],
      inputs: [
        { name: 'input_ids', elementType: 'int64', elementTypeCode: I64, dims: ['batch', 'sequence'] },
        { name: 'attention_mask', elementType: 'int64', elementTypeCode: I64, dims: ['batch', 'sequence'] },
      ],
      outputs: [{ name: 'logits', elementType: 'float32', elementTypeCode: F32, dims: ['batch', null, V] }],
      usesExternalData: false,
      vocabularySize: V,
      vocabularySource: 'output',
    });
  });

  it('reads the vocabulary size off the embedding table when outputs do not show it', () => {
    const model = tinyModel();
    model.graph!.output = [valueInfo('logits', F32, ['batch', 'sequence', 'vocab'])];
    expect(inspectModel(bytesOf(model))).toMatchObject({ vocabularySize: V, vocabularySource: 'embedding' });
    expect(prepareSparseModel(bytesOf(model)).signature.vocabularySize).toBe(V);
  });

  it('reports outputs without a declared shape', () => {
    const model = tinyModel();
    model.graph!.output = [onnx.ValueInfoProto.create({ name: 'logits', type: { tensorType: { elemType: F32 } } })];
    const description = inspectModel(bytesOf(model));
    expect(formatTensors(description.outputs)).toBe('logits: float32 (shape unknown)');
    expect(() => prepareSparseModel(bytesOf(model))).toThrow(/the model declares no shape for 'logits'/);
  });
});

import { onnx } from 'onnx-proto';
import { ElementType, attribute, floatTensor, int64Tensor, valueInfo } from '../builder/onnx-graph';
import type { SparseModelSignature } from '../sparse-model-signature';
import { ModelDescription, TensorDescription, decodeOnnxModel, describeModel, formatTensor, formatTensors } from './inspect-model';

/** The output form the model was exported with; `logits` models leave here with pooling appended. */
export type PluginConvention = 'pooled' | 'logits' | 'sparse';

export interface PrepareSparseModelOptions {
  /**
   * The vocabulary size the caller will map ids with (its tokenizer's
   * vocabulary). Required when the graph does not imply one; an error when
   * the graph implies a different one.
   */
  vocabularySize?: number;
}

export interface PreparedSparseModel {
  /** The bytes to load: the input bytes for `pooled`/`sparse`, a re-encoded graph for `logits`. */
  modelBytes: Uint8Array;
  signature: SparseModelSignature;
  convention: PluginConvention;
}

/** The model cannot be served as a sparse encoder; the message says what was found. */
export class UnsupportedModelError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsupportedModelError';
  }
}

const INPUT_ALIASES = {
  inputIds: ['input_ids'],
  attentionMask: ['attention_mask', 'input_mask'],
  tokenTypeIds: ['token_type_ids', 'segment_ids'],
} as const;

const SPARSE_INDICES = 'output_idx';
const SPARSE_WEIGHTS = 'output_weights';
const EMBEDDING_SOURCE = "the token-embedding table indexed by 'input_ids'";

/**
 * Output names tried first, in this order, when several float outputs could be
 * the result: `output` (pooled exports, SPLADERunner's logits) and `logits`
 * (Hugging Face / optimum `AutoModelForMaskedLM`). After them, graph order.
 */
const PREFERRED_OUTPUT_NAMES = ['output', 'logits'];

/**
 * Encoder-internal outputs that optimum and transformers exports may add next
 * to the logits. They have the right rank (`last_hidden_state` [B,S,H],
 * `pooler_output` [B,H]) but hold hidden states, not vocabulary scores, so they
 * are never taken even when their width is symbolic and cannot be compared
 * with the vocabulary size.
 */
const HIDDEN_STATE_OUTPUT = /(^|[_./])(last_hidden_state|hidden_states?|pooler_output)([_./]|$)/;

/** Pooling below this opset would need the pre-7 explicit `broadcast` attribute on Mul/Add. */
const MINIMUM_POOLING_OPSET = 7;

function refuse(message: string, description: ModelDescription): never {
  throw new UnsupportedModelError(
    `${message} (model inputs: ${formatTensors(description.inputs)}; outputs: ${formatTensors(description.outputs)})`,
  );
}

const isInt64 = (tensor: TensorDescription) => tensor.elementTypeCode === ElementType.INT64;
const isFloat32 = (tensor: TensorDescription) => tensor.elementTypeCode === ElementType.FLOAT;
const rankOf = (tensor: TensorDescription) => tensor.dims?.length;

function mapInputs(description: ModelDescription): SparseModelSignature['inputs'] {
  const chosen: Partial<Record<keyof typeof INPUT_ALIASES, TensorDescription>> = {};
  const unexpected: TensorDescription[] = [];
  for (const input of description.inputs) {
    const role = (Object.keys(INPUT_ALIASES) as (keyof typeof INPUT_ALIASES)[]).find((key) =>
      (INPUT_ALIASES[key] as readonly string[]).includes(input.name),
    );
    // A second alias of a role already filled (both `attention_mask` and `input_mask`) is as unfeedable as an unknown name.
    if (role === undefined || chosen[role] !== undefined) unexpected.push(input);
    else chosen[role] = input;
  }
  if (unexpected.length > 0) {
    refuse(
      `unsupported model input${unexpected.length > 1 ? 's' : ''} ${unexpected.map((input) => `'${input.name}'`).join(', ')}: ` +
        'a sparse encoder may only take input_ids, attention_mask or input_mask, and optionally token_type_ids or segment_ids',
      description,
    );
  }
  if (!chosen.inputIds) refuse("the model has no 'input_ids' input", description);
  if (!chosen.attentionMask) refuse("the model has no attention mask input ('attention_mask' or 'input_mask')", description);
  for (const input of Object.values(chosen)) {
    if (!isInt64(input)) refuse(`input ${formatTensor(input)} must be int64`, description);
    const rank = rankOf(input);
    if (rank !== undefined && rank !== 2) refuse(`input ${formatTensor(input)} must be [batch, sequence], not rank ${rank}`, description);
  }
  return {
    inputIds: chosen.inputIds.name,
    attentionMask: chosen.attentionMask.name,
    ...(chosen.tokenTypeIds ? { tokenTypeIds: chosen.tokenTypeIds.name } : {}),
  };
}

type OutputChoice =
  | { convention: 'sparse'; indices: TensorDescription; weights: TensorDescription }
  | { convention: 'pooled' | 'logits'; output: TensorDescription };

interface KnownVocabulary {
  size: number;
  source: string;
}

function chooseOutput(description: ModelDescription, expectedVocabulary: KnownVocabulary | undefined): OutputChoice {
  const byName = (name: string) => description.outputs.find((output) => output.name === name);
  const indices = byName(SPARSE_INDICES);
  const weights = byName(SPARSE_WEIGHTS);
  if (indices || weights) {
    if (!indices || !weights) refuse(`'${SPARSE_INDICES}' and '${SPARSE_WEIGHTS}' must come together`, description);
    if (!isInt64(indices)) refuse(`sparse output ${formatTensor(indices)} must be int64`, description);
    if (!isFloat32(weights)) refuse(`sparse output ${formatTensor(weights)} must be float32`, description);
    for (const output of [indices, weights]) {
      const rank = rankOf(output);
      if (rank !== undefined && rank !== 1) refuse(`sparse output ${formatTensor(output)} must be rank 1, not rank ${rank}`, description);
    }
    return { convention: 'sparse', indices, weights };
  }

  const shaped = description.outputs.filter((output) => {
    const rank = rankOf(output);
    return isFloat32(output) && !HIDDEN_STATE_OUTPUT.test(output.name) && (rank === 2 || rank === 3);
  });
  const candidates = shaped.filter((output) => {
    const width = output.dims![output.dims!.length - 1];
    return expectedVocabulary === undefined || typeof width !== 'number' || width === expectedVocabulary.size;
  });
  if (shaped.length > 0 && candidates.length === 0) {
    refuse(
      `no output is as wide as the vocabulary (${expectedVocabulary!.size}, from ${expectedVocabulary!.source}): ` +
        shaped.map(formatTensor).join(', '),
      description,
    );
  }
  const rank = (output: TensorDescription) => {
    const preference = PREFERRED_OUTPUT_NAMES.indexOf(output.name);
    return preference === -1 ? PREFERRED_OUTPUT_NAMES.length : preference;
  };
  const output = [...candidates].sort((a, b) => rank(a) - rank(b))[0];
  if (!output) {
    const shapeless = description.outputs.filter((candidate) => candidate.dims === undefined).map((candidate) => `'${candidate.name}'`);
    refuse(
      'no usable output: expected a float32 [batch, vocabulary] output (pooled), float32 [batch, sequence, vocabulary] logits, ' +
        `or '${SPARSE_INDICES}' (int64) with '${SPARSE_WEIGHTS}' (float32)` +
        (shapeless.length > 0 ? `; the model declares no shape for ${shapeless.join(', ')}` : ''),
      description,
    );
  }
  return { convention: rankOf(output) === 2 ? 'pooled' : 'logits', output };
}

function resolveVocabularySize(description: ModelDescription, choice: OutputChoice, requested: number | undefined): number {
  let implied: number | undefined;
  let source = '';
  if (choice.convention !== 'sparse') {
    const width = choice.output.dims![choice.output.dims!.length - 1];
    if (typeof width === 'number') {
      implied = width;
      source = `output '${choice.output.name}'`;
    }
  }
  if (implied === undefined && description.vocabularySource === 'embedding') {
    implied = description.vocabularySize;
    source = EMBEDDING_SOURCE;
  }
  if (requested !== undefined) {
    if (implied !== undefined && implied !== requested) {
      refuse(`the model's vocabulary has ${implied} entries (from ${source}) but ${requested} were expected`, description);
    }
    return requested;
  }
  if (implied === undefined) refuse('cannot tell the vocabulary size from the graph; pass options.vocabularySize', description);
  return implied;
}

function collectNames(graph: onnx.IGraphProto): Set<string> {
  const names = new Set<string>();
  const add = (name: string | null | undefined) => {
    if (name) names.add(name);
  };
  for (const value of [...(graph.input ?? []), ...(graph.output ?? []), ...(graph.valueInfo ?? [])]) add(value.name);
  for (const initializer of graph.initializer ?? []) add(initializer.name);
  for (const sparse of graph.sparseInitializer ?? []) add(sparse.values?.name);
  for (const node of graph.node ?? []) {
    add(node.name);
    for (const name of [...(node.input ?? []), ...(node.output ?? [])]) add(name);
  }
  return names;
}

/**
 * Appends SPLADE-max pooling after `logits` [B, S, V] and makes its [B, V]
 * result the only graph output:
 *   pooled[b, v] = log(1 + relu(max over t of mask[b, t] · logits[b, t, v]))
 * Max before the activation equals naver's activation-then-max: log(1 + relu(·))
 * is monotone and sends everything <= 0 to 0, so the 0 a masked position
 * contributes only wins where every real position scores <= 0, and both
 * orders give 0 there. The activation then runs on [B, V] instead of [B, S, V].
 */
function appendSpladePooling(
  model: onnx.ModelProto,
  opset: number,
  logits: TensorDescription,
  maskName: string,
  vocabularySize: number,
): string {
  const graph = model.graph!;
  const used = collectNames(graph);
  const fresh = (base: string) => {
    let name = `splade_pooling/${base}`;
    for (let suffix = 1; used.has(name); suffix++) name = `splade_pooling/${base}_${suffix}`;
    used.add(name);
    return name;
  };
  const nodes: onnx.NodeProto[] = [];
  const add = (opType: string, inputs: string[], attributes: onnx.AttributeProto[] = [], outputBase = opType.toLowerCase()) => {
    const output = fresh(outputBase);
    nodes.push(onnx.NodeProto.create({ opType, input: inputs, output: [output], name: fresh(`${opType}_node`), attribute: attributes }));
    return output;
  };
  const constant = (tensor: onnx.TensorProto) => {
    graph.initializer = [...(graph.initializer ?? []), tensor];
    return tensor.name;
  };

  const maskFloat = add('Cast', [maskName], [attribute.int('to', ElementType.FLOAT)]);
  // Unsqueeze takes its axes as an input from opset 13 on, as an attribute before.
  const mask3d =
    opset >= 13
      ? add('Unsqueeze', [maskFloat, constant(int64Tensor(fresh('unsqueeze_axes'), [1], [2]))])
      : add('Unsqueeze', [maskFloat], [attribute.ints('axes', [2])]);
  const masked = add('Mul', [logits.name, mask3d]);
  // ReduceMax likewise from opset 18 on.
  const maximum =
    opset >= 18
      ? add('ReduceMax', [masked, constant(int64Tensor(fresh('reduce_axes'), [1], [1]))], [attribute.int('keepdims', 0)])
      : add('ReduceMax', [masked], [attribute.ints('axes', [1]), attribute.int('keepdims', 0)]);
  const positive = add('Relu', [maximum]);
  // ONNX has no Log1p operator.
  const shifted = add('Add', [positive, constant(floatTensor(fresh('one'), [], [1]))]);
  const pooled = add('Log', [shifted], [], 'output');

  graph.node = [...(graph.node ?? []), ...nodes];
  const batch = logits.dims![0];
  graph.output = [valueInfo(pooled, ElementType.FLOAT, [batch === null ? 'batch' : batch, vocabularySize])];
  return pooled;
}

/**
 * Recognises how a sparse-encoder ONNX export is fed and what it returns, and
 * returns bytes the server can run through `SparseModelSignature`:
 *
 * - inputs by name: `input_ids`; `attention_mask` or `input_mask`; optionally
 *   `token_type_ids` or `segment_ids`; all int64 [batch, sequence]. Any other
 *   input that needs a feed is refused.
 * - `output_idx` (int64) + `output_weights` (float32): `sparse`, used as is.
 * - a float32 [B, V] output: `pooled`, used as is.
 * - float32 [B, S, V] logits: SPLADE-max pooling is appended to the graph and
 *   the result is served as `pooled`.
 *
 * Special tokens are not zeroed here: Elasticsearch's TextExpansionProcessor
 * keeps every weight > 0 without filtering them, and an export that pools
 * in-graph decides that itself, so a logits export gets exactly the SPLADE
 * formula (as fastembed applies it) and nothing more.
 */
export function prepareSparseModel(modelBytes: Uint8Array, options: PrepareSparseModelOptions = {}): PreparedSparseModel {
  const requested = options.vocabularySize;
  if (requested !== undefined && (!Number.isInteger(requested) || requested <= 0)) {
    throw new RangeError(`vocabularySize must be a positive integer, got ${requested}`);
  }
  const model = decodeOnnxModel(modelBytes);
  const description = describeModel(model);
  if (description.usesExternalData)
    refuse('initializers stored as external data are not supported; embed the weights in the model file', description);

  const inputs = mapInputs(description);
  // The package's vocabulary is authoritative; the embedding table found by inspection is a guess
  // (a quantized graph may gather from a codebook rather than from a vocabulary-sized table).
  const expectedVocabulary: KnownVocabulary | undefined =
    options.vocabularySize !== undefined
      ? { size: options.vocabularySize, source: 'options.vocabularySize' }
      : description.vocabularySource === 'embedding'
        ? { size: description.vocabularySize!, source: EMBEDDING_SOURCE }
        : undefined;
  const choice = chooseOutput(description, expectedVocabulary);
  const vocabularySize = resolveVocabularySize(description, choice, options.vocabularySize);

  if (choice.convention === 'sparse') {
    return {
      modelBytes,
      convention: 'sparse',
      signature: { inputs, output: { kind: 'sparse', indices: choice.indices.name, weights: choice.weights.name }, vocabularySize },
    };
  }
  if (choice.convention === 'pooled') {
    return {
      modelBytes,
      convention: 'pooled',
      signature: { inputs, output: { kind: 'pooled', name: choice.output.name }, vocabularySize },
    };
  }

  const opset = description.opset;
  if (opset === undefined) refuse('the model imports no default-domain (ai.onnx) opset, so pooling cannot be appended', description);
  if (opset < MINIMUM_POOLING_OPSET)
    refuse(`opset ${opset} is too old to append pooling to; at least ${MINIMUM_POOLING_OPSET} is needed`, description);
  const pooled = appendSpladePooling(model, opset, choice.output, inputs.attentionMask, vocabularySize);
  const problem = onnx.ModelProto.verify(model);
  if (problem) throw new Error(`appending pooling produced an invalid model: ${problem}`);
  return {
    modelBytes: onnx.ModelProto.encode(model).finish(),
    convention: 'logits',
    signature: { inputs, output: { kind: 'pooled', name: pooled }, vocabularySize },
  };
}

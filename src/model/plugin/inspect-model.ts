import { onnx } from 'onnx-proto';

/**
 * A read-only description of an ONNX model's interface: what a plug-in
 * loader needs to decide how to feed the graph and read its result.
 */

/** A fixed size, a symbolic name (`'batch'`), or `null` when the model leaves the dimension unnamed. */
export type DimDescription = number | string | null;

export interface TensorDescription {
  name: string;
  /** onnxruntime's spelling: `'float32'`, `'int64'`, ...; `'non-tensor'` for sequences/maps/optionals. */
  elementType: string;
  /** `onnx.TensorProto.DataType` value; 0 (UNDEFINED) when not a tensor. */
  elementTypeCode: number;
  /** `undefined` when the model declares no shape (rank unknown). */
  dims: DimDescription[] | undefined;
}

export interface OpsetDescription {
  domain: string;
  version: number;
}

export type VocabularySource = 'output' | 'embedding';

export interface ModelDescription {
  irVersion: number;
  producerName: string;
  producerVersion: string;
  /** Version of the default (`ai.onnx`) domain; `undefined` if the model imports none. */
  opset: number | undefined;
  opsets: OpsetDescription[];
  /** Graph inputs the caller must feed (inputs that double as initializers are left out). */
  inputs: TensorDescription[];
  outputs: TensorDescription[];
  /** Whether any initializer keeps its data outside the model bytes. */
  usesExternalData: boolean;
  /** The vocabulary size the graph implies, when it can be read off the graph. */
  vocabularySize: number | undefined;
  /**
   * `embedding`: the row count of the table `input_ids` indexes;
   * `output`: otherwise, the last dimension of a float `[B, V]` / `[B, S, V]` output.
   */
  vocabularySource: VocabularySource | undefined;
}

const DataType = onnx.TensorProto.DataType;

const ELEMENT_TYPE_NAMES: ReadonlyMap<number, string> = new Map([
  [DataType.FLOAT, 'float32'],
  [DataType.UINT8, 'uint8'],
  [DataType.INT8, 'int8'],
  [DataType.UINT16, 'uint16'],
  [DataType.INT16, 'int16'],
  [DataType.INT32, 'int32'],
  [DataType.INT64, 'int64'],
  [DataType.STRING, 'string'],
  [DataType.BOOL, 'bool'],
  [DataType.FLOAT16, 'float16'],
  [DataType.DOUBLE, 'float64'],
  [DataType.UINT32, 'uint32'],
  [DataType.UINT64, 'uint64'],
  [DataType.COMPLEX64, 'complex64'],
  [DataType.COMPLEX128, 'complex128'],
  [DataType.BFLOAT16, 'bfloat16'],
]);

export function elementTypeName(code: number): string {
  return ELEMENT_TYPE_NAMES.get(code) ?? `type#${code}`;
}

/** protobufjs decodes int64 fields as `Long` objects when the `long` package is installed. */
type Int64Field = number | { toNumber(): number } | null | undefined;

export function int64ToNumber(value: Int64Field): number {
  if (value === null || value === undefined) return 0;
  return typeof value === 'number' ? value : value.toNumber();
}

export function isDefaultDomain(domain: string | null | undefined): boolean {
  return !domain || domain === 'ai.onnx';
}

export function describeValue(value: onnx.IValueInfoProto): TensorDescription {
  const name = value.name ?? '';
  const tensorType = value.type?.tensorType;
  if (!tensorType) return { name, elementType: 'non-tensor', elementTypeCode: DataType.UNDEFINED, dims: undefined };
  const code = tensorType.elemType ?? DataType.UNDEFINED;
  const dims = tensorType.shape
    ? (tensorType.shape.dim ?? []).map((dim): DimDescription => {
        if (dim.dimParam) return dim.dimParam;
        if (dim.dimValue !== null && dim.dimValue !== undefined) return int64ToNumber(dim.dimValue);
        return null;
      })
    : undefined;
  return { name, elementType: elementTypeName(code), elementTypeCode: code, dims };
}

/** `logits: float32[batch,sequence,30522]`; `?` marks an unnamed dimension. */
export function formatTensor(tensor: TensorDescription): string {
  if (!tensor.dims) return `${tensor.name}: ${tensor.elementType} (shape unknown)`;
  return `${tensor.name}: ${tensor.elementType}[${tensor.dims.map((dim) => (dim === null ? '?' : String(dim))).join(',')}]`;
}

export function formatTensors(tensors: readonly TensorDescription[]): string {
  return tensors.length === 0 ? '(none)' : tensors.map(formatTensor).join(', ');
}

/** The float `[B, V]` or `[B, S, V]` output with a fixed last dimension, preferring one called `output` or `logits`. */
function vocabularyFromOutputs(outputs: readonly TensorDescription[]): number | undefined {
  const candidates = outputs.filter(
    (output) =>
      output.elementTypeCode === DataType.FLOAT &&
      output.dims !== undefined &&
      (output.dims.length === 2 || output.dims.length === 3) &&
      typeof output.dims[output.dims.length - 1] === 'number',
  );
  const preferred = candidates.find((output) => output.name === 'output' || output.name === 'logits') ?? candidates[0];
  return preferred ? (preferred.dims![preferred.dims!.length - 1] as number) : undefined;
}

/**
 * Rows of the token-embedding table: the initializer that `Gather` reads with
 * `input_ids` as indices, or the word-embedding input of onnxruntime's fused
 * `EmbedLayerNormalization` (input 2) in optimised BERT exports.
 */
function vocabularyFromEmbedding(graph: onnx.IGraphProto, inputIdsName: string): number | undefined {
  const initializers = new Map((graph.initializer ?? []).map((initializer) => [initializer.name ?? '', initializer]));
  for (const node of graph.node ?? []) {
    const inputs = node.input ?? [];
    let table: string | undefined;
    if (node.opType === 'Gather' && isDefaultDomain(node.domain) && inputs[1] === inputIdsName) table = inputs[0];
    if (node.opType === 'EmbedLayerNormalization' && node.domain === 'com.microsoft' && inputs[0] === inputIdsName) table = inputs[2];
    const initializer = table === undefined ? undefined : initializers.get(table);
    if (initializer?.dims && initializer.dims.length === 2) return int64ToNumber(initializer.dims[0]);
  }
  return undefined;
}

export function describeModel(model: onnx.IModelProto): ModelDescription {
  const graph = model.graph;
  if (!graph) throw new Error('the ONNX model has no graph');
  const opsets = (model.opsetImport ?? []).map((opset) => ({ domain: opset.domain ?? '', version: int64ToNumber(opset.version) }));
  const initializerNames = new Set((graph.initializer ?? []).map((initializer) => initializer.name ?? ''));
  // Before IR version 4 initializers had to be listed as graph inputs too; those have defaults and need no feed.
  const inputs = (graph.input ?? []).filter((input) => !initializerNames.has(input.name ?? '')).map(describeValue);
  const outputs = (graph.output ?? []).map(describeValue);
  const usesExternalData = (graph.initializer ?? []).some(
    (initializer) => initializer.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL,
  );

  // The embedding table is asked first: its row count is the vocabulary by construction, while
  // an output's width is only a guess when the graph has several float outputs.
  let vocabularySize = vocabularyFromEmbedding(graph, 'input_ids');
  let vocabularySource: VocabularySource | undefined = vocabularySize === undefined ? undefined : 'embedding';
  if (vocabularySize === undefined) {
    vocabularySize = vocabularyFromOutputs(outputs);
    if (vocabularySize !== undefined) vocabularySource = 'output';
  }

  return {
    irVersion: int64ToNumber(model.irVersion),
    producerName: model.producerName ?? '',
    producerVersion: model.producerVersion ?? '',
    opset: opsets.find((opset) => isDefaultDomain(opset.domain))?.version,
    opsets,
    inputs,
    outputs,
    usesExternalData,
    vocabularySize,
    vocabularySource,
  };
}

export function decodeOnnxModel(modelBytes: Uint8Array): onnx.ModelProto {
  try {
    return onnx.ModelProto.decode(modelBytes);
  } catch (error) {
    throw new Error(`not a readable ONNX model (${modelBytes.byteLength} bytes): ${(error as Error).message}`);
  }
}

/** Decodes `modelBytes` and describes the graph's interface. */
export function inspectModel(modelBytes: Uint8Array): ModelDescription {
  return describeModel(decodeOnnxModel(modelBytes));
}

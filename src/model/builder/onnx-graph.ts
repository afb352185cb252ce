import { endianness } from 'node:os';
import { onnx } from 'onnx-proto';

/**
 * Small typed helpers over the `onnx-proto` protobuf classes: tensors and
 * initializers from typed arrays, value infos with symbolic dimensions,
 * attributes, a graph builder that names things consistently, and model
 * assembly with structural verification.
 */

export const ElementType = onnx.TensorProto.DataType;
export type ElementType = onnx.TensorProto.DataType;

/** A dimension: a fixed size, or a symbolic name such as `'batch'`. */
export type Dim = number | string;

export type TensorValues = Float32Array | Int8Array | Uint8Array | Int32Array | BigInt64Array;

export interface OpsetId {
  domain: string;
  version: number;
}

/** Opset imports understood by onnxruntime for the default and Microsoft domains. */
export const DEFAULT_DOMAIN = '';
export const MICROSOFT_DOMAIN = 'com.microsoft';

/** ONNX IR version written by `onnx-proto@8` (matches opset 17 in ONNX 1.12's table). */
export const IR_VERSION = 8;

function elementTypeOf(values: TensorValues): ElementType {
  if (values instanceof Float32Array) return ElementType.FLOAT;
  if (values instanceof Int8Array) return ElementType.INT8;
  if (values instanceof Uint8Array) return ElementType.UINT8;
  if (values instanceof Int32Array) return ElementType.INT32;
  return ElementType.INT64;
}

/** ONNX raw tensor data is little-endian regardless of the host. */
function littleEndianBytes(values: TensorValues): Uint8Array {
  const view = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  if (values.BYTES_PER_ELEMENT === 1 || endianness() === 'LE') return view;
  const copy = Buffer.from(view);
  if (values.BYTES_PER_ELEMENT === 4) copy.swap32();
  else copy.swap64();
  return copy;
}

function elementCount(dims: readonly number[]): number {
  return dims.reduce((product, dim) => product * dim, 1);
}

/** A tensor with raw little-endian data; the element type follows the array type. */
export function tensor(name: string, dims: readonly number[], values: TensorValues): onnx.TensorProto {
  if (elementCount(dims) !== values.length) {
    throw new Error(`tensor ${name}: dims [${dims.join(',')}] hold ${elementCount(dims)} elements, got ${values.length}`);
  }
  return onnx.TensorProto.create({
    name,
    dims: [...dims],
    dataType: elementTypeOf(values),
    rawData: littleEndianBytes(values),
  });
}

export function floatTensor(name: string, dims: readonly number[], values: Float32Array | readonly number[]): onnx.TensorProto {
  return tensor(name, dims, values instanceof Float32Array ? values : Float32Array.from(values));
}

export function int64Tensor(name: string, dims: readonly number[], values: BigInt64Array | readonly (number | bigint)[]): onnx.TensorProto {
  const data = values instanceof BigInt64Array ? values : BigInt64Array.from(values, (value) => BigInt(value));
  return tensor(name, dims, data);
}

export function int8Tensor(name: string, dims: readonly number[], values: Int8Array): onnx.TensorProto {
  return tensor(name, dims, values);
}

export function uint8Tensor(name: string, dims: readonly number[], values: Uint8Array): onnx.TensorProto {
  return tensor(name, dims, values);
}

export function tensorShape(dims: readonly Dim[]): onnx.TensorShapeProto {
  return onnx.TensorShapeProto.create({
    dim: dims.map((dim) => (typeof dim === 'string' ? { dimParam: dim } : { dimValue: dim })),
  });
}

/** A graph input/output description; string dims become symbolic dimensions. */
export function valueInfo(name: string, elementType: ElementType, dims: readonly Dim[]): onnx.ValueInfoProto {
  return onnx.ValueInfoProto.create({
    name,
    type: onnx.TypeProto.create({
      tensorType: onnx.TypeProto.Tensor.create({ elemType: elementType, shape: tensorShape(dims) }),
    }),
  });
}

const AttributeType = onnx.AttributeProto.AttributeType;

export const attribute = {
  int: (name: string, value: number): onnx.AttributeProto => onnx.AttributeProto.create({ name, type: AttributeType.INT, i: value }),
  ints: (name: string, values: readonly number[]): onnx.AttributeProto =>
    onnx.AttributeProto.create({ name, type: AttributeType.INTS, ints: [...values] }),
  float: (name: string, value: number): onnx.AttributeProto => onnx.AttributeProto.create({ name, type: AttributeType.FLOAT, f: value }),
  floats: (name: string, values: readonly number[]): onnx.AttributeProto =>
    onnx.AttributeProto.create({ name, type: AttributeType.FLOATS, floats: [...values] }),
  string: (name: string, value: string): onnx.AttributeProto =>
    onnx.AttributeProto.create({ name, type: AttributeType.STRING, s: Buffer.from(value, 'utf8') }),
};

export interface NodeOptions {
  /** Attributes of the node. */
  attributes?: readonly onnx.AttributeProto[];
  /** Operator domain; the default ONNX domain when omitted. */
  domain?: string;
  /** Output names; generated from the scope and op type when omitted. */
  outputs?: readonly string[];
  /** Number of generated outputs when `outputs` is omitted (default 1). */
  outputCount?: number;
}

/**
 * Collects nodes, initializers and graph inputs/outputs. Generated value names
 * are `<scope>/<OpType>_<n>`, which keeps the graph readable in tools such as
 * Netron.
 */
export class GraphBuilder {
  private readonly nodes: onnx.NodeProto[] = [];
  private readonly initializers: onnx.TensorProto[] = [];
  private readonly inputs: onnx.ValueInfoProto[] = [];
  private readonly outputs: onnx.ValueInfoProto[] = [];
  private readonly names = new Set<string>();
  private readonly scopes: string[] = [];
  private readonly scalarCache = new Map<string, string>();
  private counter = 0;

  constructor(readonly name: string) {}

  private claim(name: string): string {
    if (this.names.has(name)) throw new Error(`duplicate value name in graph ${this.name}: ${name}`);
    this.names.add(name);
    return name;
  }

  /** A name not used yet, prefixed with the current scope. */
  freshName(base: string): string {
    const prefix = this.scopes.length > 0 ? `${this.scopes.join('/')}/` : '';
    let candidate = `${prefix}${base}`;
    while (this.names.has(candidate)) candidate = `${prefix}${base}_${++this.counter}`;
    return candidate;
  }

  /** Runs `body` with `scope` appended to generated names. */
  scoped<T>(scope: string, body: () => T): T {
    this.scopes.push(scope);
    try {
      return body();
    } finally {
      this.scopes.pop();
    }
  }

  addInput(name: string, elementType: ElementType, dims: readonly Dim[]): string {
    this.inputs.push(valueInfo(this.claim(name), elementType, dims));
    return name;
  }

  /** Declares an existing value as a graph output. */
  addOutput(name: string, elementType: ElementType, dims: readonly Dim[]): string {
    if (!this.names.has(name)) throw new Error(`graph output ${name} is not produced by the graph`);
    this.outputs.push(valueInfo(name, elementType, dims));
    return name;
  }

  addInitializer(initializer: onnx.TensorProto): string {
    this.claim(initializer.name);
    this.initializers.push(initializer);
    return initializer.name;
  }

  /** Adds `values` as an initializer named within the current scope. */
  weight(base: string, dims: readonly number[], values: TensorValues): string {
    return this.addInitializer(tensor(this.freshName(base), dims, values));
  }

  /** A shared float32 scalar initializer. */
  floatScalar(value: number): string {
    return this.cachedConstant(`f32:${value}`, () => tensor(`const_f32_${value}`, [], Float32Array.of(value)));
  }

  /** A shared int64 scalar initializer. */
  int64Scalar(value: number): string {
    return this.cachedConstant(`i64:${value}`, () => tensor(`const_i64_${value}`, [], BigInt64Array.of(BigInt(value))));
  }

  /** A shared uint8 scalar initializer (zero points). */
  uint8Scalar(value: number): string {
    return this.cachedConstant(`u8:${value}`, () => tensor(`const_u8_${value}`, [], Uint8Array.of(value)));
  }

  /** A shared int64 vector initializer (axes, shapes, permutations). */
  int64Vector(values: readonly number[]): string {
    const label = values.join('_').replace(/-/g, 'm');
    return this.cachedConstant(`i64v:${values.join(',')}`, () =>
      tensor(
        `const_i64v_${label}`,
        [values.length],
        BigInt64Array.from(values, (value) => BigInt(value)),
      ),
    );
  }

  private cachedConstant(key: string, create: () => onnx.TensorProto): string {
    const existing = this.scalarCache.get(key);
    if (existing !== undefined) return existing;
    const name = this.addInitializer(create());
    this.scalarCache.set(key, name);
    return name;
  }

  /** Adds a node and returns its output names. Use `''` for an omitted optional input. */
  node(opType: string, inputs: readonly string[], options: NodeOptions = {}): string[] {
    for (const input of inputs) {
      if (input !== '' && !this.names.has(input)) throw new Error(`${opType} node reads unknown value ${input}`);
    }
    const outputs = options.outputs
      ? options.outputs.map((output) => this.claim(output))
      : Array.from({ length: options.outputCount ?? 1 }, () => this.claim(this.freshName(opType)));
    this.nodes.push(
      onnx.NodeProto.create({
        opType,
        input: [...inputs],
        output: outputs,
        name: `${outputs[0]}#node`,
        attribute: options.attributes ? [...options.attributes] : [],
        domain: options.domain ?? DEFAULT_DOMAIN,
      }),
    );
    return outputs;
  }

  /** Adds a single-output node and returns the output name. */
  op(opType: string, inputs: readonly string[], attributes: readonly onnx.AttributeProto[] = [], output?: string): string {
    return this.node(opType, inputs, { attributes, outputs: output === undefined ? undefined : [output] })[0];
  }

  build(docString = ''): onnx.GraphProto {
    return onnx.GraphProto.create({
      name: this.name,
      docString,
      node: this.nodes,
      initializer: this.initializers,
      input: this.inputs,
      output: this.outputs,
    });
  }
}

export interface ModelAssembly {
  graph: onnx.GraphProto;
  opsets: readonly OpsetId[];
  producerName: string;
  producerVersion: string;
  docString?: string;
  /** Free-form key/value pairs stored in the model's `metadata_props`. */
  metadata?: Readonly<Record<string, string>>;
}

export function assembleModel(assembly: ModelAssembly): onnx.ModelProto {
  const model = onnx.ModelProto.create({
    irVersion: IR_VERSION,
    producerName: assembly.producerName,
    producerVersion: assembly.producerVersion,
    docString: assembly.docString ?? '',
    opsetImport: assembly.opsets.map((opset) => onnx.OperatorSetIdProto.create({ domain: opset.domain, version: opset.version })),
    metadataProps: Object.entries(assembly.metadata ?? {}).map(([key, value]) => onnx.StringStringEntryProto.create({ key, value })),
    graph: assembly.graph,
  });
  verifyModel(model);
  return model;
}

/**
 * Protobuf-level verification plus the structural rules onnxruntime enforces
 * on load: nodes in topological order, every input defined, graph outputs
 * produced, and an opset import for every node domain.
 */
export function verifyModel(model: onnx.IModelProto): void {
  const protobufError = onnx.ModelProto.verify(model);
  if (protobufError) throw new Error(`invalid ONNX model: ${protobufError}`);
  const graph = model.graph;
  if (!graph) throw new Error('invalid ONNX model: no graph');
  const defined = new Set<string>();
  for (const input of graph.input ?? []) defined.add(input.name ?? '');
  for (const initializer of graph.initializer ?? []) defined.add(initializer.name ?? '');
  const domains = new Set((model.opsetImport ?? []).map((opset) => opset.domain ?? ''));
  for (const node of graph.node ?? []) {
    for (const input of node.input ?? []) {
      if (input !== '' && !defined.has(input)) throw new Error(`invalid ONNX model: node ${node.name} reads ${input} before it is defined`);
    }
    if (!domains.has(node.domain ?? ''))
      throw new Error(`invalid ONNX model: no opset import for domain '${node.domain}' (${node.opType})`);
    for (const output of node.output ?? []) defined.add(output);
  }
  for (const output of graph.output ?? []) {
    if (!defined.has(output.name ?? '')) throw new Error(`invalid ONNX model: graph output ${output.name} is never produced`);
  }
}

export function encodeModel(model: onnx.IModelProto): Uint8Array {
  return onnx.ModelProto.encode(model).finish();
}

export function decodeModel(bytes: Uint8Array): onnx.ModelProto {
  return onnx.ModelProto.decode(bytes);
}

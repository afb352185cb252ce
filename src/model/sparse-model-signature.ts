/**
 * How to feed a sparse-encoder ONNX graph and read its result, whatever names
 * and output form the exporter chose. The built-in model and pooled plug-ins
 * answer `pooled` ([batch, vocabulary] weights); Anserini-style exports answer
 * `sparse` (flat `b * vocabulary + id` indices with their weights).
 */
export interface SparseModelSignature {
  inputs: {
    inputIds: string;
    attentionMask: string;
    /** Absent when the graph takes no segment ids. */
    tokenTypeIds?: string;
  };
  output: { kind: 'pooled'; name: string } | { kind: 'sparse'; indices: string; weights: string };
  vocabularySize: number;
}

/** The signature of graphs written by this project's model builder. */
export const BUILTIN_SIGNATURE = (vocabularySize: number): SparseModelSignature => ({
  inputs: { inputIds: 'input_ids', attentionMask: 'attention_mask', tokenTypeIds: 'token_type_ids' },
  output: { kind: 'pooled', name: 'output' },
  vocabularySize,
});

/** What the model builder records as `metadata.builder.producer` in the packages it writes. */
export const BUILDER_PRODUCER = 'elser-mock';

/**
 * Whether a package's metadata (`<id>.metadata.json`) says the model builder wrote its graph, which
 * then has BUILTIN_SIGNATURE and needs no inspection.
 */
export function writtenByModelBuilder(packageConfig: Readonly<Record<string, unknown>>): boolean {
  const metadata = packageConfig.metadata as { builder?: { producer?: unknown } } | undefined;
  return metadata?.builder?.producer === BUILDER_PRODUCER;
}

/** One input's non-zero weights, ids ascending. */
export interface SparseVector {
  ids: Int32Array;
  weights: Float32Array;
}

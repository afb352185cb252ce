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

/** One input's non-zero weights, ids ascending. */
export interface SparseVector {
  ids: Int32Array;
  weights: Float32Array;
}

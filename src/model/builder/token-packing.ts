import { GraphBuilder, attribute } from './onnx-graph';

/**
 * Moves a padded batch's per-token values between the padded layout
 * `[B, S, X]` and a packed one `[T, X]` holding only the T real tokens, row
 * after row. Everything that works token by token (linear layers, biases,
 * GELU, LayerNorm, residual sums) runs packed, so that padding costs nothing
 * there. The attention, which mixes the positions of a sequence, runs on the
 * padded layout, and so does the vocabulary projection before the maximum over
 * the sequence.
 *
 * It relies on how batches are fed: padding only follows a sequence (right
 * padding), and every sequence has at least one token.
 */
export interface TokenPacking {
  /** `[B, S, width] -> [T, width]`. */
  pack(values: string, width: number): string;
  /**
   * `[T, width] -> [B, S, width]`, each padded position holding a copy of its
   * sequence's last token: hidden from the attention by its mask, and no
   * different from a real token for a maximum over the sequence.
   */
  unpack(values: string, width: number): string;
}

export function tokenPacking(graph: GraphBuilder, attentionMask: string, inputShape: string): TokenPacking {
  const flatMask = graph.op('Reshape', [attentionMask, graph.int64Vector([-1])]);
  const realPositions = graph.op('Reshape', [graph.op('NonZero', [flatMask]), graph.int64Vector([-1])]);
  // With left-aligned sequences, the running count of real tokens less one is a real token's packed
  // row, and at a padded position the row of its sequence's last token.
  const packedRowOfPosition = graph.op('Sub', [graph.op('CumSum', [flatMask, graph.int64Scalar(0)]), graph.int64Scalar(1)]);
  const paddedShapes = new Map<number, string>();
  const paddedShape = (width: number) => {
    let shape = paddedShapes.get(width);
    if (!shape) {
      shape = graph.op('Concat', [inputShape, graph.int64Vector([width])], [attribute.int('axis', 0)]);
      paddedShapes.set(width, shape);
    }
    return shape;
  };
  const gatherRows = (values: string, indices: string) => graph.op('Gather', [values, indices], [attribute.int('axis', 0)]);
  return {
    pack: (values, width) => gatherRows(graph.op('Reshape', [values, graph.int64Vector([-1, width])]), realPositions),
    unpack: (values, width) => graph.op('Reshape', [gatherRows(values, packedRowOfPosition), paddedShape(width)]),
  };
}

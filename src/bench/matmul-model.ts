import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { SeededRandom } from '../model/builder/prng';
import { ElementType, GraphBuilder, assembleModel, encodeModel } from '../model/builder/onnx-graph';
import { ENCODER_OPSET } from '../model/builder/bert-sparse-encoder';
import type { FeedSet } from './protocol';

/** `[m, k] · [k, n]`: one MatMul, the shape of a BERT linear layer over `m` tokens. */
export interface MatMulShape {
  m: number;
  k: number;
  n: number;
}

export const matMulFlops = ({ m, k, n }: MatMulShape) => 2 * m * k * n;

/** Writes (once) an ONNX model holding a single `x · W` MatMul with a constant W, and returns its path. */
export function matMulModel(directory: string, shape: MatMulShape): string {
  const file = path.join(directory, `matmul-${shape.k}x${shape.n}.onnx`);
  if (existsSync(file)) return file;
  const graph = new GraphBuilder('matmul');
  const input = graph.addInput('x', ElementType.FLOAT, ['m', shape.k]);
  const weight = graph.weight(
    'w',
    [shape.k, shape.n],
    SeededRandom.derive(1, 'matmul').fillNormal(new Float32Array(shape.k * shape.n), 0.03),
  );
  graph.op('MatMul', [input, weight], [], 'y');
  graph.addOutput('y', ElementType.FLOAT, ['m', shape.n]);
  const model = assembleModel({
    graph: graph.build(),
    opsets: [{ domain: '', version: ENCODER_OPSET }],
    producerName: 'elser-mock-bench',
    producerVersion: '1',
  });
  mkdirSync(directory, { recursive: true });
  const partial = `${file}.${process.pid}.tmp`;
  writeFileSync(partial, encodeModel(model));
  renameSync(partial, file);
  return file;
}

export function matMulFeeds(shape: MatMulShape): FeedSet {
  const data = SeededRandom.derive(2, 'matmul.x').fillNormal(new Float32Array(shape.m * shape.k));
  return { x: { type: 'float32', data, dims: [shape.m, shape.k] } };
}

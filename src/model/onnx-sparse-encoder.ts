import * as ort from 'onnxruntime-node';
import type { SparseEmbedding, SparseEncoder } from '../inference/sparse-embedding';
import { BertWordPieceTokenizer, Encoding } from './tokenizer';

/** Elasticsearch sends at most this many inputs to the model in one call. */
export const EMBEDDING_MAX_BATCH_SIZE = 10;

/** `TextExpansionProcessor.buildSanitizedVocabMap`: dots would become object paths in field names. */
export const sanitizeToken = (token: string) => token.replace(/\./g, '__');

export interface EncoderOptions {
  modelPath: string;
  vocabulary: readonly string[];
  threads: number;
}

/**
 * A sparse encoder over an ONNX graph whose output `output` is the pooled
 * `[batch, vocabulary]` weight matrix, post-processed as Elasticsearch's
 * `TextExpansionProcessor` does: every weight > 0 kept, ids mapped to
 * sanitized tokens, sorted by descending weight (stable, so ties keep id order).
 */
export class OnnxSparseEncoder implements SparseEncoder {
  private constructor(
    private readonly session: ort.InferenceSession,
    private readonly tokenizer: BertWordPieceTokenizer,
    private readonly tokens: readonly string[],
  ) {}

  static async load(options: EncoderOptions): Promise<OnnxSparseEncoder> {
    const session = await ort.InferenceSession.create(options.modelPath, {
      intraOpNumThreads: options.threads,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
    });
    return new OnnxSparseEncoder(session, new BertWordPieceTokenizer(options.vocabulary), options.vocabulary.map(sanitizeToken));
  }

  async encode(texts: readonly string[]): Promise<SparseEmbedding[]> {
    const results: SparseEmbedding[] = [];
    for (let start = 0; start < texts.length; start += EMBEDDING_MAX_BATCH_SIZE) {
      const encodings = texts.slice(start, start + EMBEDDING_MAX_BATCH_SIZE).map((text) => this.tokenizer.encode(text));
      results.push(...(await this.run(encodings)));
    }
    return results;
  }

  private async run(encodings: Encoding[]): Promise<SparseEmbedding[]> {
    const batch = encodings.length;
    const length = Math.max(...encodings.map((e) => e.ids.length));
    const inputIds = new BigInt64Array(batch * length);
    const attentionMask = new BigInt64Array(batch * length);
    encodings.forEach((encoding, row) => {
      encoding.ids.forEach((id, column) => {
        inputIds[row * length + column] = BigInt(id);
        attentionMask[row * length + column] = 1n;
      });
    });
    const dims = [batch, length];
    const outputs = await this.session.run({
      input_ids: new ort.Tensor('int64', inputIds, dims),
      attention_mask: new ort.Tensor('int64', attentionMask, dims),
      token_type_ids: new ort.Tensor('int64', new BigInt64Array(batch * length), dims),
    });
    const weights = outputs.output.data as Float32Array;
    const vocabularySize = this.tokens.length;
    return encodings.map((encoding, row) => ({
      isTruncated: encoding.truncated,
      tokens: this.toTokenWeights(weights.subarray(row * vocabularySize, (row + 1) * vocabularySize)),
    }));
  }

  private toTokenWeights(vector: Float32Array): [string, number][] {
    const kept: number[] = [];
    for (let id = 0; id < vector.length; id++) if (vector[id] > 0) kept.push(id);
    kept.sort((a, b) => vector[b] - vector[a] || a - b);
    return kept.map((id) => [this.tokens[id], vector[id]]);
  }

  async close(): Promise<void> {
    await this.session.release();
  }
}

import * as ort from 'onnxruntime-node';
import type { SparseEmbedding, SparseEncoder } from '../inference/sparse-embedding';
import { nonZero } from './allocation/sparse-rows';
import { sanitizedVocabulary, toSparseEmbedding } from './allocation/text-expansion';
import { EMBEDDING_MAX_BATCH_SIZE, splitIntoBatches } from './allocation/token-batches';
import { BertWordPieceTokenizer, Encoding } from './tokenizer';

export { EMBEDDING_MAX_BATCH_SIZE };
export { sanitizeToken } from './allocation/text-expansion';

export interface EncoderOptions {
  modelPath: string;
  vocabulary: readonly string[];
  threads: number;
}

/**
 * A single-session sparse encoder running on the calling thread, over an ONNX
 * graph whose output `output` is the pooled `[batch, vocabulary]` weight
 * matrix, post-processed as Elasticsearch's `TextExpansionProcessor` does
 * (see `allocation/text-expansion`). `AllocationPool` serves deployments; this
 * one stays as the in-process reference.
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
    return new OnnxSparseEncoder(session, new BertWordPieceTokenizer(options.vocabulary), sanitizedVocabulary(options.vocabulary));
  }

  async encode(texts: readonly string[]): Promise<SparseEmbedding[]> {
    const results: SparseEmbedding[] = [];
    for (const batch of splitIntoBatches(texts)) results.push(...(await this.run(batch.map((text) => this.tokenizer.encode(text)))));
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
    return encodings.map((encoding, row) =>
      toSparseEmbedding(nonZero(weights, row * vocabularySize, vocabularySize), this.tokens, encoding.truncated),
    );
  }

  async close(): Promise<void> {
    await this.session.release();
  }
}

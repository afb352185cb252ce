import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import {
  BERT_TF_INPUT_NAMES,
  BertSparseEncoderConfig,
  BUILTIN_ENCODER_CONFIG,
  HF_INPUT_NAMES,
  InputNames,
  OutputConvention,
  buildEncoderModel,
  resolveVocabulary,
} from './bert-sparse-encoder';
import { generateEncoderWeights } from './encoder-weights';
import { writeFileAtomic } from '../repository/model-package';
import { encodeModel } from './onnx-graph';

/**
 * The ONNX I/O conventions a plug-in sparse encoder may follow, each written
 * with identical weights so a model loader can be tested against all of them.
 *
 * Inputs (every convention): `input_ids`, then the attention mask and the
 * token types, all int64 `[batch, sequence]` with symbolic dimensions. The
 * mask is 1 for real tokens and 0 for padding, which only follows a
 * sequence (right padding, as every Hugging Face tokenizer pads by default
 * and as the server feeds batches); token types may be all zeros.
 * The names are `attention_mask`/`token_type_ids` (Hugging Face) or
 * `input_mask`/`segment_ids` (original BERT, as in prithivida/Splade_PP_en_v1).
 *
 * Outputs, with V = vocabulary size (30522) and pooled[b, v] defined as
 *   specialMask[v] · log(1 + relu(max over t with mask[b, t] = 1 of logits[b, t, v]))
 * where specialMask is 0 for [PAD], [UNK], [CLS], [SEP], [MASK] and every
 * [unusedN], 1 elsewhere:
 *
 * - `pooled` (our default, also the built-in repository's format): `output`,
 *   float32 `[batch, V]` = pooled. Padding positions do not contribute;
 *   every entry is >= 0 and the non-zero entries are the sparse embedding.
 * - `logits` (plain MLM export, e.g. optimum `AutoModelForMaskedLM`): `logits`,
 *   float32 `[batch, sequence, V]` = raw MLM logits for every position,
 *   including [CLS], [SEP] and padding positions (those rows are meaningless
 *   and must be masked). No activation, no pooling, no special-token mask: the
 *   consumer applies the formula above. The `-bert-names` variant calls this
 *   output `output` (as in prithivida/Splade_PP_en_v1).
 * - `sparse` (Anserini's optimised SPLADE files): `output_idx`, int64 `[nnz]`,
 *   and `output_weights`, float32 `[nnz]`: the non-zero entries of pooled,
 *   flattened row-major, so `output_idx[k] = b · V + v` in ascending order and
 *   `output_weights[k] = pooled[b, v] > 0`. With batch 1 (Anserini's usage)
 *   the indices are plain vocabulary ids. There is no padding and no per-row
 *   separator: row b is the slice with `b · V <= idx < (b + 1) · V`, and a row
 *   without non-zero entries contributes nothing.
 */
export interface PluginConvention {
  name: string;
  output: OutputConvention;
  inputNames: InputNames;
  /** Output tensor names in graph order. */
  outputNames: readonly string[];
}

export const PLUGIN_CONVENTIONS: readonly PluginConvention[] = Object.freeze([
  { name: 'pooled', output: 'pooled', inputNames: HF_INPUT_NAMES, outputNames: ['output'] },
  { name: 'logits', output: 'logits', inputNames: HF_INPUT_NAMES, outputNames: ['logits'] },
  { name: 'sparse', output: 'sparse', inputNames: HF_INPUT_NAMES, outputNames: ['output_idx', 'output_weights'] },
  { name: 'pooled-bert-names', output: 'pooled', inputNames: BERT_TF_INPUT_NAMES, outputNames: ['output'] },
  { name: 'logits-bert-names', output: 'logits', inputNames: BERT_TF_INPUT_NAMES, outputNames: ['output'] },
]);

/**
 * A smaller configuration for test models: same vocabulary and shaping as
 * the built-in model, one layer of width 128 (about 16 MB per file). At this
 * width accidental similarities let roughly 150 unrelated tokens through with
 * small weights on a short sentence; the input's own words still dominate.
 */
export const PLUGIN_TEST_CONFIG: Readonly<BertSparseEncoderConfig> = Object.freeze({
  ...BUILTIN_ENCODER_CONFIG,
  hidden: 128,
  layers: 1,
  heads: 2,
  intermediate: 256,
});

export interface WritePluginModelsOptions {
  /** Default PLUGIN_TEST_CONFIG; pass BUILTIN_ENCODER_CONFIG for the built-in weights. */
  config?: BertSparseEncoderConfig;
  /** Subset of PLUGIN_CONVENTIONS names; default all. */
  conventions?: readonly string[];
  vocabulary?: readonly string[];
}

export interface PluginModelFile {
  convention: PluginConvention;
  path: string;
}

/** Writes `<name>.onnx` for each convention into `directory`, all from one set of weights. */
export async function writePluginConventionModels(directory: string, options: WritePluginModelsOptions = {}): Promise<PluginModelFile[]> {
  const config = { ...(options.config ?? PLUGIN_TEST_CONFIG) };
  const selected = options.conventions
    ? options.conventions.map((name) => {
        const convention = PLUGIN_CONVENTIONS.find((candidate) => candidate.name === name);
        if (!convention) throw new Error(`unknown plug-in convention: ${name}`);
        return convention;
      })
    : PLUGIN_CONVENTIONS;
  const weights = generateEncoderWeights(config, resolveVocabulary(config, options.vocabulary));
  await fs.mkdir(directory, { recursive: true });
  const files: PluginModelFile[] = [];
  for (const convention of selected) {
    const model = buildEncoderModel(weights, {
      output: convention.output,
      inputNames: convention.inputNames,
      outputName: convention.output === 'sparse' ? undefined : convention.outputNames[0],
    });
    const file = path.resolve(directory, `${convention.name}.onnx`);
    await writeFileAtomic(file, encodeModel(model));
    files.push({ convention, path: file });
  }
  return files;
}

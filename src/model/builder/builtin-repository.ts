import { isDeepStrictEqual } from 'node:util';
import { loadBertUncasedVocabulary, BERT_UNCASED_VOCAB_SHA256 } from '../vocabulary';
import { BUILTIN_ENCODER_CONFIG, HF_INPUT_NAMES, PRODUCER_NAME, PRODUCER_VERSION, buildEncoderModel } from './bert-sparse-encoder';
import { SHAPING, generateEncoderWeights } from './encoder-weights';
import { ELSER_TOKENIZATION, ModelPackage, checkModelPackage, sha256Hex, writeModelPackage } from '../repository/model-package';
import { encodeModel } from './onnx-graph';
import { buildQuantizedEncoderModel } from './quantize';

/** Cross-platform (fp32) and optimized (int8) packaged ids, as in Elasticsearch. */
export const BUILTIN_MODEL_IDS = ['elser_model_2', 'elser_model_2_linux-x86_64'] as const;
export type BuiltinModelId = (typeof BUILTIN_MODEL_IDS)[number];

interface BuiltinVariant {
  modelId: BuiltinModelId;
  precision: 'fp32' | 'int8';
  description: string;
  platformArchitecture?: string;
}

const VARIANTS: readonly BuiltinVariant[] = [
  {
    modelId: 'elser_model_2',
    precision: 'fp32',
    description: 'Elastic Learned Sparse EncodeR v2 (elser-mock stand-in: deterministic synthetic weights, ONNX)',
  },
  {
    modelId: 'elser_model_2_linux-x86_64',
    precision: 'int8',
    description: 'Elastic Learned Sparse EncodeR v2, optimized for linux-x86_64 (elser-mock stand-in: int8 dynamic quantization of the same weights, ONNX)',
    platformArchitecture: 'linux-x86_64',
  },
];

/**
 * What a package was built from; stored in the metadata so that a repository
 * built by an older builder is rebuilt rather than reused.
 */
function builderRecord(variant: BuiltinVariant): Record<string, unknown> {
  const record = {
    producer: PRODUCER_NAME,
    producer_version: PRODUCER_VERSION,
    precision: variant.precision,
    encoder: { ...BUILTIN_ENCODER_CONFIG },
    vocabulary: `bert-base-uncased sha256:${BERT_UNCASED_VOCAB_SHA256}`,
  };
  return { ...record, fingerprint: sha256Hex(JSON.stringify({ record, variant, tokenization: ELSER_TOKENIZATION, shaping: SHAPING })) };
}

function packageMetadata(variant: BuiltinVariant): Record<string, unknown> {
  return {
    builder: builderRecord(variant),
    inputs: [HF_INPUT_NAMES.inputIds, HF_INPUT_NAMES.attentionMask, HF_INPUT_NAMES.tokenTypeIds],
    output: { name: 'output', shape: ['batch', BUILTIN_ENCODER_CONFIG.vocabSize], content: 'pooled SPLADE weights, special tokens zeroed' },
  };
}

/** Builds both built-in packages in memory (the weights are generated once and shared). */
export function builtinModelPackages(modelIds: readonly BuiltinModelId[] = BUILTIN_MODEL_IDS): ModelPackage[] {
  const vocabulary = loadBertUncasedVocabulary();
  const weights = generateEncoderWeights({ ...BUILTIN_ENCODER_CONFIG }, vocabulary);
  return VARIANTS.filter((variant) => modelIds.includes(variant.modelId)).map((variant) => ({
    modelId: variant.modelId,
    model: encodeModel(variant.precision === 'fp32' ? buildEncoderModel(weights) : buildQuantizedEncoderModel(weights)),
    vocabulary,
    description: variant.description,
    platformArchitecture: variant.platformArchitecture,
    tokenization: { ...ELSER_TOKENIZATION },
    metadata: packageMetadata(variant),
  }));
}

export interface BuildRepositoryOptions {
  /** Rebuild even when the directory already holds matching files. */
  force?: boolean;
  /** Receives one line per file written. */
  log?: (line: string) => void;
}

export interface BuildRepositoryResult {
  modelIds: string[];
  /** Absolute paths of the files written (empty when everything was up to date). */
  written: string[];
  /** Model ids whose files were already present and verified. */
  upToDate: string[];
}

/**
 * Makes `outDir` hold the built-in model repository. A model whose metadata
 * was written by this builder version and whose files match the metadata's
 * sha256 is left alone, so repeated calls only hash the existing files.
 */
export async function buildBuiltinRepository(outDir: string, options: BuildRepositoryOptions = {}): Promise<BuildRepositoryResult> {
  const log = options.log ?? ((line: string) => console.log(line));
  const upToDate: BuiltinModelId[] = [];
  const stale: BuiltinModelId[] = [];
  for (const variant of VARIANTS) {
    const check = options.force ? undefined : await checkModelPackage(outDir, variant.modelId);
    const current = check?.ok === true && isDeepStrictEqual(check.metadata.metadata?.builder, builderRecord(variant));
    (current ? upToDate : stale).push(variant.modelId);
  }
  const written: string[] = [];
  if (stale.length > 0) {
    for (const pkg of builtinModelPackages(stale)) {
      const result = await writeModelPackage(outDir, pkg);
      for (const file of result.paths) log(`wrote ${file}`);
      written.push(...result.paths);
    }
  }
  return { modelIds: [...BUILTIN_MODEL_IDS], written, upToDate };
}

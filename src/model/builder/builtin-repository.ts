import * as path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { loadBertUncasedVocabulary, BERT_UNCASED_VOCAB_SHA256 } from '../vocabulary';
import {
  BERT_BASE_ENCODER_CONFIG,
  BUILTIN_ENCODER_CONFIG,
  HF_INPUT_NAMES,
  PRODUCER_NAME,
  PRODUCER_VERSION,
  buildEncoderModel,
} from './bert-sparse-encoder';
import { BertSparseEncoderConfig, SHAPING, generateEncoderWeights } from './encoder-weights';
import { ELSER_TOKENIZATION, ModelPackage, checkModelPackage, sha256Hex, writeModelPackage } from '../repository/model-package';
import { encodeModel } from './onnx-graph';
import { buildQuantizedEncoderModel } from './quantize';

/** Cross-platform (fp32) and optimized (int8) packaged ids, as in Elasticsearch. */
export const BUILTIN_MODEL_IDS = ['elser_model_2', 'elser_model_2_linux-x86_64'] as const;
export type BuiltinModelId = (typeof BUILTIN_MODEL_IDS)[number];

export type Precision = 'fp32' | 'int8';

export interface PackageVariant {
  modelId: BuiltinModelId;
  precision: Precision;
  description: string;
  platformArchitecture?: string;
}

/**
 * A model repository the builder can write: one encoder configuration and
 * the packages built from its weights. Every preset uses ELSER's packaged
 * ids, so a server pointed at the repository deploys it as ELSER.
 */
export interface RepositoryPreset {
  name: string;
  config: Readonly<BertSparseEncoderConfig>;
  variants: readonly PackageVariant[];
}

export const BUILTIN_PRESET: RepositoryPreset = {
  name: 'builtin',
  config: BUILTIN_ENCODER_CONFIG,
  variants: [
    {
      modelId: 'elser_model_2',
      precision: 'fp32',
      description: 'Elastic Learned Sparse EncodeR v2 (elser-mock stand-in: deterministic synthetic weights, ONNX)',
    },
    {
      modelId: 'elser_model_2_linux-x86_64',
      precision: 'int8',
      description:
        'Elastic Learned Sparse EncodeR v2, optimized for linux-x86_64 (elser-mock stand-in: int8 dynamic quantization of the same weights, ONNX)',
      platformArchitecture: 'linux-x86_64',
    },
  ],
};

/** BERT-base-sized stand-ins for benchmarks: ELSER's real compute cost, synthetic weights. */
export const BERT_BASE_PRESET: RepositoryPreset = {
  name: 'bert-base',
  config: BERT_BASE_ENCODER_CONFIG,
  variants: [
    {
      modelId: 'elser_model_2',
      precision: 'fp32',
      description: 'BERT-base-shaped benchmark stand-in for ELSER v2 (elser-mock: deterministic synthetic weights, fp32 ONNX)',
    },
    {
      modelId: 'elser_model_2_linux-x86_64',
      precision: 'int8',
      description:
        'BERT-base-shaped benchmark stand-in for ELSER v2, optimized (elser-mock: int8 dynamic quantization of the same weights, ONNX)',
      platformArchitecture: 'linux-x86_64',
    },
  ],
};

export const REPOSITORY_PRESETS: Readonly<Record<string, RepositoryPreset>> = {
  [BUILTIN_PRESET.name]: BUILTIN_PRESET,
  [BERT_BASE_PRESET.name]: BERT_BASE_PRESET,
};

/** Where benchmark repositories go unless told otherwise: `.cache/bench-models/<preset>` in the package root. */
export const BENCH_MODELS_DIR = path.resolve(__dirname, '..', '..', '..', '.cache', 'bench-models');

/**
 * What a package was built from; stored in the metadata so that a repository
 * built by an older builder is rebuilt rather than reused.
 */
function builderRecord(preset: RepositoryPreset, variant: PackageVariant): Record<string, unknown> {
  const record = {
    producer: PRODUCER_NAME,
    producer_version: PRODUCER_VERSION,
    precision: variant.precision,
    encoder: { ...preset.config },
    vocabulary: `bert-base-uncased sha256:${BERT_UNCASED_VOCAB_SHA256}`,
  };
  return { ...record, fingerprint: sha256Hex(JSON.stringify({ record, variant, tokenization: ELSER_TOKENIZATION, shaping: SHAPING })) };
}

function packageMetadata(preset: RepositoryPreset, variant: PackageVariant): Record<string, unknown> {
  return {
    builder: builderRecord(preset, variant),
    inputs: [HF_INPUT_NAMES.inputIds, HF_INPUT_NAMES.attentionMask, HF_INPUT_NAMES.tokenTypeIds],
    output: { name: 'output', shape: ['batch', preset.config.vocabSize], content: 'pooled SPLADE weights, special tokens zeroed' },
  };
}

/** Builds a preset's packages in memory; the weights are generated once and shared by the variants. */
export function presetModelPackages(preset: RepositoryPreset, modelIds: readonly string[]): ModelPackage[] {
  return [...presetModelPackageBuilds(preset, modelIds)];
}

/** The same, one package at a time, so that each is written (and reported) before the next is built. */
function* presetModelPackageBuilds(preset: RepositoryPreset, modelIds: readonly string[]): Generator<ModelPackage> {
  const vocabulary = loadBertUncasedVocabulary();
  const weights = generateEncoderWeights({ ...preset.config }, vocabulary);
  for (const variant of preset.variants.filter((candidate) => modelIds.includes(candidate.modelId))) {
    yield {
      modelId: variant.modelId,
      model: encodeModel(variant.precision === 'fp32' ? buildEncoderModel(weights) : buildQuantizedEncoderModel(weights)),
      vocabulary,
      description: variant.description,
      platformArchitecture: variant.platformArchitecture,
      tokenization: { ...ELSER_TOKENIZATION },
      metadata: packageMetadata(preset, variant),
    };
  }
}

/** Builds both built-in packages in memory (the weights are generated once and shared). */
export function builtinModelPackages(modelIds: readonly BuiltinModelId[] = BUILTIN_MODEL_IDS): ModelPackage[] {
  return presetModelPackages(BUILTIN_PRESET, modelIds);
}

export interface BuildRepositoryOptions {
  /** Rebuild even when the directory already holds matching files. */
  force?: boolean;
  /** Receives one line per file written. */
  log?: (line: string) => void;
  /** Called before each model package is written and once all are: `done` of `total` packages. */
  onProgress?: (done: number, total: number, modelId?: string) => void;
}

export interface BuildPresetOptions extends BuildRepositoryOptions {
  /** The variants to write; all of the preset's by default. */
  precisions?: readonly Precision[];
}

export interface BuildRepositoryResult {
  modelIds: string[];
  /** Absolute paths of the files written (empty when everything was up to date). */
  written: string[];
  /** Model ids whose files were already present and verified. */
  upToDate: string[];
}

/**
 * Makes `outDir` hold the preset's packages. A package whose metadata was
 * written by this builder version and whose files match the metadata's
 * sha256 is left alone, so repeated calls only hash the existing files.
 */
export async function buildPresetRepository(
  preset: RepositoryPreset,
  outDir: string,
  options: BuildPresetOptions = {},
): Promise<BuildRepositoryResult> {
  const log = options.log ?? ((line: string) => console.log(line));
  const variants = preset.variants.filter((variant) => options.precisions?.includes(variant.precision) ?? true);
  const upToDate: string[] = [];
  const stale: string[] = [];
  for (const variant of variants) {
    const check = options.force ? undefined : await checkModelPackage(outDir, variant.modelId);
    const current = check?.ok === true && isDeepStrictEqual(check.metadata.metadata?.builder, builderRecord(preset, variant));
    (current ? upToDate : stale).push(variant.modelId);
  }
  const written: string[] = [];
  if (stale.length > 0) {
    options.onProgress?.(0, stale.length, stale[0]);
    let done = 0;
    for (const pkg of presetModelPackageBuilds(preset, stale)) {
      const result = await writeModelPackage(outDir, pkg);
      done++;
      if (done < stale.length) options.onProgress?.(done, stale.length, stale[done]);
      for (const file of result.paths) log(`wrote ${file}`);
      written.push(...result.paths);
    }
    options.onProgress?.(stale.length, stale.length);
  }
  return { modelIds: variants.map((variant) => variant.modelId), written, upToDate };
}

/**
 * Makes `outDir` hold the built-in model repository. A model whose metadata
 * was written by this builder version and whose files match the metadata's
 * sha256 is left alone, so repeated calls only hash the existing files.
 */
export function buildBuiltinRepository(outDir: string, options: BuildRepositoryOptions = {}): Promise<BuildRepositoryResult> {
  return buildPresetRepository(BUILTIN_PRESET, outDir, options);
}

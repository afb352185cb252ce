import * as path from 'node:path';
import { BERT_BASE_PRESET, BUILTIN_PRESET, Precision, buildPresetRepository } from '../model/builder/builtin-repository';
import { packageFileNames } from '../model/repository/model-package';
import { PACKAGE_ROOT } from './entries';

export const BENCH_MODEL_NAMES = ['builtin', 'builtin-fp32', 'bert-base-fp32', 'bert-base-int8'] as const;
export type BenchModelName = (typeof BENCH_MODEL_NAMES)[number];

/** A model under test: the repository a server loads it from and its ELSER id there. */
export interface BenchModel {
  name: BenchModelName;
  /** The repository directory (`--model-repository`). */
  repository: string;
  /** The id an endpoint's `model_id` names, with its leading dot. */
  modelId: string;
  /** The ONNX file, for the raw baseline. */
  file: string;
  precision: Precision;
  /** Whether it is BERT-base-sized (F(S) applies). */
  bertBase: boolean;
}

/** The built-in repository, where the server builds it when started without `--model-repository`. */
export const BUILTIN_REPOSITORY = path.join(PACKAGE_ROOT, '.cache', 'model-repository');

const SPECS: Record<BenchModelName, { preset: typeof BUILTIN_PRESET; precision: Precision }> = {
  // The built-in model a server deploys by default on linux-x86_64 is the optimized (int8) one.
  builtin: { preset: BUILTIN_PRESET, precision: 'int8' },
  'builtin-fp32': { preset: BUILTIN_PRESET, precision: 'fp32' },
  'bert-base-fp32': { preset: BERT_BASE_PRESET, precision: 'fp32' },
  'bert-base-int8': { preset: BERT_BASE_PRESET, precision: 'int8' },
};

function describe(name: BenchModelName, modelsDir: string): BenchModel {
  const { preset, precision } = SPECS[name];
  const variant = preset.variants.find((candidate) => candidate.precision === precision)!;
  const repository = preset === BUILTIN_PRESET ? BUILTIN_REPOSITORY : path.join(modelsDir, preset.name);
  return {
    name,
    repository,
    modelId: `.${variant.modelId}`,
    file: path.join(repository, packageFileNames(variant.modelId).model),
    precision,
    bertBase: preset === BERT_BASE_PRESET,
  };
}

/** Builds whatever of the requested models is missing or stale; bert-base's variants share one weight generation. */
export async function ensureModels(
  names: readonly BenchModelName[],
  modelsDir: string,
  log: (line: string) => void,
): Promise<BenchModel[]> {
  const models = names.map((name) => describe(name, modelsDir));
  for (const preset of [BUILTIN_PRESET, BERT_BASE_PRESET]) {
    const precisions = names.filter((name) => SPECS[name].preset === preset).map((name) => SPECS[name].precision);
    if (precisions.length === 0) continue;
    const directory = preset === BUILTIN_PRESET ? BUILTIN_REPOSITORY : path.join(modelsDir, preset.name);
    const started = performance.now();
    const result = await buildPresetRepository(preset, directory, {
      precisions: preset === BUILTIN_PRESET ? undefined : precisions,
      log: () => undefined,
    });
    if (result.written.length > 0)
      log(`built the ${preset.name} models in ${((performance.now() - started) / 1000).toFixed(1)} s into ${directory}`);
  }
  return models;
}

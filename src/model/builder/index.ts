export { BUILTIN_MODEL_IDS, buildBuiltinRepository, builtinModelPackages } from './builtin-repository';
export type { BuildRepositoryOptions, BuildRepositoryResult, BuiltinModelId } from './builtin-repository';
export {
  BERT_TF_INPUT_NAMES,
  BUILTIN_ENCODER_CONFIG,
  HF_INPUT_NAMES,
  buildBertSparseEncoder,
  buildEncoderModel,
  float32WeightOps,
} from './bert-sparse-encoder';
export type { BertSparseEncoderConfig, EncoderGraphOptions, InputNames, OutputConvention, WeightOps } from './bert-sparse-encoder';
export { generateEncoderWeights } from './encoder-weights';
export type { EncoderWeights } from './encoder-weights';
export { buildQuantizedBertSparseEncoder, buildQuantizedEncoderModel, quantizePerColumn } from './quantize';
export {
  ELSER_TOKENIZATION,
  checkModelPackage,
  packageContents,
  packageFileNames,
  writeFileAtomic,
  writeModelPackage,
} from '../repository/model-package';
export type { ModelPackage, ModelPackageMetadata, PackageCheck, VocabularyFile } from '../repository/model-package';
export { PLUGIN_CONVENTIONS, PLUGIN_TEST_CONFIG, writePluginConventionModels } from './plugin-conventions';
export type { PluginConvention, PluginModelFile } from './plugin-conventions';
export { poolLogits, rowTokens, sparseToDense } from './splade-pooling';

export {
  ELSER_TOKENIZATION,
  MODEL_FILE_EXTENSION,
  METADATA_FILE_EXTENSION,
  checkModelPackage,
  hashFile,
  packageContents,
  packageFileNames,
  packagedModelId,
  serializeJson,
  sha256Hex,
  vocabularyDocument,
  writeFileAtomic,
  writeModelPackage,
} from './model-package';
export type {
  BertTokenizationSettings,
  FileDigest,
  ModelPackage,
  ModelPackageMetadata,
  PackageCheck,
  PackageContents,
  PackageFileNames,
  VocabularyFile,
  WrittenPackage,
} from './model-package';
export { isPlainFileName, requirePlainFileName } from './artefact-names';
export { createModelRepositorySource } from './model-repository-source';
export type { ArtefactBody, ModelRepositorySource, ModelRepositorySourceOptions, OpenArtefactOptions } from './model-repository-source';
export { repositoryBaseUrl, resolvePackageLocation } from './package-location';
export { FileRepositorySource } from './file-repository-source';
export { HttpRepositorySource } from './http-repository-source';
export { checkPackageConfig, fetchPackageConfig, parsePackageConfig } from './package-metadata';
export type { ModelPackageConfig } from './package-metadata';
export { VOCABULARY_SIZE_LIMIT, fetchVocabulary, parseVocabularyFile } from './package-vocabulary';
export { ModelCache } from './model-cache';
export type {
  CachedModelPackage,
  DownloadProgress,
  ModelCacheEvents,
  ModelCacheOptions,
  ModelCacheState,
  ModelCacheStatus,
} from './model-cache';
export { DownloadProgressReporter, progressLine } from './download-progress';
export type { ProgressStream } from './download-progress';
export { readModelPackage } from './package-directory';
export { modelNotFound } from './repository-errors';
export { ThrottledRepositorySource } from './throttled-repository-source';
export type { DownloadLimit, DownloadThrottle } from './throttled-repository-source';

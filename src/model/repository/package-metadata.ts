import { ElasticsearchException } from '../../errors/elasticsearch-exception';
import { requirePlainFileName } from './artefact-names';
import { METADATA_FILE_EXTENSION } from './model-package';
import type { ModelRepositorySource } from './model-repository-source';
import { parseFailure, parseJsonObject, readAll } from './read-artefact';
import {
  failedToFindPackage,
  failedToLoadPackageMetadata,
  invalidPackageName,
  invalidPackageSha,
  invalidPackageSize,
} from './repository-errors';

/**
 * `<packaged_model_id>.metadata.json` as Elasticsearch's ModelPackageConfig
 * reads it: leniently, so unknown fields are kept and ignored.
 */
export interface ModelPackageConfig {
  packaged_model_id: string;
  size: number;
  sha256: string;
  vocabulary_file?: string;
  inference_config?: unknown;
  [field: string]: unknown;
}

/** Real metadata files are a few kilobytes. */
const METADATA_SIZE_LIMIT = 1024 * 1024;

/**
 * Parses metadata JSON; fields this server relies on must have the right
 * type. A missing `size` or `sha256` is left for the package checks to refuse.
 */
export function parsePackageConfig(bytes: Buffer): ModelPackageConfig {
  const document = parseJsonObject(bytes);
  const { packaged_model_id: id, size, sha256, vocabulary_file: vocabularyFile } = document;
  if (typeof id !== 'string') throw parseFailure('[packaged_model_id] must be a string');
  if (size !== undefined && size !== null && !Number.isSafeInteger(size)) throw parseFailure('[size] must be an integer');
  if (sha256 !== undefined && sha256 !== null && typeof sha256 !== 'string') throw parseFailure('[sha256] must be a string');
  if (vocabularyFile !== undefined && vocabularyFile !== null && typeof vocabularyFile !== 'string') {
    throw parseFailure('[vocabulary_file] must be a string');
  }
  return {
    ...document,
    packaged_model_id: id,
    size: typeof size === 'number' ? size : 0,
    sha256: typeof sha256 === 'string' ? sha256 : '',
    vocabulary_file: typeof vocabularyFile === 'string' ? vocabularyFile : undefined,
  };
}

/** TransportGetTrainedModelPackageConfigAction's checks, in its order. */
export function checkPackageConfig(config: ModelPackageConfig, packagedModelId: string): ModelPackageConfig {
  if (config.packaged_model_id !== packagedModelId) throw invalidPackageName();
  if (config.size <= 0) throw invalidPackageSize();
  if (config.sha256.length !== 64) throw invalidPackageSha();
  return config;
}

/** Fetches and checks a package's metadata; failures carry Elasticsearch's messages. */
export async function fetchPackageConfig(source: ModelRepositorySource, packagedModelId: string): Promise<ModelPackageConfig> {
  let config: ModelPackageConfig;
  try {
    const body = await source.open(requirePlainFileName(packagedModelId) + METADATA_FILE_EXTENSION);
    config = parsePackageConfig(await readAll(body.stream, METADATA_SIZE_LIMIT));
  } catch (error) {
    if (error instanceof ElasticsearchException && error.type === 'resource_not_found_exception') throw failedToFindPackage(error);
    throw failedToLoadPackageMetadata(error);
  }
  return checkPackageConfig(config, packagedModelId);
}

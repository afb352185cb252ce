import { createHash } from 'node:crypto';
import { createReadStream, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { ElasticsearchException } from '../errors/elasticsearch-exception';

/** The fields of `<packaged_model_id>.metadata.json` this server relies on. */
export interface ModelPackageMetadata {
  packaged_model_id: string;
  size: number;
  sha256: string;
  vocabulary_file: string;
  inference_config?: unknown;
  [field: string]: unknown;
}

export interface ModelPackage {
  metadata: ModelPackageMetadata;
  modelPath: string;
  vocabulary: string[];
}

/** Model ids start with a dot; the files in a repository are named without it. */
export const packagedModelId = (modelId: string) => modelId.replace(/^\./, '');

export const modelNotFound = () =>
  new ElasticsearchException(
    404,
    'resource_not_found_exception',
    'Could not start the ELSER service as the ELSER model for this platform cannot be found. ELSER needs to be downloaded before it can be started.',
  );

export async function sha256OfFile(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * Reads a model package from a directory in Elasticsearch's model repository
 * layout, verifying the model file against its metadata before trusting it.
 */
export async function readModelPackage(directory: string, modelId: string): Promise<ModelPackage> {
  const packaged = packagedModelId(modelId);
  const metadataPath = path.join(directory, `${packaged}.metadata.json`);
  let metadata: ModelPackageMetadata;
  try {
    metadata = JSON.parse(await fs.readFile(metadataPath, 'utf8')) as ModelPackageMetadata;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw modelNotFound();
    throw error;
  }
  const modelPath = path.join(directory, `${packaged}.onnx`);
  const [stat, digest] = await Promise.all([fs.stat(modelPath), sha256OfFile(modelPath)]);
  if (stat.size !== metadata.size) {
    throw new ElasticsearchException(500, 'status_exception', `Model size does not match, expected [${metadata.size}] but got [${stat.size}]`);
  }
  if (digest !== metadata.sha256) {
    throw new ElasticsearchException(
      500,
      'status_exception',
      `Model sha256 checksums do not match, expected [${metadata.sha256}] but got [${digest}]`,
    );
  }
  const vocabularyFile = JSON.parse(await fs.readFile(path.join(directory, path.basename(metadata.vocabulary_file)), 'utf8')) as {
    vocabulary: string[];
  };
  return { metadata, modelPath, vocabulary: vocabularyFile.vocabulary };
}

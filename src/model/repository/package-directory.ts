import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { requirePlainFileName } from './artefact-names';
import { verificationFailure } from './model-download';
import { hashFile, MODEL_FILE_EXTENSION, METADATA_FILE_EXTENSION, packagedModelId } from './model-package';
import { checkPackageConfig, ModelPackageConfig, parsePackageConfig } from './package-metadata';
import { parseVocabularyFile } from './package-vocabulary';
import { modelNotFound } from './repository-errors';

/** A package whose model file matched its metadata's size and sha256. */
export interface CachedModelPackage {
  metadata: ModelPackageConfig;
  modelPath: string;
  vocabulary: string[];
}

/** No `<id>.metadata.json`, or no model file, in the directory. */
export class PackageFilesMissingError extends Error {}

/**
 * Reads a package from a directory in the repository layout, hashing the
 * model against the metadata before trusting it. Throws
 * PackageFilesMissingError when the metadata or model file is not there and
 * an ElasticsearchException when a file does not match.
 */
export async function readVerifiedPackage(directory: string, packaged: string): Promise<CachedModelPackage> {
  requirePlainFileName(packaged);
  const metadata = checkPackageConfig(
    parsePackageConfig(await readOrMissing(path.join(directory, packaged + METADATA_FILE_EXTENSION))),
    packaged,
  );
  const modelPath = path.join(directory, packaged + MODEL_FILE_EXTENSION);
  const digest = await hashFile(modelPath).catch((error: NodeJS.ErrnoException) => {
    throw error.code === 'ENOENT' ? new PackageFilesMissingError(`${modelPath} is missing`) : error;
  });
  const failure = verificationFailure(metadata, digest);
  if (failure) throw failure;
  const vocabulary = metadata.vocabulary_file
    ? parseVocabularyFile(await fs.readFile(path.join(directory, requirePlainFileName(metadata.vocabulary_file)))).vocabulary
    : [];
  return { metadata, modelPath, vocabulary };
}

async function readOrMissing(file: string): Promise<Buffer> {
  try {
    return await fs.readFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new PackageFilesMissingError(`${file} is missing`);
    throw error;
  }
}

/**
 * Uses a local repository directory in place (the built-in repository): the
 * model id may carry Elasticsearch's leading dot; a package that is not there
 * is the ELSER service's "model cannot be found".
 */
export async function readModelPackage(directory: string, modelId: string): Promise<CachedModelPackage> {
  try {
    return await readVerifiedPackage(directory, packagedModelId(modelId));
  } catch (error) {
    if (error instanceof PackageFilesMissingError) throw modelNotFound();
    throw error;
  }
}

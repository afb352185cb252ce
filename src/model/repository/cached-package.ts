import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { ElasticsearchException } from '../../errors/elasticsearch-exception';
import { partPathOf } from './model-download';
import { MODEL_FILE_EXTENSION, METADATA_FILE_EXTENSION, syncDirectory } from './model-package';
import { CachedModelPackage, PackageFilesMissingError, readVerifiedPackage } from './package-directory';

export interface CachedFileNames {
  metadata: string;
  model: string;
  vocabulary: string;
  part: string;
}

/** Paths of a package in the cache; the vocabulary is stored under the package's own name whatever the repository called it. */
export function cachedFileNames(directory: string, packaged: string): CachedFileNames {
  const model = path.join(directory, packaged + MODEL_FILE_EXTENSION);
  return {
    metadata: path.join(directory, packaged + METADATA_FILE_EXTENSION),
    model,
    vocabulary: path.join(directory, `${packaged}.vocab.json`),
    part: partPathOf(model),
  };
}

export type CacheLookup = { status: 'absent' } | { status: 'invalid'; reason: string } | { status: 'valid'; cached: CachedModelPackage };

export async function readCachedPackage(directory: string, packaged: string): Promise<CacheLookup> {
  try {
    return { status: 'valid', cached: await readVerifiedPackage(directory, packaged) };
  } catch (error) {
    if (error instanceof PackageFilesMissingError && !(await exists(cachedFileNames(directory, packaged).metadata)))
      return { status: 'absent' };
    const reason = error instanceof ElasticsearchException ? error.reason : (error as Error).message;
    return { status: 'invalid', reason };
  }
}

/** Removes a package's files, the metadata (the completion marker) first. */
export async function removeCachedPackage(directory: string, packaged: string): Promise<void> {
  const names = cachedFileNames(directory, packaged);
  for (const file of [names.metadata, names.model, names.vocabulary, names.part]) await fs.rm(file, { force: true });
  await syncDirectory(directory);
}

const exists = (file: string) =>
  fs.access(file).then(
    () => true,
    () => false,
  );

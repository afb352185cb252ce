import * as path from 'node:path';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { illegalArgument } from '../../errors/elasticsearch-exception';
import { FileRepositorySource } from './file-repository-source';
import { HttpRepositorySource } from './http-repository-source';
import { repositoryConfiguration } from './repository-errors';

/** An artefact's bytes as a source delivers them. */
export interface ArtefactBody {
  /** The bytes from `offset` to the end of the artefact. */
  stream: Readable;
  /** Where in the artefact the body starts: the requested start, or 0 when the source ignored it. */
  offset: number;
  /** The artefact's full length, when the source reports it. */
  length?: number;
}

export interface OpenArtefactOptions {
  /** Resume from this byte (an HTTP `Range: bytes=<start>-` request). */
  start?: number;
}

/** Where model packages come from: the resolved `xpack.ml.model_repository`. */
export interface ModelRepositorySource {
  /** The repository as configured. */
  readonly location: string;
  /** The artefact's URI as Elasticsearch's messages show it; throws for names that are not plain file names. */
  uriOf(artefact: string): string;
  open(artefact: string, options?: OpenArtefactOptions): Promise<ArtefactBody>;
}

export interface ModelRepositorySourceOptions {
  /**
   * File repositories must lie under this directory (Elasticsearch requires its
   * config directory), and so must every file they resolve to, symlinks
   * included. Default: the repository directory itself.
   */
  fileRoot?: string;
  /** HTTP: give up when the connection is idle this long. Default 60 s. */
  timeoutMs?: number;
}

const SCHEME = /^([A-Za-z][A-Za-z0-9+.-]+):/;

/**
 * Resolves `xpack.ml.model_repository`: `http://`, `https://` and `file:`
 * URLs as Elasticsearch accepts them, plus plain directory paths.
 */
export function createModelRepositorySource(repository: string, options: ModelRepositorySourceOptions = {}): ModelRepositorySource {
  const scheme = SCHEME.exec(repository)?.[1]?.toLowerCase();
  if (scheme === undefined) return new FileRepositorySource(path.resolve(repository), options.fileRoot);
  if (scheme === 'http' || scheme === 'https') return new HttpRepositorySource(repository, options);
  if (scheme !== 'file') throw repositoryConfiguration.unsupportedScheme();
  let directory: string;
  try {
    directory = fileURLToPath(new URL(repository));
  } catch (error) {
    throw illegalArgument(`Invalid connection configuration: ${(error as Error).message}`);
  }
  return new FileRepositorySource(directory, options.fileRoot);
}

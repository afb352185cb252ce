import { constants, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ElasticsearchException } from '../../errors/elasticsearch-exception';
import { requirePlainFileName } from './artefact-names';
import type { ArtefactBody, ModelRepositorySource, OpenArtefactOptions } from './model-repository-source';
import { artefactNotFound, illegalPackagePath, invalidRequestRange, ioException, repositoryConfiguration } from './repository-errors';

const isWithin = (root: string, candidate: string) =>
  candidate === root || candidate.startsWith(root.endsWith(path.sep) ? root : root + path.sep);

/**
 * A model repository in a local directory (`file:` URL or plain path). The
 * directory must lie under `root`, and every artefact it resolves to must
 * too once symlinks are followed.
 */
export class FileRepositorySource implements ModelRepositorySource {
  readonly location: string;
  private readonly directory: string;
  private readonly root: string;
  private realRoot: Promise<string> | undefined;

  constructor(directory: string, root: string = directory) {
    this.directory = path.resolve(directory);
    this.root = path.resolve(root);
    if (!isWithin(this.root, this.directory)) throw repositoryConfiguration.outsideRoot(pathToFileURL(this.root + path.sep).href);
    this.location = pathToFileURL(this.directory + path.sep).href;
  }

  uriOf(artefact: string): string {
    return pathToFileURL(this.pathOf(artefact)).href;
  }

  async open(artefact: string, options: OpenArtefactOptions = {}): Promise<ArtefactBody> {
    const file = this.pathOf(artefact);
    const uri = pathToFileURL(file).href;
    const real = await this.confined(file, uri);
    let handle: fs.FileHandle;
    try {
      // O_NOFOLLOW: the checked path must not be swapped for a symlink before it is opened.
      handle = await fs.open(real, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0));
    } catch (error) {
      throw fileError(error, uri);
    }
    try {
      const stat = await handle.stat();
      if (!stat.isFile()) throw ioException(`${uri} is not a regular file`);
      const start = options.start ?? 0;
      if (start > stat.size) throw invalidRequestRange(`bytes=${start}-`);
      return { stream: handle.createReadStream({ start }), offset: start, length: stat.size };
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  private pathOf(artefact: string): string {
    const file = path.join(this.directory, requirePlainFileName(artefact));
    if (path.dirname(file) !== this.directory) throw illegalPackagePath();
    return file;
  }

  private async confined(file: string, uri: string): Promise<string> {
    this.realRoot ??= fs.realpath(this.root).catch(() => this.root);
    const [root, real] = await Promise.all([
      this.realRoot,
      fs.realpath(file).catch((error: unknown) => Promise.reject(fileError(error, uri))),
    ]);
    if (!isWithin(root, real)) throw illegalPackagePath();
    return real;
  }
}

function fileError(error: unknown, uri: string): ElasticsearchException {
  if (error instanceof ElasticsearchException) return error;
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ENOTDIR') return artefactNotFound(uri);
  return ioException(`${uri}: ${(error as Error).message}`);
}

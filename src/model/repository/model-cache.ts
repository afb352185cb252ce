import { EventEmitter } from 'node:events';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { ElasticsearchException } from '../../errors/elasticsearch-exception';
import type { Logger } from '../../observability/logger';
import { isPlainFileName } from './artefact-names';
import { cachedFileNames, readCachedPackage, removeCachedPackage } from './cached-package';
import type { CachedModelPackage } from './package-directory';
import { DownloadProgressReporter, ProgressStream } from './download-progress';
import { downloadModel } from './model-download';
import { MODEL_FILE_EXTENSION, packagedModelId, serializeJson, writeFileAtomic } from './model-package';
import { createModelRepositorySource, ModelRepositorySource } from './model-repository-source';
import { fetchPackageConfig, ModelPackageConfig } from './package-metadata';
import { fetchVocabulary } from './package-vocabulary';
import { failedToLoadPackageMetadata, illegalPackagePath, ioException } from './repository-errors';

export type { CachedModelPackage } from './package-directory';

/** `fully_defined` as in `GET _ml/trained_models?include=definition_status`: every byte is stored and verified. */
export type ModelCacheStatus = 'absent' | 'downloading' | 'fully_defined' | 'failed';

export interface ModelCacheState {
  /** The packaged id (no leading dot). */
  modelId: string;
  status: ModelCacheStatus;
  bytesDownloaded: number;
  /** Known once the metadata has been read. */
  totalBytes?: number;
  /** Set when `status` is `failed`. */
  error?: ElasticsearchException;
}

export interface DownloadProgress {
  modelId: string;
  bytesDownloaded: number;
  totalBytes: number;
}

export interface ModelCacheEvents {
  progress: [DownloadProgress];
  state: [ModelCacheState];
}

export interface ModelCacheOptions {
  /** `xpack.ml.model_repository`: an http(s) or `file:` URL or a directory; or a source built elsewhere. */
  repository: string | ModelRepositorySource;
  /** Where verified packages are kept, in the same layout as a repository. */
  cacheDir: string;
  /** File repositories must lie under this directory; default the repository directory itself. */
  fileRoot?: string;
  /** HTTP idle timeout; default 60 s. */
  timeoutMs?: number;
  logger?: Logger;
  /** Gets a progress bar redrawn in place when it is a terminal. */
  progressStream?: ProgressStream;
  onProgress?: (progress: DownloadProgress) => void;
}

/**
 * Fetches model packages from a model repository the way Elasticsearch's
 * package loader does (metadata, then vocabulary, then the model, with the
 * same checks and messages) and keeps them in a local directory.
 *
 * Only verified files are trusted: a download is checked before it is
 * renamed into place, and files found in the cache are hashed against the
 * cached metadata the first time this instance uses them. Concurrent calls
 * for one model share a download; an interrupted one resumes where it stopped.
 */
export class ModelCache extends EventEmitter<ModelCacheEvents> {
  readonly source: ModelRepositorySource;
  readonly directory: string;
  private readonly states = new Map<string, ModelCacheState>();
  private readonly inFlight = new Map<string, Promise<CachedModelPackage>>();
  private readonly verified = new Map<string, { fingerprint: string; cached: CachedModelPackage }>();

  constructor(private readonly options: ModelCacheOptions) {
    super();
    this.source =
      typeof options.repository === 'string'
        ? createModelRepositorySource(options.repository, { fileRoot: options.fileRoot, timeoutMs: options.timeoutMs })
        : options.repository;
    this.directory = path.resolve(options.cacheDir);
    if (options.onProgress) this.on('progress', options.onProgress);
  }

  /** What this instance knows; files left by another process count once `ensure` has verified them. */
  state(modelId: string): ModelCacheState {
    const packaged = packagedModelId(modelId);
    const state = this.states.get(packaged);
    return state ? { ...state } : { modelId: packaged, status: 'absent', bytesDownloaded: 0 };
  }

  /** Resolves once the package is in the cache and verified; downloads it if needed. */
  ensure(modelId: string): Promise<CachedModelPackage> {
    const packaged = packagedModelId(modelId);
    if (!isPlainFileName(packaged)) return Promise.reject(failedToLoadPackageMetadata(illegalPackagePath()));
    let pending = this.inFlight.get(packaged);
    if (pending === undefined) {
      pending = this.load(packaged).finally(() => this.inFlight.delete(packaged));
      this.inFlight.set(packaged, pending);
    }
    return pending;
  }

  private async load(packaged: string): Promise<CachedModelPackage> {
    const known = this.states.get(packaged);
    this.setState({ modelId: packaged, status: 'downloading', bytesDownloaded: 0, totalBytes: known?.totalBytes });
    try {
      const cached = (await this.verifiedFromCache(packaged)) ?? (await this.download(packaged));
      this.setState({
        modelId: packaged,
        status: 'fully_defined',
        bytesDownloaded: cached.metadata.size,
        totalBytes: cached.metadata.size,
      });
      return cached;
    } catch (thrown) {
      const error = asElasticsearchException(thrown);
      const state = this.states.get(packaged);
      this.setState({
        modelId: packaged,
        status: 'failed',
        bytesDownloaded: state?.bytesDownloaded ?? 0,
        totalBytes: state?.totalBytes,
        error,
      });
      this.options.logger?.warn({ model_id: packaged, err: error }, `failed to download model [${packaged}]: ${error.reason}`);
      throw error;
    }
  }

  private async verifiedFromCache(packaged: string): Promise<CachedModelPackage | undefined> {
    const names = cachedFileNames(this.directory, packaged);
    const fingerprint = await fileFingerprint(names.model);
    const remembered = this.verified.get(packaged);
    if (remembered !== undefined && fingerprint !== undefined && remembered.fingerprint === fingerprint) return remembered.cached;
    this.verified.delete(packaged);

    const result = await readCachedPackage(this.directory, packaged);
    if (result.status === 'absent') return undefined;
    if (result.status === 'invalid') {
      this.options.logger?.warn(
        { model_id: packaged },
        `cached model [${packaged}] failed verification (${result.reason}); downloading it again`,
      );
      await removeCachedPackage(this.directory, packaged);
      return undefined;
    }
    await this.remember(packaged, result.cached);
    return result.cached;
  }

  private async download(packaged: string): Promise<CachedModelPackage> {
    const logger = this.options.logger;
    const metadata = await fetchPackageConfig(this.source, packaged);
    this.setState({ modelId: packaged, status: 'downloading', bytesDownloaded: 0, totalBytes: metadata.size });
    const vocabulary = metadata.vocabulary_file ? await fetchVocabulary(this.source, metadata.vocabulary_file) : { vocabulary: [] };

    await fs.mkdir(this.directory, { recursive: true });
    const names = cachedFileNames(this.directory, packaged);
    const artefact = packaged + MODEL_FILE_EXTENSION;
    logger?.info({ model_id: packaged, size: metadata.size }, `downloading [${packaged}] from [${this.source.uriOf(artefact)}]`);
    const reporter = new DownloadProgressReporter(packaged, metadata.size, logger, this.options.progressStream);
    try {
      await downloadModel({
        source: this.source,
        artefact,
        target: names.model,
        size: metadata.size,
        sha256: metadata.sha256,
        onProgress: (bytes) => {
          reporter.update(bytes);
          this.setState({ modelId: packaged, status: 'downloading', bytesDownloaded: bytes, totalBytes: metadata.size }, false);
          this.emit('progress', { modelId: packaged, bytesDownloaded: bytes, totalBytes: metadata.size });
        },
      });
    } finally {
      reporter.finish();
    }

    // The metadata goes last: it marks the package as complete.
    await writeFileAtomic(names.vocabulary, `${JSON.stringify(vocabulary)}\n`);
    const cachedMetadata: ModelPackageConfig = { ...metadata, vocabulary_file: path.basename(names.vocabulary) };
    await writeFileAtomic(names.metadata, serializeJson(cachedMetadata));
    const cached: CachedModelPackage = { metadata: cachedMetadata, modelPath: names.model, vocabulary: vocabulary.vocabulary };
    await this.remember(packaged, cached);
    logger?.info({ model_id: packaged }, `downloaded [${packaged}]`);
    return cached;
  }

  private async remember(packaged: string, cached: CachedModelPackage): Promise<void> {
    const fingerprint = await fileFingerprint(cached.modelPath);
    if (fingerprint !== undefined) this.verified.set(packaged, { fingerprint, cached });
  }

  private setState(state: ModelCacheState, announce = true): void {
    this.states.set(state.modelId, state);
    if (announce) this.emit('state', { ...state });
  }
}

/** Changes whenever the file is replaced or written to. */
async function fileFingerprint(file: string): Promise<string | undefined> {
  const stat = await fs.stat(file, { bigint: true }).catch(() => undefined);
  return stat && `${stat.dev}:${stat.ino}:${stat.size}:${stat.mtimeNs}:${stat.ctimeNs}`;
}

function asElasticsearchException(error: unknown): ElasticsearchException {
  if (error instanceof ElasticsearchException) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (typeof (error as NodeJS.ErrnoException | undefined)?.code === 'string') return ioException(message);
  return new ElasticsearchException(500, 'exception', message);
}

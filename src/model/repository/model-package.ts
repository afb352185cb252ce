import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { isPlainFileName } from './artefact-names';

/**
 * The package format of an Elasticsearch-layout model repository (the directory behind
 * `xpack.ml.model_repository`): per packaged model id, a
 * `<id>.metadata.json`, the model file and a `<id>.vocab.json`. Elasticsearch
 * ships TorchScript `<id>.pt`; this project ships ONNX as `<id>.onnx`, and the
 * metadata's `size`/`sha256` describe that file.
 */

/** BERT tokenization settings as they appear under `inference_config.text_expansion.tokenization.bert`. */
export interface BertTokenizationSettings {
  do_lower_case: boolean;
  with_special_tokens: boolean;
  max_sequence_length: number;
  truncate: 'first' | 'second' | 'none' | 'balanced';
  span: number;
}

/** ELSER's tokenization: bert-base-uncased, `[CLS] … [SEP]`, 512 tokens, truncate the first sequence. */
export const ELSER_TOKENIZATION: Readonly<BertTokenizationSettings> = Object.freeze({
  do_lower_case: true,
  with_special_tokens: true,
  max_sequence_length: 512,
  truncate: 'first',
  span: -1,
});

/** The `<id>.metadata.json` document (Elasticsearch's ModelPackageConfig fields). */
export interface ModelPackageMetadata {
  packaged_model_id: string;
  description?: string;
  model_type?: string;
  tags?: string[];
  minimum_version?: string;
  create_time?: number;
  platform_architecture?: string;
  size: number;
  sha256: string;
  vocabulary_file: string;
  inference_config: {
    text_expansion: {
      tokenization: { bert: BertTokenizationSettings };
    };
  };
  /** Free-form; this project records the model file name, format and how it was built here. */
  metadata?: Record<string, unknown>;
}

/** The `<id>.vocab.json` document. `merges`/`scores` exist only for BPE/Unigram tokenizers, not WordPiece. */
export interface VocabularyFile {
  vocabulary: string[];
  merges?: string[];
  scores?: number[];
}

export interface ModelPackage {
  /** Packaged id without the leading dot, e.g. `elser_model_2`. */
  modelId: string;
  /** The ONNX model bytes. */
  model: Uint8Array;
  vocabulary: readonly string[];
  description: string;
  modelType?: string;
  tags?: string[];
  minimumVersion?: string;
  /** Epoch milliseconds; omitted unless given, so that rebuilds are byte-identical. */
  createTime?: number;
  /** Set for platform-specific variants, e.g. `linux-x86_64`. */
  platformArchitecture?: string;
  tokenization?: BertTokenizationSettings;
  /** Extra entries for the metadata's `metadata` object. */
  metadata?: Record<string, unknown>;
}

export interface PackageFileNames {
  metadata: string;
  model: string;
  vocabulary: string;
}

export const MODEL_FILE_EXTENSION = '.onnx';
export const METADATA_FILE_EXTENSION = '.metadata.json';

/** Model ids start with a dot; the files in a repository are named without it. */
export const packagedModelId = (modelId: string): string => modelId.replace(/^\./, '');

export function packageFileNames(modelId: string): PackageFileNames {
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(modelId)) throw new Error(`invalid packaged model id: ${modelId}`);
  return {
    metadata: `${modelId}${METADATA_FILE_EXTENSION}`,
    model: `${modelId}${MODEL_FILE_EXTENSION}`,
    vocabulary: `${modelId}.vocab.json`,
  };
}

export function sha256Hex(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Pretty-printed JSON with a trailing newline. */
export function serializeJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

export function vocabularyDocument(vocabulary: readonly string[]): string {
  const document: VocabularyFile = { vocabulary: [...vocabulary] };
  return `${JSON.stringify(document)}\n`;
}

export interface PackageContents {
  names: PackageFileNames;
  metadata: ModelPackageMetadata;
  /** File name -> bytes, in write order (metadata last: it is the commit marker). */
  files: [string, Uint8Array][];
}

/** The three files of a package, as bytes, without touching the disk. */
export function packageContents(pkg: ModelPackage): PackageContents {
  const names = packageFileNames(pkg.modelId);
  const vocabularyBytes = Buffer.from(vocabularyDocument(pkg.vocabulary), 'utf8');
  const metadata: ModelPackageMetadata = {
    packaged_model_id: pkg.modelId,
    description: pkg.description,
    model_type: pkg.modelType ?? 'pytorch',
    tags: pkg.tags ?? ['elastic'],
    minimum_version: pkg.minimumVersion ?? '11.0.0',
    ...(pkg.createTime !== undefined ? { create_time: pkg.createTime } : {}),
    ...(pkg.platformArchitecture !== undefined ? { platform_architecture: pkg.platformArchitecture } : {}),
    size: pkg.model.byteLength,
    sha256: sha256Hex(pkg.model),
    vocabulary_file: names.vocabulary,
    inference_config: {
      text_expansion: {
        tokenization: { bert: { ...(pkg.tokenization ?? ELSER_TOKENIZATION) } },
      },
    },
    metadata: {
      model_file: names.model,
      model_format: 'onnx',
      vocabulary_sha256: sha256Hex(vocabularyBytes),
      ...pkg.metadata,
    },
  };
  return {
    names,
    metadata,
    files: [
      [names.model, pkg.model],
      [names.vocabulary, vocabularyBytes],
      [names.metadata, Buffer.from(serializeJson(metadata), 'utf8')],
    ],
  };
}

/**
 * Writes `data` to `target` so that readers see either the old file or the
 * complete new one: a temporary file in the same directory, fsync, rename,
 * then fsync of the directory so the rename itself is durable.
 */
export async function writeFileAtomic(target: string, data: Uint8Array | string): Promise<void> {
  const directory = path.dirname(target);
  const temporary = path.join(directory, `.${path.basename(target)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await fs.open(temporary, 'wx', 0o644);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } catch (error) {
    await handle.close();
    await fs.rm(temporary, { force: true });
    throw error;
  }
  await handle.close();
  try {
    await fs.rename(temporary, target);
  } catch (error) {
    await fs.rm(temporary, { force: true });
    throw error;
  }
  await syncDirectory(directory);
}

/** Makes a rename or unlink inside `directory` durable. */
export async function syncDirectory(directory: string): Promise<void> {
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(directory, 'r');
    await handle.sync();
  } catch {
    // Some platforms and file systems cannot open or fsync a directory; the rename is still atomic there.
  } finally {
    await handle?.close();
  }
}

export interface WrittenPackage {
  metadata: ModelPackageMetadata;
  /** Absolute paths, in write order. */
  paths: string[];
}

/** Writes a package into `directory` (created if missing); the metadata file is written last. */
export async function writeModelPackage(directory: string, pkg: ModelPackage): Promise<WrittenPackage> {
  await fs.mkdir(directory, { recursive: true });
  const contents = packageContents(pkg);
  const paths: string[] = [];
  for (const [name, bytes] of contents.files) {
    const target = path.resolve(directory, name);
    await writeFileAtomic(target, bytes);
    paths.push(target);
  }
  return { metadata: contents.metadata, paths };
}

export interface FileDigest {
  sha256: string;
  size: number;
}

export async function hashFile(file: string): Promise<FileDigest> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of createReadStream(file) as AsyncIterable<Buffer>) {
    hash.update(chunk);
    size += chunk.byteLength;
  }
  return { sha256: hash.digest('hex'), size };
}

export type PackageCheck = { ok: true; metadata: ModelPackageMetadata } | { ok: false; reason: string; metadata?: ModelPackageMetadata };

/** Reads `<id>.metadata.json` and checks the model and vocabulary files against it. */
export async function checkModelPackage(directory: string, modelId: string): Promise<PackageCheck> {
  const names = packageFileNames(modelId);
  let metadata: ModelPackageMetadata;
  try {
    metadata = JSON.parse(await fs.readFile(path.join(directory, names.metadata), 'utf8')) as ModelPackageMetadata;
  } catch (error) {
    return { ok: false, reason: `cannot read ${names.metadata}: ${(error as Error).message}` };
  }
  if (metadata.packaged_model_id !== modelId) {
    return { ok: false, reason: `${names.metadata} is for ${metadata.packaged_model_id}`, metadata };
  }
  const modelFile = typeof metadata.metadata?.model_file === 'string' ? metadata.metadata.model_file : names.model;
  if (!isPlainFileName(modelFile) || typeof metadata.vocabulary_file !== 'string' || !isPlainFileName(metadata.vocabulary_file)) {
    return { ok: false, reason: `${names.metadata} names files outside the repository`, metadata };
  }
  try {
    const model = await hashFile(path.join(directory, modelFile));
    if (model.size !== metadata.size || model.sha256 !== metadata.sha256) {
      return { ok: false, reason: `${modelFile} does not match the size/sha256 in ${names.metadata}`, metadata };
    }
    const expectedVocabulary = metadata.metadata?.vocabulary_sha256;
    if (typeof expectedVocabulary === 'string') {
      const vocabulary = await hashFile(path.join(directory, metadata.vocabulary_file));
      if (vocabulary.sha256 !== expectedVocabulary)
        return { ok: false, reason: `${metadata.vocabulary_file} does not match ${names.metadata}`, metadata };
    } else {
      await fs.access(path.join(directory, metadata.vocabulary_file));
    }
  } catch (error) {
    return { ok: false, reason: (error as Error).message, metadata };
  }
  return { ok: true, metadata };
}

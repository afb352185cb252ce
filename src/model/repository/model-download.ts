import { createHash, Hash } from 'node:crypto';
import { createReadStream, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { ElasticsearchException } from '../../errors/elasticsearch-exception';
import { FileDigest, hashFile, syncDirectory } from './model-package';
import type { ArtefactBody, ModelRepositorySource } from './model-repository-source';
import { InvalidRequestRangeException, ioException, modelSha256Mismatch, modelSizeMismatch } from './repository-errors';

export interface ModelDownload {
  source: ModelRepositorySource;
  /** The artefact name, `<packaged_model_id>.onnx`. */
  artefact: string;
  /** Where the verified file ends up; the transfer goes to `<target>.part`. */
  target: string;
  size: number;
  sha256: string;
  /** Called with the bytes held so far, including a resumed prefix. */
  onProgress?: (bytes: number) => void;
}

interface Transfer {
  sha256: string;
  size: number;
  /** Bytes that were already in the part file and were kept. */
  resumedFrom: number;
}

export const partPathOf = (target: string) => `${target}.part`;

/**
 * Streams the model into `<target>.part`, hashing as it goes, then checks it
 * as Elasticsearch does (sha256 first, then size) and renames it into place.
 * A part file left by an interrupted transfer is re-hashed and resumed with a
 * range request. A file that fails the checks is deleted; when it had been
 * resumed, the stale prefix may be the culprit, so it is fetched once more
 * from the start before giving up.
 */
export async function downloadModel(download: ModelDownload): Promise<void> {
  if (await reuseExistingTarget(download)) return;
  const part = partPathOf(download.target);
  for (let resume = true; ; resume = false) {
    const transfer = await transferToPart(download, part, resume);
    const failure = verificationFailure(download, transfer);
    if (failure === undefined) break;
    await fs.rm(part, { force: true });
    if (transfer.resumedFrom === 0 || !resume) throw failure;
  }
  await fs.rename(part, download.target);
  await syncDirectory(path.dirname(download.target));
}

/** ModelImporter's final checks, in its order: sha256, then size. */
export function verificationFailure(expected: FileDigest, actual: FileDigest): ElasticsearchException | undefined {
  if (actual.sha256 !== expected.sha256) return modelSha256Mismatch(expected.sha256, actual.sha256);
  if (actual.size !== expected.size) return modelSizeMismatch(expected.size, actual.size);
  return undefined;
}

/** A complete file whose metadata was never written (a crash at the very end) is kept when it verifies. */
async function reuseExistingTarget(download: ModelDownload): Promise<boolean> {
  const digest = await hashFile(download.target).catch(() => undefined);
  if (digest === undefined) return false;
  if (digest.size === download.size && digest.sha256 === download.sha256) return true;
  await fs.rm(download.target, { force: true });
  return false;
}

async function transferToPart(download: ModelDownload, part: string, resume: boolean): Promise<Transfer> {
  let hash = createHash('sha256');
  let held = resume ? await hashPrefix(part, download.size, hash) : 0;
  download.onProgress?.(held);
  if (held === download.size) return { sha256: hash.digest('hex'), size: held, resumedFrom: held };

  const body = await openFrom(download, part, held);
  if (body.offset === 0 && held > 0) {
    // A 200 to a range request: the source sends everything, so start over.
    hash = createHash('sha256');
    held = 0;
    download.onProgress?.(0);
  }
  if (body.offset !== held) {
    body.stream.destroy();
    throw ioException(
      `${download.source.uriOf(download.artefact)}: the repository answered from byte [${body.offset}], expected [${held}]`,
    );
  }
  return { ...(await streamToPart(download, part, body, hash, held)), resumedFrom: held };
}

/** Hashes the part file's bytes into `hash` and returns its length; a part longer than the model is discarded. */
async function hashPrefix(part: string, size: number, hash: Hash): Promise<number> {
  const stat = await fs.stat(part).catch(() => undefined);
  if (stat === undefined || stat.size === 0) return 0;
  if (stat.size > size) {
    await fs.rm(part, { force: true });
    return 0;
  }
  let length = 0;
  for await (const chunk of createReadStream(part, { end: stat.size - 1 }) as AsyncIterable<Buffer>) {
    hash.update(chunk);
    length += chunk.byteLength;
  }
  return length;
}

async function openFrom(download: ModelDownload, part: string, start: number): Promise<ArtefactBody> {
  try {
    return await download.source.open(download.artefact, start > 0 ? { start } : {});
  } catch (error) {
    if (!(error instanceof InvalidRequestRangeException)) throw error;
    // The part is longer than what the repository now holds: it is stale.
    await fs.rm(part, { force: true });
    return download.source.open(download.artefact);
  }
}

/**
 * Appends the body to the part file. Bytes past the expected size are hashed
 * and counted but not written, so the size check reports the true length
 * without an oversized file ever reaching the disk.
 */
async function streamToPart(
  download: ModelDownload,
  part: string,
  body: ArtefactBody,
  hash: Hash,
  held: number,
): Promise<{ sha256: string; size: number }> {
  let handle: fs.FileHandle | undefined;
  let size = held;
  try {
    handle = await fs.open(part, held === 0 ? 'w' : 'a');
    for await (const chunk of body.stream as AsyncIterable<Buffer>) {
      hash.update(chunk);
      const writable = Math.max(0, Math.min(chunk.byteLength, download.size - size));
      if (writable > 0) await handle.write(chunk, 0, writable);
      size += chunk.byteLength;
      if (writable > 0) download.onProgress?.(Math.min(size, download.size));
    }
    await handle.sync();
  } catch (error) {
    body.stream.destroy();
    if (error instanceof ElasticsearchException) throw error;
    throw ioException(`${download.source.uriOf(download.artefact)}: ${(error as Error).message}`);
  } finally {
    await handle?.close();
  }
  return { sha256: hash.digest('hex'), size };
}

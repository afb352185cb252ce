import type { Readable } from 'node:stream';
import { ElasticsearchException } from '../../errors/elasticsearch-exception';

/** A body larger than the reader accepts. */
export class ArtefactTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`content is larger than the limit of [${limit}] bytes`);
  }
}

/** Reads a whole (small) artefact into memory, refusing more than `limit` bytes. */
export async function readAll(stream: Readable, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    size += chunk.byteLength;
    if (size > limit) {
      stream.destroy();
      throw new ArtefactTooLargeError(limit);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size);
}

/** A document that is not the JSON it should be (`XContentParseException`). */
export const parseFailure = (reason: string) => new ElasticsearchException(400, 'x_content_parse_exception', reason);

export function parseJsonObject(bytes: Buffer): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    throw parseFailure((error as Error).message);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw parseFailure('expected a JSON object');
  return value as Record<string, unknown>;
}

import type { IncomingMessage } from 'node:http';

/** The body is longer than the limit (declared or sent); the rest of it is discarded. */
export class BodyTooLarge extends Error {}

/** The client went away before its body arrived: there is nobody to answer. */
export class RequestAborted extends Error {}

/** Reads a request's whole body, up to `limit` bytes. */
export function readBody(request: IncomingMessage, limit: number): Promise<Buffer> {
  if (request.destroyed) return Promise.reject(new RequestAborted());
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.reject(new BodyTooLarge());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        request.removeAllListeners('data');
        request.resume();
        reject(new BodyTooLarge());
      } else {
        chunks.push(chunk);
      }
    });
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', () => reject(new RequestAborted()));
  });
}

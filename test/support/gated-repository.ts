import { copyFile, readdir, readFile } from 'node:fs/promises';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import * as path from 'node:path';

/**
 * Serves a model repository directory; the model file's second half waits for
 * `release()`. `Range: bytes=<start>-` requests for the model are answered 206.
 */
export class GatedRepositoryServer {
  private server?: Server;
  private opened!: () => void;
  readonly gate = new Promise<void>((resolve) => (this.opened = resolve));
  modelRequests = 0;
  /** The `Range` header of each model request (undefined when it had none). */
  readonly modelRanges: (string | undefined)[] = [];

  constructor(private readonly directory: string) {}

  async start(): Promise<string> {
    this.server = createServer(async (req, res) => {
      const name = decodeURIComponent((req.url ?? '/').slice(1));
      let body: Buffer;
      try {
        body = await readFile(path.join(this.directory, path.basename(name)));
      } catch {
        res.writeHead(404).end();
        return;
      }
      if (!name.endsWith('.onnx')) {
        res.writeHead(200, { 'content-length': body.length }).end(body);
        return;
      }
      this.modelRequests++;
      const range = req.headers.range;
      this.modelRanges.push(range);
      const start = Number(/^bytes=(\d+)-$/.exec(range ?? '')?.[1] ?? 0);
      if (start >= body.length) {
        res.writeHead(416, { 'content-range': `bytes */${body.length}` }).end();
        return;
      }
      if (start > 0) {
        res.writeHead(206, { 'content-length': body.length - start, 'content-range': `bytes ${start}-${body.length - 1}/${body.length}` });
      } else {
        res.writeHead(200, { 'content-length': body.length });
      }
      const held = Math.max(start, body.length >> 1);
      res.write(body.subarray(start, held));
      await this.gate;
      res.end(body.subarray(held));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}/`;
  }

  release(): void {
    this.opened();
  }

  stop(): Promise<void> {
    this.release();
    return new Promise((resolve) => {
      this.server?.closeAllConnections();
      this.server?.close(() => resolve());
    });
  }
}

/** Copies the built-in repository's files for one packaged model (`elser_model_2…`) into `target`. */
export async function copyPackagedModel(source: string, packaged: string, target: string): Promise<void> {
  for (const file of await readdir(source)) {
    if (file.startsWith(packaged)) await copyFile(path.join(source, file), path.join(target, file));
  }
}

/** Probes every 50 ms until `done` holds, up to 10 s. */
export async function waitFor<T>(probe: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const value = await probe();
    if (done(value)) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('condition not reached');
}

import { mkdtempSync, promises as fs, rmSync } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { BUILTIN_ENCODER_CONFIG, buildEncoderModel, resolveVocabulary } from '../builder/bert-sparse-encoder';
import { generateEncoderWeights } from '../builder/encoder-weights';
import { encodeModel } from '../builder/onnx-graph';
import { ModelPackageMetadata, writeModelPackage } from './model-package';

/**
 * Test support for the repository module: a small real model package and an
 * HTTP model repository whose answers a test can take over.
 */

/** One layer of width 32 over the bert-base-uncased vocabulary: about 4 MB of ONNX. */
const TINY_CONFIG = { ...BUILTIN_ENCODER_CONFIG, hidden: 32, layers: 1, heads: 2, intermediate: 64 };

let tinyModel: { model: Uint8Array; vocabulary: readonly string[] } | undefined;

function tinyModelBytes(): { model: Uint8Array; vocabulary: readonly string[] } {
  if (tinyModel === undefined) {
    const vocabulary = resolveVocabulary(TINY_CONFIG);
    tinyModel = { model: encodeModel(buildEncoderModel(generateEncoderWeights(TINY_CONFIG, vocabulary))), vocabulary };
  }
  return tinyModel;
}

export interface TinyPackage {
  modelId: string;
  model: Buffer;
  vocabulary: readonly string[];
  metadata: ModelPackageMetadata;
}

/** Writes `<modelId>.{onnx,vocab.json,metadata.json}` into `directory`. */
export async function writeTinyPackage(directory: string, modelId = 'tiny_elser'): Promise<TinyPackage> {
  const { model, vocabulary } = tinyModelBytes();
  const written = await writeModelPackage(directory, { modelId, model, vocabulary, description: 'tiny test package' });
  return { modelId, model: Buffer.from(model), vocabulary, metadata: written.metadata };
}

/** Replaces fields of a package's metadata file. */
export async function rewriteMetadata(directory: string, modelId: string, fields: Record<string, unknown>): Promise<void> {
  const file = path.join(directory, `${modelId}.metadata.json`);
  const metadata = JSON.parse(await fs.readFile(file, 'utf8')) as Record<string, unknown>;
  await fs.writeFile(file, JSON.stringify({ ...metadata, ...fields }));
}

export class TemporaryDirectories {
  private readonly created: string[] = [];

  make(prefix = 'elser-repository-'): string {
    const directory = mkdtempSync(path.join(tmpdir(), prefix));
    this.created.push(directory);
    return directory;
  }

  removeAll(): void {
    for (const directory of this.created.splice(0)) rmSync(directory, { recursive: true, force: true });
  }
}

/** A promise a test resolves when it chooses. */
export interface Gate {
  readonly passed: Promise<void>;
  open(): void;
}

export function gate(): Gate {
  let open!: () => void;
  const passed = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { passed, open };
}

export interface RecordedRequest {
  /** The file name requested under the repository path. */
  name: string;
  range?: string;
}

/** Returns true when it answered the request itself. */
export type Intercept = (
  request: http.IncomingMessage,
  response: http.ServerResponse,
  name: string,
  file: Buffer | undefined,
) => boolean | Promise<boolean>;

/**
 * Serves `directory` under `/models/` on 127.0.0.1, honouring `Range:
 * bytes=N-` unless told to ignore it, and records every request.
 */
export class RepositoryServer {
  readonly requests: RecordedRequest[] = [];
  intercept: Intercept | undefined;
  ignoreRange = false;

  private constructor(
    private readonly server: http.Server,
    private readonly directory: string,
    readonly origin: string,
  ) {}

  static async start(directory: string): Promise<RepositoryServer> {
    const server = http.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const repository = new RepositoryServer(server, directory, `http://127.0.0.1:${port}`);
    server.on('request', (request, response) => {
      repository.handle(request, response).catch(() => response.destroy());
    });
    return repository;
  }

  /** The repository URL to configure. */
  get url(): string {
    return `${this.origin}/models/`;
  }

  requestsFor(name: string): RecordedRequest[] {
    return this.requests.filter((request) => request.name === name);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', this.origin);
    const name = decodeURIComponent(url.pathname.replace(/^\/models\//, ''));
    this.requests.push({ name, ...(request.headers.range !== undefined ? { range: request.headers.range } : {}) });
    const file =
      url.pathname.startsWith('/models/') && !name.includes('/')
        ? await fs.readFile(path.join(this.directory, name)).catch(() => undefined)
        : undefined;
    if (this.intercept && (await this.intercept(request, response, name, file))) return;
    if (file === undefined) {
      response.writeHead(404).end();
      return;
    }
    const range = /^bytes=(\d+)-$/.exec(request.headers.range ?? '');
    if (range === null || this.ignoreRange) {
      response.writeHead(200, { 'content-length': file.byteLength }).end(file);
      return;
    }
    const start = Number(range[1]);
    if (start >= file.byteLength) {
      response.writeHead(416, { 'content-range': `bytes */${file.byteLength}` }).end();
      return;
    }
    response
      .writeHead(206, {
        'content-length': file.byteLength - start,
        'content-range': `bytes ${start}-${file.byteLength - 1}/${file.byteLength}`,
      })
      .end(file.subarray(start));
  }
}

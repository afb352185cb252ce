import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import pino from 'pino';
import { ElasticsearchException } from '../../errors/elasticsearch-exception';
import { ModelCache, ModelCacheOptions, ModelCacheStatus } from './model-cache';
import { gate, RepositoryServer, TemporaryDirectories, TinyPackage, writeTinyPackage } from './repository-fixtures';

const BUILTIN_REPOSITORY = path.resolve(__dirname, '..', '..', '..', '.cache', 'model-repository');

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const rejected = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => {
      expect(error).toBeInstanceOf(ElasticsearchException);
      return error as ElasticsearchException;
    },
  );
const distinct = (statuses: ModelCacheStatus[]) => statuses.filter((status, i) => status !== statuses[i - 1]);

const directories = new TemporaryDirectories();
let repository: string;
let tiny: TinyPackage;
let server: RepositoryServer;
let cacheDir: string;

beforeAll(async () => {
  repository = directories.make();
  tiny = await writeTinyPackage(repository, 'tiny_elser');
  await writeTinyPackage(repository, 'tiny_other');
  server = await RepositoryServer.start(repository);
});
afterAll(async () => {
  await server.close();
  directories.removeAll();
});
beforeEach(() => {
  server.requests.length = 0;
  server.intercept = undefined;
  server.ignoreRange = false;
  cacheDir = directories.make('elser-cache-');
});

const newCache = (options: Partial<ModelCacheOptions> = {}) => new ModelCache({ repository: server.url, cacheDir, ...options });
const cached = (name: string) => path.join(cacheDir, name);
const half = () => Math.floor(tiny.model.byteLength / 2);
const modelRequests = () => server.requestsFor('tiny_elser.onnx');

function serveMetadata(fields: Record<string, unknown>): void {
  server.intercept = (_request, response, name) => {
    if (name !== 'tiny_elser.metadata.json') return false;
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ...tiny.metadata, ...fields }));
    return true;
  };
}

/** Sends the first half of the model, then waits for `release` before `finish`ing the response. */
function holdModelBody(release: Promise<void>, finish: 'complete' | 'drop', modelName = 'tiny_elser.onnx'): void {
  let served = false;
  server.intercept = async (_request, response, name, file) => {
    if (name !== modelName || file === undefined || served) return false;
    served = true;
    const middle = Math.floor(file.byteLength / 2);
    response.writeHead(200, { 'content-length': file.byteLength });
    response.write(file.subarray(0, middle));
    await release;
    if (finish === 'drop') response.destroy();
    else response.end(file.subarray(middle));
    return true;
  };
}

function expectCompleteCopy(result: { modelPath: string; vocabulary: string[] }): void {
  expect(result.modelPath).toBe(cached('tiny_elser.onnx'));
  expect(sha256(readFileSync(result.modelPath))).toBe(tiny.metadata.sha256);
  expect(result.vocabulary).toEqual([...tiny.vocabulary]);
  expect(readdirSync(cacheDir).sort()).toEqual(['tiny_elser.metadata.json', 'tiny_elser.onnx', 'tiny_elser.vocab.json']);
}

describe('ModelCache downloads', () => {
  it('downloads a package over HTTP: absent, downloading, fully_defined', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => lines.push((JSON.parse(line) as { msg: string }).msg) });
    const cache = newCache({ logger });
    expect(cache.state('.tiny_elser')).toEqual({ modelId: 'tiny_elser', status: 'absent', bytesDownloaded: 0 });
    const statuses: ModelCacheStatus[] = [];
    cache.on('state', (state) => statuses.push(state.status));

    const result = await cache.ensure('.tiny_elser');

    expect(distinct(statuses)).toEqual(['downloading', 'fully_defined']);
    const size = tiny.model.byteLength;
    expect(cache.state('tiny_elser')).toEqual({ modelId: 'tiny_elser', status: 'fully_defined', bytesDownloaded: size, totalBytes: size });
    expectCompleteCopy(result);
    expect(result.metadata).toMatchObject({
      packaged_model_id: 'tiny_elser',
      size,
      sha256: tiny.metadata.sha256,
      vocabulary_file: 'tiny_elser.vocab.json',
    });
    expect(server.requests).toEqual([{ name: 'tiny_elser.metadata.json' }, { name: 'tiny_elser.vocab.json' }, { name: 'tiny_elser.onnx' }]);

    const progress = lines.filter((line) => line.startsWith('downloading [tiny_elser]: '));
    expect(progress.map((line) => Number(/: (\d+)%/.exec(line)?.[1]))).toEqual([10, 20, 30, 40, 50, 60, 70, 80, 90, 100]);
    expect(progress.at(-1)).toBe(`downloading [tiny_elser]: 100% (${size} of ${size} bytes)`);
  });

  it.each([
    ['a directory path', () => repository],
    ['a file: URL', () => pathToFileURL(repository).href],
  ])('copies a package from %s into the cache', async (_label, location) => {
    const cache = newCache({ repository: location() });
    const statuses: ModelCacheStatus[] = [];
    cache.on('state', (state) => statuses.push(state.status));
    expect(cache.state('tiny_elser').status).toBe('absent');
    expectCompleteCopy(await cache.ensure('tiny_elser'));
    expect(distinct(statuses)).toEqual(['downloading', 'fully_defined']);
  });

  it('copies the built-in package', async () => {
    const cache = newCache({ repository: pathToFileURL(BUILTIN_REPOSITORY).href });
    const result = await cache.ensure('.elser_model_2_linux-x86_64');
    const metadata = JSON.parse(readFileSync(path.join(BUILTIN_REPOSITORY, 'elser_model_2_linux-x86_64.metadata.json'), 'utf8')) as {
      sha256: string;
    };
    expect(sha256(readFileSync(result.modelPath))).toBe(metadata.sha256);
    expect(result.vocabulary).toHaveLength(30522);
    expect(cache.state('.elser_model_2_linux-x86_64').status).toBe('fully_defined');
  });

  it('reports downloading with progress while the server holds the body, then completes', async () => {
    const release = gate();
    holdModelBody(release.passed, 'complete');
    const terminal = {
      isTTY: true,
      columns: 120,
      writes: [] as string[],
      write(text: string) {
        this.writes.push(text);
      },
    };
    const cache = newCache({ progressStream: terminal });
    const halfway = new Promise<void>((resolve) => cache.on('progress', (progress) => progress.bytesDownloaded >= half() && resolve()));

    const ensured = cache.ensure('tiny_elser');
    await halfway;
    expect(cache.state('tiny_elser')).toEqual({
      modelId: 'tiny_elser',
      status: 'downloading',
      bytesDownloaded: half(),
      totalBytes: tiny.model.byteLength,
    });
    expect(existsSync(cached('tiny_elser.onnx.part'))).toBe(true);
    expect(existsSync(cached('tiny_elser.onnx'))).toBe(false);
    const percent = Math.floor((half() / tiny.model.byteLength) * 100);
    expect(terminal.writes.at(-1)).toMatch(new RegExp(`^\\rtiny_elser \\[#{15}-{15}\\]  ${percent}% `));

    release.open();
    expectCompleteCopy(await ensured);
    expect(cache.state('tiny_elser').status).toBe('fully_defined');
    expect(terminal.writes.at(-2)).toMatch(/^\rtiny_elser \[#{30}\] 100% /);
    expect(terminal.writes.at(-1)).toBe('\n');
  });

  it('shares one download between concurrent calls', async () => {
    const cache = newCache();
    const [first, second] = await Promise.all([cache.ensure('tiny_elser'), cache.ensure('.tiny_elser')]);
    expect(second).toBe(first);
    expect(modelRequests()).toHaveLength(1);
    expect(server.requestsFor('tiny_elser.metadata.json')).toHaveLength(1);
    await cache.ensure('tiny_elser');
    expect(modelRequests()).toHaveLength(1);
  });

  it('downloads different models independently', async () => {
    const release = gate();
    holdModelBody(release.passed, 'complete');
    const cache = newCache();
    const held = cache.ensure('tiny_elser');
    const other = await cache.ensure('tiny_other');
    expect(sha256(readFileSync(other.modelPath))).toBe(tiny.metadata.sha256);
    expect(cache.state('tiny_elser').status).toBe('downloading');
    expect(cache.state('tiny_other').status).toBe('fully_defined');
    release.open();
    await held;
    expect(cache.state('tiny_elser').status).toBe('fully_defined');
  });
});

describe('ModelCache resumes interrupted downloads', () => {
  it('resumes with a Range request after the connection drops mid-body', async () => {
    const drop = gate();
    holdModelBody(drop.passed, 'drop');
    const cache = newCache();
    cache.on('progress', (progress) => progress.bytesDownloaded >= half() && drop.open());

    const error = await rejected(cache.ensure('tiny_elser'));
    expect(error).toMatchObject({ status: 500, type: 'i_o_exception' });
    expect(cache.state('tiny_elser')).toMatchObject({
      status: 'failed',
      bytesDownloaded: half(),
      totalBytes: tiny.model.byteLength,
      error,
    });
    expect(statSync(cached('tiny_elser.onnx.part')).size).toBe(half());
    expect(existsSync(cached('tiny_elser.onnx'))).toBe(false);
    expect(existsSync(cached('tiny_elser.metadata.json'))).toBe(false);

    expectCompleteCopy(await cache.ensure('tiny_elser'));
    expect(modelRequests()).toEqual([{ name: 'tiny_elser.onnx' }, { name: 'tiny_elser.onnx', range: `bytes=${half()}-` }]);
  });

  it('resumes a part file left by a killed process', async () => {
    mkdirSync(cacheDir, { recursive: true });
    writeFileSync(cached('tiny_elser.onnx.part'), tiny.model.subarray(0, 12345));
    expectCompleteCopy(await newCache().ensure('tiny_elser'));
    expect(modelRequests()).toEqual([{ name: 'tiny_elser.onnx', range: 'bytes=12345-' }]);
  });

  it('starts over when the server answers a range request with the whole file', async () => {
    server.ignoreRange = true;
    writeFileSync(cached('tiny_elser.onnx.part'), tiny.model.subarray(0, 12345));
    expectCompleteCopy(await newCache().ensure('tiny_elser'));
    expect(modelRequests()).toEqual([{ name: 'tiny_elser.onnx', range: 'bytes=12345-' }]);
  });

  it('fetches the whole model again when a resumed part fails verification', async () => {
    writeFileSync(cached('tiny_elser.onnx.part'), Buffer.alloc(1000, 0x5a));
    expectCompleteCopy(await newCache().ensure('tiny_elser'));
    expect(modelRequests()).toEqual([{ name: 'tiny_elser.onnx', range: 'bytes=1000-' }, { name: 'tiny_elser.onnx' }]);
  });

  it('discards a part file longer than the model', async () => {
    writeFileSync(cached('tiny_elser.onnx.part'), Buffer.concat([tiny.model, Buffer.from('trailing')]));
    expectCompleteCopy(await newCache().ensure('tiny_elser'));
    expect(modelRequests()).toEqual([{ name: 'tiny_elser.onnx' }]);
  });
});

describe('ModelCache checks packages as Elasticsearch does', () => {
  it('refuses a model whose sha256 does not match and leaves nothing in the cache', async () => {
    const expected = 'f'.repeat(64);
    serveMetadata({ sha256: expected });
    const cache = newCache();
    const error = await rejected(cache.ensure('tiny_elser'));
    expect(error).toMatchObject({
      status: 500,
      type: 'status_exception',
      reason: `Model sha256 checksums do not match, expected [${expected}] but got [${tiny.metadata.sha256}]`,
    });
    expect(readdirSync(cacheDir)).toEqual([]);
    expect(cache.state('tiny_elser')).toMatchObject({ status: 'failed', error });
  });

  it.each([1, -1])('refuses a model whose size is off by %i', async (delta) => {
    const size = tiny.model.byteLength;
    serveMetadata({ size: size + delta });
    const error = await rejected(newCache().ensure('tiny_elser'));
    expect(error).toMatchObject({
      status: 500,
      type: 'status_exception',
      reason: `Model size does not match, expected [${size + delta}] but got [${size}]`,
    });
    expect(readdirSync(cacheDir)).toEqual([]);
  });

  it.each([
    [{ packaged_model_id: 'other_model' }, 'Invalid package name'],
    [{ size: 0 }, 'Invalid package size'],
    [{ size: -5 }, 'Invalid package size'],
    [{ size: null }, 'Invalid package size'],
    [{ sha256: '' }, 'Invalid package sha'],
    [{ sha256: 'abc123' }, 'Invalid package sha'],
    [{ sha256: null }, 'Invalid package sha'],
  ])('checks the metadata %j', async (fields, reason) => {
    serveMetadata(fields);
    const error = await rejected(newCache().ensure('tiny_elser'));
    expect(error).toMatchObject({ status: 500, type: 'status_exception', reason });
    expect(server.requests).toEqual([{ name: 'tiny_elser.metadata.json' }]);
    expect(readdirSync(cacheDir)).toEqual([]);
  });

  it('answers a missing package with Failed to find package', async () => {
    const error = await rejected(newCache().ensure('.no_such_model'));
    expect(error.toJSON()).toEqual({
      error: {
        root_cause: [{ type: 'illegal_argument_exception', reason: 'Failed to find package' }],
        type: 'illegal_argument_exception',
        reason: 'Failed to find package',
        caused_by: { type: 'resource_not_found_exception', reason: `${server.url}no_such_model.metadata.json not found` },
      },
      status: 400,
    });
  });

  it('wraps other metadata failures as Failed to load package metadata', async () => {
    server.intercept = (_request, response, name) => {
      if (name !== 'tiny_elser.metadata.json') return false;
      response.writeHead(302, { location: `${server.origin}/elsewhere` }).end();
      return true;
    };
    expect(await rejected(newCache().ensure('tiny_elser'))).toMatchObject({
      status: 400,
      type: 'illegal_argument_exception',
      reason: 'Failed to load package metadata',
      causedBy: { type: 'illegal_state_exception', reason: "redirects aren't supported yet" },
    });

    server.intercept = (_request, response, name) => {
      if (name !== 'tiny_elser.metadata.json') return false;
      response.writeHead(200).end('{"packaged_model_id": ');
      return true;
    };
    expect(await rejected(newCache().ensure('tiny_elser'))).toMatchObject({
      reason: 'Failed to load package metadata',
      causedBy: { type: 'x_content_parse_exception' },
    });
  });

  it('refuses a redirect for the model file', async () => {
    server.intercept = (_request, response, name) => {
      if (name !== 'tiny_elser.onnx') return false;
      response.writeHead(301, { location: `${server.origin}/elsewhere` }).end();
      return true;
    };
    expect(await rejected(newCache().ensure('tiny_elser'))).toMatchObject({
      status: 500,
      type: 'illegal_state_exception',
      reason: "redirects aren't supported yet",
    });
    expect(readdirSync(cacheDir)).toEqual([]);
  });

  it('passes the model response code through', async () => {
    server.intercept = (_request, response, name) => {
      if (name !== 'tiny_elser.onnx') return false;
      response.writeHead(503).end();
      return true;
    };
    expect(await rejected(newCache().ensure('tiny_elser'))).toMatchObject({
      status: 503,
      type: 'status_exception',
      reason: `error during downloading ${server.url}tiny_elser.onnx. Got response code 503`,
    });
  });

  it('checks the vocabulary file name and contents', async () => {
    serveMetadata({ vocabulary_file: '../secrets.json' });
    expect(await rejected(newCache().ensure('tiny_elser'))).toMatchObject({ status: 400, reason: 'Illegal path in package location' });
    serveMetadata({ vocabulary_file: 'tiny_elser.vocab.txt' });
    expect(await rejected(newCache().ensure('tiny_elser'))).toMatchObject({ status: 400, reason: 'unknown format vocabulary file format' });
    serveMetadata({ vocabulary_file: 'missing.vocab.json' });
    expect(await rejected(newCache().ensure('tiny_elser'))).toMatchObject({
      status: 500,
      type: 'exception',
      reason: 'Failed to load vocabulary file',
      causedBy: { type: 'resource_not_found_exception', reason: `${server.url}missing.vocab.json not found` },
    });
    expect(modelRequests()).toEqual([]);
  });
});

describe('ModelCache trusts only verified files', () => {
  const alter = (file: string) => {
    const bytes = readFileSync(file);
    bytes[1000] ^= 0xff;
    writeFileSync(file, bytes);
  };

  it('uses a verified cache without the repository', async () => {
    await newCache().ensure('tiny_elser');
    const offline = newCache({ repository: 'http://127.0.0.1:9/unreachable/' });
    expectCompleteCopy(await offline.ensure('.tiny_elser'));
    expect(offline.state('tiny_elser').status).toBe('fully_defined');
  });

  it('detects a cached file altered on disk and downloads it again', async () => {
    await newCache().ensure('tiny_elser');
    alter(cached('tiny_elser.onnx'));

    const restarted = newCache();
    expectCompleteCopy(await restarted.ensure('tiny_elser'));
    expect(modelRequests()).toHaveLength(2);

    alter(cached('tiny_elser.onnx'));
    expectCompleteCopy(await restarted.ensure('tiny_elser'));
    expect(modelRequests()).toHaveLength(3);
  });

  it('downloads again when the cached metadata or vocabulary is damaged', async () => {
    await newCache().ensure('tiny_elser');
    writeFileSync(cached('tiny_elser.vocab.json'), '{"vocabulary": [');
    expectCompleteCopy(await newCache().ensure('tiny_elser'));
    writeFileSync(cached('tiny_elser.metadata.json'), JSON.stringify({ ...tiny.metadata, vocabulary_file: '../elsewhere.json' }));
    expectCompleteCopy(await newCache().ensure('tiny_elser'));
    expect(modelRequests()).toHaveLength(3);
  });
});

describe('ModelCache confinement', () => {
  it.each(['../evil', '..', '.', 'a/b', 'a\\b', '/etc/passwd', 'evil\u0000', '.../x'])('refuses the model id %j', async (modelId) => {
    const cache = newCache();
    const error = await rejected(cache.ensure(modelId));
    expect(error).toMatchObject({
      status: 400,
      type: 'illegal_argument_exception',
      reason: 'Failed to load package metadata',
      causedBy: { type: 'illegal_argument_exception', reason: 'Illegal path in package location' },
    });
    expect(server.requests).toEqual([]);
    expect(readdirSync(cacheDir)).toEqual([]);
  });

  it('refuses a file: repository outside its root', () => {
    expect(() => newCache({ repository: pathToFileURL(repository).href, fileRoot: directories.make() })).toThrow(
      expect.objectContaining({
        status: 400,
        reason: expect.stringMatching(/^If xpack\.ml\.model_repository is a file location, it must be placed below/),
      }),
    );
  });

  it('refuses a model file that is a symlink out of the repository', async () => {
    const local = directories.make();
    const outside = directories.make();
    for (const name of ['tiny_elser.metadata.json', 'tiny_elser.vocab.json']) cpSync(path.join(repository, name), path.join(local, name));
    cpSync(path.join(repository, 'tiny_elser.onnx'), path.join(outside, 'tiny_elser.onnx'));
    symlinkSync(path.join(outside, 'tiny_elser.onnx'), path.join(local, 'tiny_elser.onnx'));
    const error = await rejected(newCache({ repository: local }).ensure('tiny_elser'));
    expect(error).toMatchObject({ status: 400, reason: 'Illegal path in package location' });
    expect(readdirSync(cacheDir)).toEqual([]);
  });
});

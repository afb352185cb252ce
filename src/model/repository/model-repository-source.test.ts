import { promises as fs, symlinkSync, writeFileSync, mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ElasticsearchException } from '../../errors/elasticsearch-exception';
import { ArtefactBody, createModelRepositorySource } from './model-repository-source';
import { repositoryBaseUrl, resolvePackageLocation } from './package-location';
import { readAll } from './read-artefact';
import { RepositoryServer, TemporaryDirectories } from './repository-fixtures';

const directories = new TemporaryDirectories();
afterAll(() => directories.removeAll());

const text = async (body: ArtefactBody) => (await readAll(body.stream, 1 << 20)).toString('utf8');

async function rejection(promise: Promise<unknown> | (() => unknown)): Promise<ElasticsearchException> {
  try {
    await (typeof promise === 'function' ? promise() : promise);
  } catch (error) {
    expect(error).toBeInstanceOf(ElasticsearchException);
    return error as ElasticsearchException;
  }
  throw new Error('expected a rejection');
}

const UNSAFE_NAMES = [
  '',
  '.',
  '..',
  '../x.json',
  'a/../../x.json',
  'sub/x.json',
  'a\\x.json',
  'x\u0000.json',
  '/etc/passwd',
  'C:\\x.json',
  'http://evil.example/x.json',
  '//evil.example/x.json',
];

describe('resolvePackageLocation', () => {
  const base = repositoryBaseUrl('https://ml-models.example/models');

  it('resolves plain artefact names below the repository', () => {
    expect(resolvePackageLocation(base, 'elser_model_2.metadata.json').href).toBe(
      'https://ml-models.example/models/elser_model_2.metadata.json',
    );
  });

  it.each(UNSAFE_NAMES)('refuses %j', async (name) => {
    const error = await rejection(() => resolvePackageLocation(base, name));
    expect(error).toMatchObject({ status: 400, type: 'illegal_argument_exception', reason: 'Illegal path in package location' });
  });
});

describe('HTTP repository source', () => {
  let server: RepositoryServer;
  beforeAll(async () => {
    const directory = directories.make();
    writeFileSync(path.join(directory, 'artefact.json'), '0123456789');
    server = await RepositoryServer.start(directory);
  });
  afterAll(() => server.close());
  beforeEach(() => {
    server.requests.length = 0;
    server.intercept = undefined;
    server.ignoreRange = false;
  });

  it('reads an artefact with a 200', async () => {
    const body = await createModelRepositorySource(server.url).open('artefact.json');
    expect(body).toMatchObject({ offset: 0, length: 10 });
    expect(await text(body)).toBe('0123456789');
    expect(server.requests).toEqual([{ name: 'artefact.json' }]);
  });

  it('resumes with a Range header and accepts the 206', async () => {
    const body = await createModelRepositorySource(server.url).open('artefact.json', { start: 4 });
    expect(body).toMatchObject({ offset: 4, length: 10 });
    expect(await text(body)).toBe('456789');
    expect(server.requests).toEqual([{ name: 'artefact.json', range: 'bytes=4-' }]);
  });

  it('reports a 200 to a range request as starting from byte 0', async () => {
    server.ignoreRange = true;
    const body = await createModelRepositorySource(server.url).open('artefact.json', { start: 4 });
    expect(body.offset).toBe(0);
    expect(await text(body)).toBe('0123456789');
  });

  it.each([301, 302, 303])('refuses a %i redirect', async (code) => {
    server.intercept = (_request, response) => {
      response.writeHead(code, { location: `${server.origin}/elsewhere/artefact.json` }).end();
      return true;
    };
    const error = await rejection(createModelRepositorySource(server.url).open('artefact.json'));
    expect(error).toMatchObject({ status: 500, type: 'illegal_state_exception', reason: "redirects aren't supported yet" });
    expect(server.requests).toHaveLength(1);
  });

  it('maps a 404 to resource_not_found_exception naming the URI', async () => {
    const error = await rejection(createModelRepositorySource(server.url).open('missing.json'));
    expect(error).toMatchObject({ status: 404, type: 'resource_not_found_exception', reason: `${server.url}missing.json not found` });
  });

  it('passes other status codes through', async () => {
    server.intercept = (_request, response) => {
      response.writeHead(503).end('busy');
      return true;
    };
    const error = await rejection(createModelRepositorySource(server.url).open('artefact.json'));
    expect(error).toMatchObject({
      status: 503,
      type: 'status_exception',
      reason: `error during downloading ${server.url}artefact.json. Got response code 503`,
    });
  });

  it('reports a 416 as an invalid request range', async () => {
    const error = await rejection(createModelRepositorySource(server.url).open('artefact.json', { start: 10 }));
    expect(error).toMatchObject({ status: 500, type: 'illegal_state_exception', reason: 'Invalid request range [bytes=10-]' });
  });

  it('refuses unsafe artefact names before sending anything', async () => {
    const source = createModelRepositorySource(server.url);
    for (const name of UNSAFE_NAMES) {
      expect(await rejection(() => source.open(name))).toMatchObject({ reason: 'Illegal path in package location' });
    }
    expect(server.requests).toEqual([]);
  });

  it('refuses repositories with credentials or other schemes', async () => {
    expect(await rejection(() => createModelRepositorySource('http://user:secret@127.0.0.1/models'))).toMatchObject({
      status: 400,
      reason: 'xpack.ml.model_repository does not support authentication',
    });
    expect(await rejection(() => createModelRepositorySource('ftp://127.0.0.1/models'))).toMatchObject({
      status: 400,
      reason: 'xpack.ml.model_repository must be configured with one of the following schemes: "http", "https", "file"',
    });
  });

  it('fails with an i_o_exception when nothing listens', async () => {
    const closed = await RepositoryServer.start(directories.make());
    const url = closed.url;
    await closed.close();
    expect(await rejection(createModelRepositorySource(url).open('artefact.json'))).toMatchObject({ status: 500, type: 'i_o_exception' });
  });
});

describe('file repository source', () => {
  let root: string;
  let repository: string;
  let outside: string;

  beforeAll(() => {
    root = directories.make();
    repository = path.join(root, 'models');
    outside = directories.make();
    mkdirSync(repository);
    writeFileSync(path.join(repository, 'artefact.json'), '0123456789');
    writeFileSync(path.join(root, 'shared.json'), 'inside the root');
    writeFileSync(path.join(outside, 'secret.json'), 'outside the root');
    symlinkSync(path.join(outside, 'secret.json'), path.join(repository, 'escape.json'));
    symlinkSync(path.join(root, 'shared.json'), path.join(repository, 'shared.json'));
  });

  it('reads from a plain directory path and from a file: URL, with an optional start', async () => {
    expect(await text(await createModelRepositorySource(repository).open('artefact.json'))).toBe('0123456789');
    const body = await createModelRepositorySource(pathToFileURL(repository).href).open('artefact.json', { start: 3 });
    expect(body).toMatchObject({ offset: 3, length: 10 });
    expect(await text(body)).toBe('3456789');
  });

  it('reports a missing artefact as not found, naming its file: URI', async () => {
    const error = await rejection(createModelRepositorySource(repository).open('missing.json'));
    expect(error).toMatchObject({
      status: 404,
      type: 'resource_not_found_exception',
      reason: `${pathToFileURL(path.join(repository, 'missing.json')).href} not found`,
    });
  });

  it('refuses a repository outside the configured root', async () => {
    const error = await rejection(() => createModelRepositorySource(pathToFileURL(outside).href, { fileRoot: root }));
    expect(error).toMatchObject({
      status: 400,
      reason: `If xpack.ml.model_repository is a file location, it must be placed below the configuration: ${pathToFileURL(root + path.sep).href}`,
    });
    expect(await rejection(() => createModelRepositorySource(path.join(repository, '..', '..'), { fileRoot: root }))).toMatchObject({
      status: 400,
    });
  });

  it('follows symlinks only while they stay under the root', async () => {
    const confinedToRepository = createModelRepositorySource(repository);
    expect(await rejection(confinedToRepository.open('escape.json'))).toMatchObject({ reason: 'Illegal path in package location' });
    expect(await rejection(confinedToRepository.open('shared.json'))).toMatchObject({ reason: 'Illegal path in package location' });

    const confinedToRoot = createModelRepositorySource(repository, { fileRoot: root });
    expect(await text(await confinedToRoot.open('shared.json'))).toBe('inside the root');
    expect(await rejection(confinedToRoot.open('escape.json'))).toMatchObject({ reason: 'Illegal path in package location' });
  });

  it('refuses unsafe artefact names', async () => {
    const source = createModelRepositorySource(repository, { fileRoot: root });
    for (const name of UNSAFE_NAMES) {
      expect(await rejection(() => source.open(name))).toMatchObject({ reason: 'Illegal path in package location' });
    }
    await expect(fs.readFile(path.join(repository, 'artefact.json'), 'utf8')).resolves.toBe('0123456789');
  });
});

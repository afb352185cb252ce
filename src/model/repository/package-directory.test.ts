import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { ElasticsearchException } from '../../errors/elasticsearch-exception';
import { readModelPackage } from './package-directory';
import { rewriteMetadata, TemporaryDirectories, TinyPackage, writeTinyPackage } from './repository-fixtures';

const BUILTIN_REPOSITORY = path.resolve(__dirname, '..', '..', '..', '.cache', 'model-repository');

const directories = new TemporaryDirectories();
afterAll(() => directories.removeAll());

async function failure(promise: Promise<unknown>): Promise<ElasticsearchException> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(ElasticsearchException);
  return error as ElasticsearchException;
}

describe('readModelPackage (a repository used in place)', () => {
  let directory: string;
  let tiny: TinyPackage;
  beforeEach(async () => {
    directory = directories.make();
    tiny = await writeTinyPackage(directory, 'tiny_elser');
  });

  it('reads the built-in package by its dotted model id', async () => {
    const result = await readModelPackage(BUILTIN_REPOSITORY, '.elser_model_2_linux-x86_64');
    expect(result.modelPath).toBe(path.join(BUILTIN_REPOSITORY, 'elser_model_2_linux-x86_64.onnx'));
    expect(createHash('sha256').update(readFileSync(result.modelPath)).digest('hex')).toBe(result.metadata.sha256);
    expect(result.vocabulary).toHaveLength(30522);
    expect(result.metadata.packaged_model_id).toBe('elser_model_2_linux-x86_64');
  });

  it('answers a missing package or model file with the ELSER service not-found error', async () => {
    const reason =
      'Could not start the ELSER service as the ELSER model for this platform cannot be found. ELSER needs to be downloaded before it can be started.';
    expect(await failure(readModelPackage(directory, '.elser_model_2'))).toMatchObject({
      status: 404,
      type: 'resource_not_found_exception',
      reason,
    });
    writeFileSync(path.join(directory, 'tiny_elser.onnx'), '');
    await expect(readModelPackage(directory, 'tiny_elser')).rejects.toMatchObject({ status: 500 });
  });

  it('refuses a model file that does not match its metadata', async () => {
    const damaged = Buffer.from(tiny.model);
    damaged[0] ^= 0xff;
    writeFileSync(path.join(directory, 'tiny_elser.onnx'), damaged);
    const actual = createHash('sha256').update(damaged).digest('hex');
    expect(await failure(readModelPackage(directory, 'tiny_elser'))).toMatchObject({
      status: 500,
      type: 'status_exception',
      reason: `Model sha256 checksums do not match, expected [${tiny.metadata.sha256}] but got [${actual}]`,
    });
  });

  it('never follows ids or vocabulary names out of the directory', async () => {
    expect(await failure(readModelPackage(directory, '../tiny_elser'))).toMatchObject({
      status: 400,
      reason: 'Illegal path in package location',
    });
    await rewriteMetadata(directory, 'tiny_elser', { vocabulary_file: '../tiny_elser.vocab.json' });
    expect(await failure(readModelPackage(directory, 'tiny_elser'))).toMatchObject({
      status: 400,
      reason: 'Illegal path in package location',
    });
  });
});

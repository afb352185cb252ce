import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import request from 'supertest';
import { platformElserModelId } from '../src/inference/elser-service';
import { ensureBuiltCli } from './support/built-cli';
import { startCliServer } from './support/cli-server';

const CLI = path.resolve(__dirname, '..', 'dist', 'cli.js');

describe('elser-mock with a configuration file', () => {
  let directory: string;

  beforeAll(async () => {
    await ensureBuiltCli();
    directory = mkdtempSync(path.join(tmpdir(), 'elser-mock-cli-config-'));
  });

  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  it('starts with the options of the file --config names', async () => {
    const file = path.join(directory, 'server.yaml');
    const dataDir = path.join(directory, 'data');
    writeFileSync(file, `port: 0\nin-memory: true\nes-version: 9.1\ndata-dir: ${JSON.stringify(dataDir)}\n`);
    const cli = await startCliServer(['--config', file]);
    try {
      expect(cli.url).not.toMatch(/:9200$/);
      const root = await request(cli.url).get('/').expect(200);
      expect(root.body.version.number).toMatch(/^9\.1\./);
      const endpoint = {
        service: 'elasticsearch',
        service_settings: { model_id: platformElserModelId(), num_allocations: 1, num_threads: 1 },
      };
      await request(cli.url).put('/_inference/sparse_embedding/from-config-file').send(endpoint).expect(200);
      expect(existsSync(dataDir)).toBe(false);
    } finally {
      expect(await cli.stop()).toBe(0);
    }
  });

  it('exits with 2 and the message on stderr when the file is invalid', () => {
    const file = path.join(directory, 'invalid.yaml');
    writeFileSync(file, 'port: abc\n');
    const run = spawnSync(process.execPath, [CLI, '--config', file], { encoding: 'utf8', timeout: 20_000 });
    expect(run.status).toBe(2);
    expect(run.stderr).toBe(`elser-mock: ${file}: [port] must be an integer from 0 to 65535, got [abc]\n`);
  });

  it('reads elser-mock.yaml from its working directory', () => {
    const cwd = mkdtempSync(path.join(directory, 'cwd-'));
    writeFileSync(path.join(cwd, 'elser-mock.yaml'), 'prot: 0\n');
    const run = spawnSync(process.execPath, [CLI], { cwd, encoding: 'utf8', timeout: 20_000 });
    expect(run.status).toBe(2);
    expect(run.stderr).toBe('elser-mock: elser-mock.yaml: unknown key [prot]; did you mean [port]?\n');
  });
});

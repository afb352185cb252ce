import { ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { ensureBuiltCli } from './support/built-cli';

const ROOT = path.resolve(__dirname, '..');
const TSC = require.resolve('typescript/bin/tsc');
const run = promisify(execFile);

// `npm test` exports this project's npm settings to child processes, and `npm_config_local_prefix`
// would point the consumer's npm at this repository.
const env: NodeJS.ProcessEnv = {
  ...Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('npm_') || key === 'npm_config_cache')),
  ONNXRUNTIME_NODE_INSTALL: 'skip',
  ELSER_MOCK_LOG_LEVEL: 'warn',
};

interface PackResult {
  filename: string;
  files: { path: string }[];
}

/** Resolves with the URL of the `listening` line; rejects if the process ends first. */
function listening(child: ChildProcess, output: () => string): Promise<string> {
  return new Promise((resolve, reject) => {
    const onData = () => {
      const match = /elser-mock listening on (http:\/\/\S+)/.exec(output());
      if (match) resolve(match[1]);
    };
    child.stdout?.on('data', onData);
    child.once('exit', (code, signal) => reject(new Error(`elser-mock exited with ${code ?? signal} before listening:\n${output()}`)));
  });
}

/** The elser-mock processes run from `project`: npx starts them under `sh -c`, which does not pass npx's signals on. */
async function serverPids(project: string): Promise<number[]> {
  const pattern = path.join(project, 'node_modules', '.bin', 'elser-mock');
  const { stdout } = await run('pgrep', ['-f', pattern]).catch(() => ({ stdout: '' }));
  return stdout.split('\n').filter(Boolean).map(Number);
}

async function json(url: string, init?: RequestInit): Promise<{ status: number; body: any }> {
  const response = await fetch(url, { ...init, headers: { 'content-type': 'application/json' } });
  return { status: response.status, body: await response.json() };
}

describe('the npm package, installed from its tarball', () => {
  let work: string;
  let project: string;
  let packed: PackResult;

  beforeAll(async () => {
    await ensureBuiltCli();
    work = mkdtempSync(path.join(tmpdir(), 'elser-mock-package-'));
    // dist is built above, under the lock the other tests share, so prepack need not build it again.
    const { stdout } = await run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work], { cwd: ROOT, env });
    [packed] = JSON.parse(stdout) as PackResult[];
    project = path.join(work, 'project');
    mkdirSync(project);
    writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }));
    // onnxruntime-node ships its CPU binaries; its install script only downloads CUDA ones.
    await run('npm', ['install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts', path.join(work, packed.filename)], {
      cwd: project,
      env,
    });
  }, 600_000);

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('holds the built code, the OpenAPI document and the contract cases, without maps, tests or benchmarks', () => {
    const files = packed.files.map((file) => file.path);
    expect(files).toEqual(
      expect.arrayContaining([
        'package.json',
        'README.md',
        'dist/cli.js',
        'dist/index.d.ts',
        'dist/types.d.ts',
        'dist/contracts/index.js',
        'dist/model/builder/cli.js',
        'openapi/elser-mock.yaml',
        'contracts/schema/contract-file.schema.json',
        'contracts/inference.yaml',
      ]),
    );
    expect(files.filter((file) => !/^(dist|openapi|contracts|schema)\/|^(package\.json|README\.md)$/.test(file))).toEqual([]);
    expect(files.filter((file) => /\.map$|\.test\.|^dist\/bench\/|repository-fixtures/.test(file))).toEqual([]);
  });

  it('exposes start, the contract runner and the OpenAPI types', async () => {
    const script = `
      const fs = require('node:fs');
      const types = require.resolve('elser-mock/types');
      console.log(JSON.stringify({
        start: typeof require('elser-mock').start,
        runSuite: typeof require('elser-mock/contracts').runSuite,
        main: typeof require('elser-mock/contracts').main,
        declarations: fs.existsSync(types.replace(/\\.js$/, '.d.ts')),
        version: require('elser-mock/package.json').version,
      }));`;
    const { stdout } = await run(process.execPath, ['-e', script], { cwd: project, env });
    expect(JSON.parse(stdout)).toEqual({ start: 'function', runSuite: 'function', main: 'function', declarations: true, version: '0.1.0' });
  });

  it('runs the contract runner with npx elser-mock-contracts', async () => {
    const { stdout } = await run('npx', ['--offline', 'elser-mock-contracts', '--list'], { cwd: project, env });
    expect(stdout).toMatch(/^create\b.*\d+/m);
    expect(stdout).toMatch(/^openapi-examples\b/m);
  });

  it.each([
    ['node16', 'node16'],
    ['commonjs', 'node10'],
  ])(
    'type-checks a consumer with --module %s --moduleResolution %s',
    async (module, moduleResolution) => {
      writeFileSync(
        path.join(project, 'consumer.ts'),
        [
          "import { start, type RunningServer } from 'elser-mock';",
          "import { runSuite } from 'elser-mock/contracts';",
          "import type { components, paths } from 'elser-mock/types';",
          "type Endpoint = components['schemas']['TaskType'];",
          "type Root = paths['/']['get'];",
          'export const api: [typeof start, typeof runSuite, RunningServer?, Endpoint?, Root?] = [start, runSuite];',
        ].join('\n'),
      );
      const flags = ['--noEmit', '--strict', '--skipLibCheck', '--module', module, '--moduleResolution', moduleResolution];
      const checked = await run(process.execPath, [TSC, ...flags, 'consumer.ts'], { cwd: project, env }).catch(
        (error: { stdout: string }) => error,
      );
      expect(checked.stdout).toBe('');
    },
    120_000,
  );

  it('runs with npx: answers GET / and a sparse_embedding inference, and npx exits 0 once the server is sent SIGTERM', async () => {
    const child = spawn('npx', ['--offline', 'elser-mock', '--port', '0', '--in-memory'], {
      cwd: project,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      const url = await listening(child, () => output);
      expect(existsSync(path.join(project, 'node_modules', 'elser-mock', '.cache', 'model-repository', 'elser_model_2.onnx'))).toBe(true);

      const root = await json(`${url}/`);
      expect(root.status).toBe(200);
      expect(root.body).toMatchObject({ tagline: 'You Know, for Search' });

      const settings = { service: 'elser', service_settings: { num_allocations: 1, num_threads: 1 } };
      const created = await json(`${url}/_inference/sparse_embedding/pkg-test`, { method: 'PUT', body: JSON.stringify(settings) });
      expect(created.status).toBe(200);

      const inference = { input: 'the sky above the port' };
      const inferred = await json(`${url}/_inference/sparse_embedding/pkg-test`, { method: 'POST', body: JSON.stringify(inference) });
      expect(inferred.status).toBe(200);
      expect(inferred.body.sparse_embedding[0].embedding).toHaveProperty('sky');

      const [server, ...others] = await serverPids(project);
      expect(others).toEqual([]);
      process.kill(server, 'SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      for (const pid of await serverPids(project)) process.kill(pid, 'SIGKILL');
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  }, 300_000);
});

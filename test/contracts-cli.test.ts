import { spawn, execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import type { RunningServer } from '../src/server';
import { startTestServer } from './support/server';

/**
 * `npm run contracts -- --target <url>`: the compiled CLI, run as its own process against a
 * mock started here, with contract files of the test's own.
 */

const ROOT = path.resolve(__dirname, '..');
const CLI = path.join(ROOT, 'dist', 'contracts', 'cli.js');
const SOURCES = path.join(ROOT, 'src', 'contracts');

function newestSource(directory: string): number {
  return readdirSync(directory, { withFileTypes: true }).reduce((newest, entry) => {
    const full = path.join(directory, entry.name);
    if (entry.isDirectory()) return Math.max(newest, newestSource(full));
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? Math.max(newest, statSync(full).mtimeMs) : newest;
  }, 0);
}

/** `npm test` builds first; a jest run on its own compiles when the sources are newer than the build. */
async function ensureBuilt(): Promise<void> {
  if (existsSync(CLI) && statSync(CLI).mtimeMs >= newestSource(SOURCES)) return;
  await promisify(execFile)('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: ROOT });
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runCli(args: string[], cwd: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd, env: { ...process.env, ES_PASSWORD: undefined } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const SAMPLE = `area: sample
description: A small area of the test's own, valid against the mock and a real cluster.
cases:
  - name: create, read and delete an endpoint
    setup:
      - request:
          method: PUT
          path: '/_inference/sparse_embedding/{{id}}'
          body: { service: elser, service_settings: { num_allocations: 1, num_threads: 1 } }
    request: { method: GET, path: '/_inference/{{id}}' }
    expect:
      status: 200
      headers: { x-elastic-product: Elasticsearch }
      match:
        endpoints: { length: 1 }
        endpoints.0.inference_id: { equals: '{{id}}' }
        endpoints.0.service_settings: { containsKeys: [num_threads] }
    then:
      - request: { method: POST, path: '/_inference/{{id}}', body: { input: The sky above the port } }
        expect:
          status: 200
          match:
            sparse_embedding.0.embedding: { minLength: 1, sortedByValueDesc: true, every: { greaterThan: 0 } }
      - request: { method: DELETE, path: '/_inference/{{id}}' }
        expect: { status: 200, match: { acknowledged: { equals: true } } }
  - name: an unknown endpoint
    request: { method: GET, path: '/_inference/{{id}}' }
    expect:
      status: 404
      error: { type: resource_not_found_exception, reason: 'Inference endpoint not found [{{id}}]' }
  - name: leaves an endpoint for the runner to delete
    setup:
      - request:
          method: PUT
          path: '/_inference/sparse_embedding/{{id}}-kept'
          body: { service: elser, service_settings: { num_allocations: 1, num_threads: 1 } }
    request: { method: GET, path: '/_inference/{{id}}-kept' }
    expect: { status: 200 }
  - name: needs the slow repository
    requires: { mock: [slow-model-repository] }
    request: { method: GET, path: / }
    expect: { status: 200 }
`;

const FAILING = `area: failing
cases:
  - name: expects a 404 for an endpoint that exists
    setup:
      - request:
          method: PUT
          path: '/_inference/sparse_embedding/{{id}}'
          body: { service: elser, service_settings: { num_allocations: 1, num_threads: 1 } }
    request: { method: GET, path: '/_inference/{{id}}' }
    expect:
      status: 404
      error: { type: resource_not_found_exception, reason: { regex: '^Inference endpoint not found' } }
    teardown:
      - { method: DELETE, path: '/_inference/{{id}}' }
`;

describe('the contract runner CLI against a running mock', () => {
  let server: RunningServer;
  let work: string;

  beforeAll(async () => {
    await ensureBuilt();
    server = await startTestServer('8.15');
    work = mkdtempSync(path.join(tmpdir(), 'contracts-cli-'));
  }, 180_000);
  afterAll(async () => {
    await server?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  function contractsDir(name: string, files: Record<string, string>): string {
    const dir = path.join(work, name);
    mkdirSync(dir, { recursive: true });
    for (const [file, text] of Object.entries(files)) writeFileSync(path.join(dir, file), text);
    return dir;
  }

  async function endpointIds(): Promise<string[]> {
    const response = await fetch(`${server.url}/_inference/_all`);
    return ((await response.json()) as { endpoints: Array<{ inference_id: string }> }).endpoints.map((e) => e.inference_id);
  }

  it('passes, writes JUnit XML and Markdown, and leaves nothing behind', async () => {
    const dir = contractsDir('pass', { 'sample.yaml': SAMPLE });
    const junit = path.join(work, 'out', 'junit.xml');
    const markdown = path.join(work, 'out', 'report.md');
    const run = await runCli(
      ['--target', server.url, '--contracts-dir', dir, '--area', 'sample', '--junit', junit, '--markdown', markdown],
      work,
    );
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/Running 4 case\(s\) on http:\/\/127\.0\.0\.1:\d+ \(version 8\.15\.\d+, profile 8\.15\), run [0-9a-f]{5}/);
    expect(run.stdout).toContain('PASS     sample › create, read and delete an endpoint [8.15]');
    expect(run.stdout).toContain('SKIP     sample › needs the slow repository [8.15] — mock fixture [slow-model-repository]: ');
    expect(await endpointIds()).toEqual([]);

    const xml = readFileSync(junit, 'utf8');
    expect(xml).toContain('<testsuite name="sample [8.15]" tests="4" failures="0" errors="0" skipped="1"');
    expect(xml).toContain('name="an unknown endpoint"');
    const report = readFileSync(markdown, 'utf8');
    expect(report).toContain('| sample | 8.15 | 4 | 3 | 0 | 1 | 0 |');
    expect(report).toContain('## Failures\n\nNone.');
  }, 120_000);

  it('exits non-zero on a failing case, with a curl line and a diff, into the default report files', async () => {
    const dir = contractsDir('fail', { 'sample.yaml': SAMPLE, 'failing.yaml': FAILING });
    const run = await runCli(['--target', server.url, '--contracts-dir', dir, '--area', 'sample', '--area', 'failing'], work);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('FAIL     failing › expects a 404 for an endpoint that exists [8.15]');
    expect(run.stdout).toMatch(new RegExp(`curl -sS -i '${server.url}/_inference/ct-[0-9a-f]{5}-failing-expects-a-404-[a-z0-9-]+'`));
    expect(run.stdout).toContain('- status: 404\n');
    expect(run.stdout).toContain('+ status: 200\n');
    expect(run.stdout).toContain('FAILED: ');
    const xml = readFileSync(path.join(work, 'contracts', 'results', 'junit.xml'), 'utf8');
    expect(xml).toContain('<failure message="request: status: expected status 404, got 200');
    expect(readFileSync(path.join(work, 'contracts', 'results', 'report.md'), 'utf8')).toContain(
      '### failing › expects a 404 for an endpoint that exists [8.15]',
    );
    expect(await endpointIds()).toEqual([]);
  }, 120_000);

  it('reports a failure the baseline lists as accepted, and exits zero', async () => {
    const dir = contractsDir('baseline', { 'failing.yaml': FAILING });
    const baseline = path.join(work, 'baseline.yaml');
    writeFileSync(baseline, '- area: failing\n  case: expects a 404 for an endpoint that exists\n  reason: the case is wrong on purpose\n');
    const run = await runCli(['--target', server.url, '--contracts-dir', dir, '--area', 'failing', '--baseline', baseline], work);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      'ACCEPTED failing › expects a 404 for an endpoint that exists [8.15] — accepted: the case is wrong on purpose',
    );
  }, 120_000);

  it('refuses a malformed case file, naming the file and the case', async () => {
    const dir = contractsDir('malformed', { 'broken.yaml': 'area: broken\ncases:\n  - name: no request\n    expect: {}\n' });
    const run = await runCli(['--target', server.url, '--contracts-dir', dir], work);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('broken.yaml:3:5: case "no request" (cases[0]): the value lacks the required property [request]');
  });

  it('lists the areas with their number of cases', async () => {
    const dir = contractsDir('list', { 'sample.yaml': SAMPLE });
    const run = await runCli(['--contracts-dir', dir, '--list'], work);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^sample\t4\nopenapi-examples\t\d+\ntotal\t\d+\n$/);
  });

  it('says why it cannot reach a target', async () => {
    const run = await runCli(['--target', 'http://127.0.0.1:1', '--contracts-dir', contractsDir('unreachable', {})], work);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^cannot reach the target: GET http:\/\/127\.0\.0\.1:1\/: /);
  });
});

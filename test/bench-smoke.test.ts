import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

/**
 * The benchmark harness runs end to end on its tiny configuration and writes
 * results of the expected shape. Nothing here judges a number: speed depends
 * on the machine and on whatever else runs on it.
 */
const ROOT = path.resolve(__dirname, '..');
const HARNESS = path.join(ROOT, 'dist', 'bench', 'cli.js');
const BUDGET_MS = 30_000;

function run(args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [HARNESS, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), BUDGET_MS);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

const finiteNumber = expect.any(Number);
/** A rate needs two completions; on a very busy machine a 0.25 s window may see fewer, and JSON writes NaN as null. */
const measured = {
  asymmetricMatch: (value: unknown) => value === null || typeof value === 'number',
  toAsymmetricMatcher: () => 'a number or null',
};
const sample = { throughput: measured, count: finiteNumber, p50Ms: measured, p99Ms: measured };

describe('benchmark harness', () => {
  let directory: string;

  beforeAll(() => {
    directory = mkdtempSync(path.join(tmpdir(), 'elser-bench-'));
  });

  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  test(
    'runs the quick configuration and writes latest.json and latest.md',
    async () => {
      expect(existsSync(HARNESS)).toBe(true); // built by `npm run build` (npm test's pretest)
      const out = path.join(directory, 'results');
      const started = Date.now();
      const { code, output } = await run([
        '--quick',
        '--seconds',
        '0.25',
        '--lengths',
        '16',
        '--out',
        out,
        '--models-dir',
        path.join(directory, 'models'),
      ]);
      expect({ code, tail: output.slice(-3000) }).toEqual({ code: 0, tail: expect.any(String) });
      expect(Date.now() - started).toBeLessThan(BUDGET_MS);

      const results = JSON.parse(readFileSync(path.join(out, 'latest.json'), 'utf8'));
      expect(results).toMatchObject({
        schema: 1,
        quick: true,
        config: { models: ['builtin'], lengths: [16], seconds: 0.25, layouts: ['1x2', '2x1'] },
        machine: { logicalCpus: finiteNumber, onnxruntime: expect.any(String) },
      });
      expect(results.throughput).toHaveLength(2);
      for (const [index, layout] of ['1x2', '2x1'].entries()) {
        expect(results.throughput[index]).toMatchObject({
          model: 'builtin',
          tokens: 16,
          layout,
          raw: { ...sample, peakRssMb: finiteNumber },
          http: { ...sample, peakRssMb: finiteNumber },
          ratio: measured,
        });
      }
      expect(results.ceiling).toEqual([
        { layout: '1x2', shape: { m: 16, k: 768, n: 3072 }, gflops: measured },
        { layout: '2x1', shape: { m: 16, k: 768, n: 3072 }, gflops: measured },
      ]);
      expect(results.dynamicBatching).toEqual([
        {
          model: 'builtin',
          layout: '1x2',
          clients: 32,
          on: sample,
          off: sample,
          ratio: measured,
          raw: { single: measured, batched: measured, ratio: measured },
        },
      ]);
      expect(results.latency.map((row: { layout: string; tokens: number }) => [row.layout, row.tokens])).toEqual([
        ['1x2', 10],
        ['2x1', 10],
      ]);
      expect(results.coldStart).toEqual({ samplesMs: [finiteNumber], medianMs: finiteNumber });
      expect(results.idle.idleEndpoint).toMatchObject({ rssMb: finiteNumber, peakRssMb: finiteNumber });
      expect(results.secondAllocation).toMatchObject({ model: 'builtin', ratio: { rss: measured, pss: measured, anon: measured } });
      expect(results.checks.length).toBeGreaterThanOrEqual(6);
      for (const check of results.checks) {
        expect(check).toMatchObject({
          name: expect.any(String),
          value: measured,
          target: finiteNumber,
          kind: expect.stringMatching(/^(min|max)$/),
          met: expect.any(Boolean),
        });
      }

      const markdown = readFileSync(path.join(out, 'latest.md'), 'utf8');
      for (const heading of [
        '## Targets',
        '## Throughput',
        '## MatMul ceiling',
        '## Dynamic batching',
        '## Built-in model',
        '## Process',
      ]) {
        expect(markdown).toContain(heading);
      }
      expect(markdown).toContain('| builtin | 16 | 1x2 |');
    },
    BUDGET_MS + 5_000,
  );
});

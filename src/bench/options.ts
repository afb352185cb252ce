import * as path from 'node:path';
import { BENCH_MODEL_NAMES, BenchModelName } from './models';
import { PACKAGE_ROOT } from './entries';

/** How a deployment spends two cores: allocations × threads per allocation. */
export interface Layout {
  allocations: number;
  threads: number;
}

export const layoutName = (layout: Layout) => `${layout.allocations}x${layout.threads}`;

export interface BenchOptions {
  quick: boolean;
  models: BenchModelName[];
  /** Input lengths in tokens, `[CLS]` and `[SEP]` included. */
  lengths: number[];
  /** Length of one measurement. */
  seconds: number;
  /** Raw and HTTP measurements alternate this many times per cell; the median is kept. */
  rounds: number;
  layouts: Layout[];
  /** HTTP callers per allocation in the throughput measurements. */
  clientsPerAllocation: number;
  /** Callers of the dynamic batching comparison. */
  batchingClients: number;
  /** Samples of the cold start. */
  coldStarts: number;
  /** Where latest.json and latest.md go. */
  outDir: string;
  /** Where benchmark models are built. */
  modelsDir: string;
  /** Also measure the raw baseline with the server's session options, to tell option losses from the rest. */
  diagnose: boolean;
}

export const DEFAULT_LAYOUTS: readonly Layout[] = [
  { allocations: 1, threads: 2 },
  { allocations: 2, threads: 1 },
];

export function defaultOptions(quick: boolean): BenchOptions {
  return {
    quick,
    models: quick ? ['builtin'] : ['builtin', 'bert-base-fp32', 'bert-base-int8'],
    lengths: quick ? [16, 128] : [16, 128, 256],
    seconds: quick ? 2 : 8,
    rounds: quick ? 1 : 2,
    layouts: [...DEFAULT_LAYOUTS],
    clientsPerAllocation: 2,
    batchingClients: 32,
    coldStarts: quick ? 1 : 5,
    outDir: path.join(PACKAGE_ROOT, 'bench', 'results'),
    modelsDir: path.join(PACKAGE_ROOT, '.cache', 'bench-models'),
    diagnose: false,
  };
}

export const USAGE = `usage: npm run bench -- [--quick] [--models LIST] [--lengths LIST] [--seconds N] [--rounds N] [--out DIR]

Measures the raw ONNX Runtime baseline and the server end to end over HTTP,
for each model, input length and layout (1 allocation x 2 threads, 2 x 1),
plus the MatMul ceiling, int8 vs fp32, dynamic batching, latency, cold start
and memory. Writes DIR/latest.json and DIR/latest.md (default bench/results).

  --quick        tiny configuration: built-in model only, 16 and 128 tokens, 2 s per measurement
  --models       comma-separated, from: ${BENCH_MODEL_NAMES.join(', ')}
  --lengths      comma-separated token counts, [CLS] and [SEP] included (3 to 512)
  --seconds      length of one measurement (default 8, quick 2)
  --rounds       raw/HTTP alternations per cell (default 2, quick 1)
  --models-dir   where benchmark models are built (default .cache/bench-models)
  --diagnose     also run the raw baseline with the server's session options`;

export class UsageError extends Error {}

function positiveNumber(flag: string, value: string): number {
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed <= 0) throw new UsageError(`${flag} must be a positive number, got [${value}]`);
  return parsed;
}

function positiveInteger(flag: string, value: string): number {
  const parsed = positiveNumber(flag, value);
  if (!Number.isInteger(parsed)) throw new UsageError(`${flag} must be a positive integer, got [${value}]`);
  return parsed;
}

export function parseBenchArguments(argv: readonly string[]): BenchOptions | 'help' {
  const given = new Map<string, string>();
  let quick = false;
  for (let i = 0; i < argv.length; i++) {
    const argument = argv[i];
    if (argument === '--help' || argument === '-h') return 'help';
    if (argument === '--quick') {
      quick = true;
      continue;
    }
    if (argument === '--diagnose') {
      given.set(argument, 'true');
      continue;
    }
    const [flag, inline] = argument.includes('=') ? argument.split(/=(.*)/s, 2) : [argument, undefined];
    if (!['--models', '--lengths', '--seconds', '--rounds', '--out', '--models-dir'].includes(flag)) {
      throw new UsageError(`unknown argument: ${argument}`);
    }
    const value = inline ?? argv[++i];
    if (value === undefined || value === '') throw new UsageError(`${flag} needs a value`);
    given.set(flag, value);
  }
  const options = defaultOptions(quick);
  const list = (value: string) =>
    value
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item !== '');
  for (const [flag, value] of given) {
    switch (flag) {
      case '--models': {
        const models = list(value);
        const unknown = models.filter((model) => !(BENCH_MODEL_NAMES as readonly string[]).includes(model));
        if (unknown.length > 0 || models.length === 0) {
          throw new UsageError(`unknown model [${unknown.join(', ')}]; models are ${BENCH_MODEL_NAMES.join(', ')}`);
        }
        options.models = [...new Set(models)] as BenchModelName[];
        break;
      }
      case '--lengths':
        options.lengths = [...new Set(list(value).map((item) => positiveInteger(flag, item)))];
        if (options.lengths.length === 0 || options.lengths.some((length) => length < 3 || length > 512)) {
          throw new UsageError('--lengths must be token counts from 3 to 512');
        }
        break;
      case '--seconds':
        options.seconds = positiveNumber(flag, value);
        break;
      case '--rounds':
        options.rounds = positiveInteger(flag, value);
        break;
      case '--out':
        options.outDir = path.resolve(value);
        break;
      case '--models-dir':
        options.modelsDir = path.resolve(value);
        break;
      case '--diagnose':
        options.diagnose = true;
        break;
    }
  }
  return options;
}

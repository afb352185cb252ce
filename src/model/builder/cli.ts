import * as path from 'node:path';
import { BENCH_MODELS_DIR, BUILTIN_PRESET, Precision, REPOSITORY_PRESETS, buildPresetRepository } from './builtin-repository';

export { buildBuiltinRepository } from './builtin-repository';
export type { BuildRepositoryOptions, BuildRepositoryResult } from './builtin-repository';

const USAGE = `usage: node dist/model/builder/cli.js [--preset builtin] --out DIR [--force]
       node dist/model/builder/cli.js --preset bert-base [--quantize int8] [--out DIR] [--force]

builtin    the built-in ELSER model repository (elser_model_2 in fp32 and
           elser_model_2_linux-x86_64 in int8) into DIR.
bert-base  a BERT-base-shaped ELSER graph (12 layers, hidden 768) with synthetic
           weights, for benchmarks: elser_model_2 in fp32, plus
           elser_model_2_linux-x86_64 in int8 with --quantize int8.
           DIR defaults to ${path.join(path.relative(process.cwd(), BENCH_MODELS_DIR) || '.', '<preset>')}.

Files already present with the sha256 recorded in their metadata are kept.
Prints one line per file written.`;

export interface CliArguments {
  out: string;
  preset: string;
  force: boolean;
  /** Also write the int8 variant (presets other than builtin, which always has both). */
  quantize?: 'int8';
}

export class UsageError extends Error {}

export function parseArguments(argv: readonly string[]): CliArguments | 'help' {
  let out: string | undefined;
  let preset = BUILTIN_PRESET.name;
  let force = false;
  let quantize: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const argument = argv[i];
    const [flag, inline] = argument.startsWith('--') && argument.includes('=') ? argument.split(/=(.*)/s, 2) : [argument, undefined];
    const value = () => {
      const next = inline ?? argv[++i];
      if (next === undefined || next === '') throw new UsageError(`${flag} needs a value`);
      return next;
    };
    switch (flag) {
      case '--out':
        out = value();
        break;
      case '--preset':
        preset = value();
        break;
      case '--quantize':
        quantize = value();
        break;
      case '--force':
        force = true;
        break;
      case '--help':
      case '-h':
        return 'help';
      default:
        throw new UsageError(`unknown argument: ${argument}`);
    }
  }
  if (!(preset in REPOSITORY_PRESETS)) {
    throw new UsageError(`unknown preset: ${preset} (available: ${Object.keys(REPOSITORY_PRESETS).join(', ')})`);
  }
  if (quantize !== undefined && quantize !== 'int8') throw new UsageError(`unknown quantization: ${quantize} (available: int8)`);
  if (quantize !== undefined && preset === BUILTIN_PRESET.name) {
    throw new UsageError('--quantize does not apply to the builtin preset, which always has an int8 variant');
  }
  if (out === undefined) {
    if (preset === BUILTIN_PRESET.name) throw new UsageError('--out DIR is required');
    out = path.join(BENCH_MODELS_DIR, preset);
  }
  return { out: path.resolve(out), preset, force, ...(quantize === 'int8' ? { quantize } : {}) };
}

/** The variants a command line asks for; `undefined` means all of the preset's. */
export function requestedPrecisions(args: CliArguments): Precision[] | undefined {
  if (args.preset === BUILTIN_PRESET.name) return undefined;
  return args.quantize === 'int8' ? ['fp32', 'int8'] : ['fp32'];
}

export async function main(argv: readonly string[]): Promise<number> {
  let args: CliArguments | 'help';
  try {
    args = parseArguments(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`${error.message}\n${USAGE}\n`);
    return 2;
  }
  if (args === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  try {
    await buildPresetRepository(REPOSITORY_PRESETS[args.preset], args.out, {
      force: args.force,
      precisions: requestedPrecisions(args),
      log: (line) => process.stdout.write(`${line}\n`),
    });
    return 0;
  } catch (error) {
    process.stderr.write(`model build failed: ${(error as Error).stack ?? error}\n`);
    return 1;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}

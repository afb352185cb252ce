import * as path from 'node:path';
import { buildBuiltinRepository } from './builtin-repository';

export { buildBuiltinRepository } from './builtin-repository';
export type { BuildRepositoryOptions, BuildRepositoryResult } from './builtin-repository';

const USAGE = `usage: node dist/model/builder/cli.js --out DIR [--preset builtin] [--force]

Builds the built-in ELSER model repository (elser_model_2, elser_model_2_linux-x86_64)
into DIR. Files already present with the sha256 recorded in their metadata are kept.
Prints one line per file written.`;

export interface CliArguments {
  out: string;
  preset: 'builtin';
  force: boolean;
}

export class UsageError extends Error {}

export function parseArguments(argv: readonly string[]): CliArguments | 'help' {
  let out: string | undefined;
  let preset = 'builtin';
  let force = false;
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
  if (out === undefined) throw new UsageError('--out DIR is required');
  if (preset !== 'builtin') throw new UsageError(`unknown preset: ${preset} (available: builtin)`);
  return { out: path.resolve(out), preset, force };
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
    await buildBuiltinRepository(args.out, { force: args.force, log: (line) => process.stdout.write(`${line}\n`) });
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

import * as path from 'node:path';

export interface Entry {
  filename: string;
  execArgv: string[];
}

/**
 * A benchmark entry script (child process or worker thread) beside this
 * module: the compiled `.js` from `dist/`, or the `.ts` source with the swc
 * hook the allocation workers use when running from sources.
 */
export function benchEntry(name: string, moduleFile: string = __filename): Entry {
  const directory = path.dirname(moduleFile);
  if (moduleFile.endsWith('.js')) return { filename: path.join(directory, `${name}.js`), execArgv: [] };
  const hook = path.resolve(directory, '..', 'model', 'allocation', 'ts-worker-hook.js');
  return { filename: path.join(directory, `${name}.ts`), execArgv: ['--require', hook] };
}

/** The package root (where `dist/`, `.cache/` and `bench/` live). */
export const PACKAGE_ROOT = path.resolve(__dirname, '..', '..');

/** The compiled server command line, as a user starts it. */
export const CLI_SCRIPT = path.join(PACKAGE_ROOT, 'dist', 'cli.js');

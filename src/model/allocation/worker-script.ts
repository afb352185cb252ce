import * as path from 'node:path';

export interface WorkerScript {
  filename: string;
  execArgv: string[];
}

/**
 * How to start the allocation worker (or another entry of this directory,
 * such as the shared model writer) from wherever this module runs: from
 * `dist/` the compiled `.js` sibling; from the TypeScript sources (jest) the
 * `.ts` entry, with a preloaded hook that compiles TypeScript in the worker.
 */
export function allocationWorkerScript(moduleFile: string = __filename, entry = 'allocation-worker'): WorkerScript {
  const directory = path.dirname(moduleFile);
  if (moduleFile.endsWith('.js')) return { filename: path.join(directory, `${entry}.js`), execArgv: [] };
  return {
    filename: path.join(directory, `${entry}.ts`),
    execArgv: ['--require', path.join(directory, 'ts-worker-hook.js')],
  };
}

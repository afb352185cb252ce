import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');
const LOCK = path.join(ROOT, '.cache', 'dist-build.lock');

function newestSource(directory: string): number {
  let newest = 0;
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const file = path.join(directory, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(file));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) newest = Math.max(newest, statSync(file).mtimeMs);
  }
  return newest;
}

function builtAt(): number {
  try {
    return statSync(path.join(ROOT, 'dist', 'cli.js')).mtimeMs;
  } catch {
    return 0;
  }
}

const stale = () => builtAt() < newestSource(path.join(ROOT, 'src'));

/**
 * Makes sure `dist` is compiled from the current sources (as `npm test`'s
 * pretest does) so that tests running `node dist/cli.js` test this code.
 * Test files in parallel workers take turns through a lock directory.
 */
export async function ensureBuiltCli(): Promise<void> {
  if (!stale()) return;
  mkdirSync(path.dirname(LOCK), { recursive: true });
  const deadline = Date.now() + 180_000;
  for (;;) {
    try {
      mkdirSync(LOCK);
      break;
    } catch {
      // A lock older than any build is left over from a killed run.
      const age = Date.now() - (statSync(LOCK, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > 180_000) rmSync(LOCK, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`could not take ${LOCK}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  try {
    if (!stale()) return;
    const tsc = require.resolve('typescript/bin/tsc');
    const build = spawnSync(process.execPath, [tsc, '-p', path.join(ROOT, 'tsconfig.build.json')], { cwd: ROOT, encoding: 'utf8' });
    // tsc still emits when it reports type errors; the tests then run whatever compiled.
    if (stale()) throw new Error(`npm run build did not update dist:\n${build.stdout}${build.stderr}`);
    if (build.status !== 0) console.warn(`dist was built with type errors:\n${build.stdout}${build.stderr}`);
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}

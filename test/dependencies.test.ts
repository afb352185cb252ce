import { readFileSync } from 'node:fs';
import * as path from 'node:path';

/**
 * Dependencies are pinned: exact versions in package.json, and a lock file that fixes every
 * package of the tree to one version with its integrity hash, so that `npm ci` installs what was
 * tested. (`npm run audit` checks the runtime tree against the registry's advisories.)
 */
const ROOT = path.resolve(__dirname, '..');
const read = (file: string) => JSON.parse(readFileSync(path.join(ROOT, file), 'utf8'));
const manifest = read('package.json');
const lock = read('package-lock.json');

const EXACT = /^(npm:(@[\w.-]+\/)?[\w.-]+@)?\d+\.\d+\.\d+(-[\w.]+)?$/;

describe('dependency pinning', () => {
  it.each(['dependencies', 'devDependencies'])('gives every one of the %s an exact version', (section) => {
    const ranges = Object.entries<string>(manifest[section] ?? {}).filter(([, version]) => !EXACT.test(version));
    expect(ranges).toEqual([]);
  });

  it('has a lock file that matches package.json', () => {
    expect(lock.lockfileVersion).toBe(3);
    const root = lock.packages[''];
    expect(root.dependencies).toEqual(manifest.dependencies);
    expect(root.devDependencies).toEqual(manifest.devDependencies);
  });

  it('locks every package of the tree to a version and an integrity hash', () => {
    const unpinned = Object.entries<{ version?: string; integrity?: string; link?: boolean }>(lock.packages)
      .filter(([name, entry]) => name !== '' && !entry.link)
      .filter(([, entry]) => !entry.version || !/^sha512-/.test(entry.integrity ?? ''))
      .map(([name]) => name);
    expect(unpinned).toEqual([]);
  });
});

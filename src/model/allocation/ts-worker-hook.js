'use strict';

/**
 * Preloaded (`--require`) into allocation workers started from TypeScript
 * sources, as under jest, where no compiled `.js` sibling exists. Teaches the
 * worker's CommonJS loader to compile `.ts` files with swc.
 */
const fs = require('node:fs');
const Module = require('node:module');
const { transformSync } = require('@swc/core');

const options = (filename) => ({
  filename,
  sourceMaps: 'inline',
  module: { type: 'commonjs' },
  jsc: { target: 'es2022', parser: { syntax: 'typescript' } },
});

Module._extensions['.ts'] = (module, filename) => {
  const { code } = transformSync(fs.readFileSync(filename, 'utf8'), options(filename));
  module._compile(code, filename);
};

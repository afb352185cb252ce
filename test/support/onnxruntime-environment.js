'use strict';

/**
 * Jest test environment for tests that run onnxruntime-node.
 *
 * Jest evaluates each test file in its own VM context, so its typed-array
 * constructors differ from the host's. onnxruntime-node's native binding
 * allocates output tensors with the host constructors, and onnxruntime-common
 * then rejects them (`instanceof Float32Array` is false in the test context).
 * Exposing the host constructors to the test context makes both sides agree.
 *
 * jest.config.js makes it the environment of every test file.
 */
const { TestEnvironment } = require('jest-environment-node');

const HOST_BINARY_TYPES = [
  'ArrayBuffer', 'SharedArrayBuffer', 'DataView',
  'Int8Array', 'Uint8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array',
  'Int32Array', 'Uint32Array', 'Float32Array', 'Float64Array', 'BigInt64Array', 'BigUint64Array',
];

class OnnxRuntimeTestEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    for (const name of HOST_BINARY_TYPES) {
      if (typeof globalThis[name] === 'function') this.global[name] = globalThis[name];
    }
  }
}

module.exports = OnnxRuntimeTestEnvironment;

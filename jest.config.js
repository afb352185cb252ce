/** @type {import('jest').Config} */
module.exports = {
  // onnxruntime-node allocates outputs with the host realm's typed arrays; see the environment's comment.
  testEnvironment: '<rootDir>/test/support/onnxruntime-environment.js',
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
  testMatch: ['<rootDir>/src/**/*.test.ts', '<rootDir>/test/**/*.test.ts'],
  moduleFileExtensions: ['ts', 'js', 'json'],
  testTimeout: 30000,
  globalSetup: '<rootDir>/test/global-setup.ts',
};

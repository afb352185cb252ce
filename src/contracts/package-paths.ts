import * as path from 'node:path';

/**
 * The package root, whether this module runs from `src/contracts` (jest) or from the compiled
 * `dist/contracts`: both sit two levels below it.
 */
export const PACKAGE_ROOT = path.resolve(__dirname, '..', '..');
export const CONTRACTS_DIR = path.join(PACKAGE_ROOT, 'contracts');
export const CONTRACT_SCHEMA_FILE = path.join(CONTRACTS_DIR, 'schema', 'contract-file.schema.json');
export const OPENAPI_FILE = path.join(PACKAGE_ROOT, 'openapi', 'elser-mock.yaml');

/** Report locations when the command line names none; relative to the working directory. */
export const DEFAULT_RESULTS_DIR = path.join('contracts', 'results');

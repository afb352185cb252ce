import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020';
import {
  applyOption,
  ConfigurationError,
  DEFAULT_OPTIONS,
  isSecretOption,
  namedConfigFile,
  OPTION_KEYS,
  resolveOptions,
  ServerOptions,
} from './options';

/** Read from the working directory when neither `--config` nor `ELSER_MOCK_CONFIG` names a file. */
export const DEFAULT_CONFIG_FILE = 'elser-mock.yaml';

/** `src/config` and `dist/config` are both two levels below the package root. */
export const CONFIG_SCHEMA_FILE = path.resolve(__dirname, '..', '..', 'schema', 'elser-mock.config.schema.json');

interface PropertySchema {
  $ref?: string;
  type?: string | string[];
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
}

export interface ConfigSchema {
  properties: Record<string, PropertySchema & { description?: string }>;
}

type ConfigValues = Record<string, unknown>;

/** Options from flags over `ELSER_MOCK_*` variables over the configuration file over defaults. */
export function loadOptions(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  { cwd = process.cwd() }: { cwd?: string } = {},
): ServerOptions {
  const file = readConfigFile(argv, env, cwd);
  const base = file ? applyConfigFile(file.name, file.text) : DEFAULT_OPTIONS;
  return resolveOptions(argv, env, base);
}

function readConfigFile(argv: readonly string[], env: NodeJS.ProcessEnv, cwd: string): { name: string; text: string } | undefined {
  const named = namedConfigFile(argv, env);
  const name = named?.path ?? DEFAULT_CONFIG_FILE;
  try {
    return { name, text: readFileSync(path.resolve(cwd, name), 'utf8') };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && !named) return undefined;
    if (code === 'ENOENT') throw new ConfigurationError(`${name}: no such file (named by ${named?.namedBy})`);
    throw new ConfigurationError(`${name}: cannot be read: ${code ?? String(error)}`);
  }
}

/** The options a configuration file's text sets over `base`; every message starts with `file`. */
export function applyConfigFile(file: string, text: string, base: ServerOptions = DEFAULT_OPTIONS): ServerOptions {
  const problem = (message: string) => new ConfigurationError(`${file}: ${message}`);
  const values = parseConfigText(text, problem);
  const problems = schemaProblems(values);
  if (problems.length > 0) throw new ConfigurationError(problems.map((message) => `${file}: ${message}`).join('\n'));
  const options: ServerOptions = { ...base };
  for (const [key, value] of Object.entries(values)) {
    for (const item of [value].flat()) {
      try {
        applyOption(options, key, String(item));
      } catch (error) {
        throw error instanceof ConfigurationError ? problem(error.message) : error;
      }
    }
  }
  return options;
}

function parseConfigText(text: string, problem: (message: string) => ConfigurationError): ConfigValues {
  // The YAML parser loads only when there is a file to read.
  const { parseDocument } = require('yaml') as typeof import('yaml');
  const document = parseDocument(text);
  if (document.errors.length > 0) {
    // Only the first line: the rest quotes the file, which may hold a secret.
    const message = document.errors[0].message.split('\n')[0].replace(/:$/, '');
    throw problem(`not valid YAML: ${message}`);
  }
  const data: unknown = document.toJS();
  if (data === null || data === undefined) return {};
  if (typeof data !== 'object' || Array.isArray(data)) throw problem('the top level must be a mapping of option names to values');
  return data as ConfigValues;
}

let compiled: { schema: ConfigSchema; validate: ValidateFunction } | undefined;

export function configSchema(): ConfigSchema {
  return compiledSchema().schema;
}

function compiledSchema(): { schema: ConfigSchema; validate: ValidateFunction } {
  if (!compiled) {
    const schema = JSON.parse(readFileSync(CONFIG_SCHEMA_FILE, 'utf8')) as ConfigSchema;
    // Loaded only when there is a file to check: most starts have none.
    const { default: Ajv2020 } = require('ajv/dist/2020') as typeof import('ajv/dist/2020');
    const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
    compiled = { schema, validate: ajv.compile(schema) };
  }
  return compiled;
}

/** One message per bad key, in the file's order. */
function schemaProblems(values: ConfigValues): string[] {
  const { schema, validate } = compiledSchema();
  if (validate(values)) return [];
  const byKey = new Map<string, string>();
  for (const error of validate.errors ?? []) {
    if (error.keyword === 'additionalProperties') {
      const key = String(error.params.additionalProperty);
      byKey.set(key, unknownKeyMessage(key));
      continue;
    }
    const [key, index] = error.instancePath.split('/').slice(1).map(decodePointerToken);
    if (key === undefined || byKey.has(key)) continue;
    const value = index === undefined ? values[key] : (values[key] as unknown[])[Number(index)];
    byKey.set(key, badValueMessage(key, value, error, schema.properties[key]));
  }
  const order = Object.keys(values);
  return [...byKey.entries()].sort(([a], [b]) => order.indexOf(a) - order.indexOf(b)).map(([, message]) => message);
}

function decodePointerToken(token: string): string {
  return token.replace(/~1/g, '/').replace(/~0/g, '~');
}

function badValueMessage(key: string, value: unknown, error: ErrorObject, property: PropertySchema): string {
  if (value === null) return `[${key}] needs a value`;
  // The option's own message when its validation refuses the value too, so the file reads like the flag.
  if (['string', 'number', 'boolean'].includes(typeof value)) {
    try {
      applyOption({ ...DEFAULT_OPTIONS }, key, String(value));
    } catch (refusal) {
      if (refusal instanceof ConfigurationError) return refusal.message;
      throw refusal;
    }
  }
  const expected = `[${key}] must be ${expectation(property)}`;
  return isSecretOption(key) ? expected : `${expected}, got ${describeValue(value, error)}`;
}

function expectation(property: PropertySchema): string {
  if (property.$ref === '#/$defs/timeValue') return 'a time value such as 30s or 500ms';
  if (property.enum) return `one of [${[...new Set(property.enum.map(String))].join(', ')}]`;
  const types = [property.type].flat();
  if (types.includes('array')) return 'a string or a list of strings';
  if (types.includes('integer')) return `an integer from ${property.minimum} to ${property.maximum}`;
  if (types.includes('boolean')) return 'true or false';
  return 'a string';
}

function describeValue(value: unknown, error: ErrorObject): string {
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string' && error.keyword === 'type') return `the string [${JSON.stringify(value)}]`;
  return `[${String(value)}]`;
}

function unknownKeyMessage(key: string): string {
  const suggestion = closestKey(key);
  return `unknown key [${key}]${suggestion ? `; did you mean [${suggestion}]?` : ''}`;
}

function closestKey(key: string): string | undefined {
  const normalized = key
    .replace(/^-+/, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/[_\s]+/g, '-')
    .toLowerCase();
  if (OPTION_KEYS.includes(normalized)) return normalized;
  let best: { key: string; distance: number } | undefined;
  for (const candidate of OPTION_KEYS) {
    const distance = editDistance(normalized, candidate);
    if (distance <= 2 && distance < candidate.length / 2 && (!best || distance < best.distance)) best = { key: candidate, distance };
  }
  return best?.key;
}

/** Levenshtein distance that counts swapping two neighbouring letters as one edit. */
function editDistance(a: string, b: string): number {
  const rows = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const substitution = a[i - 1] === b[j - 1] ? 0 : 1;
      rows[i][j] = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + substitution);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) rows[i][j] = Math.min(rows[i][j], rows[i - 2][j - 2] + 1);
    }
  }
  return rows[a.length][b.length];
}

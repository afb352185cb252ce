import { availableParallelism } from 'node:os';
import { TimeValue } from '../java/time-value';
import { parseBasicAuth, SecurityOptions } from '../http/security';
import { ES_VERSIONS, EsVersion } from '../inference/profiles';
import type { LogFormat } from '../observability/logger';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** Everything a running server is configured with. */
export interface ServerOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** Where endpoints (and, later, the model cache) persist. */
  dataDir: string;
  /** Keep nothing on disk. */
  inMemory: boolean;
  esVersion: EsVersion;
  logLevel: LogLevel;
  /** `json` lines or `pretty` ones; when absent, pretty on a terminal and JSON otherwise. */
  logFormat?: LogFormat;
  /** How long create and inference wait for a deployment when the request sets no timeout. */
  deploymentTimeout: TimeValue;
  /** `http.max_content_length`, in bytes. */
  maxContentLength: number;
  /** `xpack.ml.model_repository`: an `http(s)://` or `file:` URL, or a directory; the built-in repository when absent. */
  modelRepository?: string;
  /** The ML node's allocated processors: allocations × threads beyond it are not placed. */
  allocatedProcessors: number;
  /** How long Kibana's Console proxy (`POST /api/console/proxy`) waits for Elasticsearch, in milliseconds. */
  consoleProxyTimeout: number;
  /** How often the adaptive allocations scalers run (Elasticsearch: every 10 s). */
  adaptiveInterval: TimeValue;
  /** Idle time before adaptive allocations with a minimum of 0 scale to zero; the profile's default when absent. */
  scaleToZeroTime?: TimeValue;
  /** How many requests and responses `GET /__mock/journal` keeps; 0 keeps none. */
  journalSize: number;
  /** A deployment's `queue_capacity`: inferences waiting beyond it are rejected with 429. */
  queueCapacity: number;
  /**
   * `http.shutdown_grace_period`: how long a shutdown waits for requests in flight before it closes
   * their connections; `-1` waits for as long as they take, `0` does not wait.
   */
  shutdownGracePeriod: TimeValue;
  /** Credentials every request must carry (`--auth`, `--api-key`); none means security is off, as with `xpack.security.enabled: false`. */
  security: SecurityOptions;
}

export const DEFAULT_OPTIONS: ServerOptions = {
  host: '127.0.0.1',
  port: 9200,
  dataDir: './data',
  inMemory: false,
  esVersion: '8.15',
  logLevel: 'info',
  deploymentTimeout: TimeValue.ofMillis(30_000),
  maxContentLength: 100 * 1024 * 1024,
  allocatedProcessors: availableParallelism(),
  consoleProxyTimeout: 60_000,
  adaptiveInterval: TimeValue.ofMillis(10_000),
  queueCapacity: 10_000,
  journalSize: 1000,
  shutdownGracePeriod: TimeValue.ofMillis(10_000),
  security: {},
};

export class ConfigurationError extends Error {}

interface OptionSpec {
  flag: string;
  env: string;
  /** Flags that take no value. */
  boolean?: boolean;
  /** Values no message may repeat. */
  secret?: boolean;
  /** Validates and sets the value; `name` is how messages call the option (`--port`, `[port]`). */
  apply(options: ServerOptions, value: string, name: string): void;
}

function integer(name: string, value: string, min: number, max: number): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < min || parsed > max) {
    throw new ConfigurationError(`${name} must be an integer from ${min} to ${max}, got [${value}]`);
  }
  return parsed;
}

function timeValue(name: string, value: string, positive = false): TimeValue {
  let parsed: TimeValue;
  try {
    parsed = TimeValue.parse(value, name);
  } catch {
    throw new ConfigurationError(`${name} must be a time value such as 30s or 500ms, got [${value}]`);
  }
  if (positive && parsed.millis <= 0) throw new ConfigurationError(`${name} must be positive, got [${value}]`);
  return parsed;
}

function bool(name: string, value: string): boolean {
  if (['', 'true', '1', 'yes'].includes(value)) return true;
  if (['false', '0', 'no'].includes(value)) return false;
  throw new ConfigurationError(`${name} must be true or false, got [${value}]`);
}

const SPECS: OptionSpec[] = [
  { flag: '--host', env: 'ELSER_MOCK_HOST', apply: (o, v) => (o.host = v) },
  { flag: '--port', env: 'ELSER_MOCK_PORT', apply: (o, v, n) => (o.port = integer(n, v, 0, 65535)) },
  { flag: '--data-dir', env: 'ELSER_MOCK_DATA_DIR', apply: (o, v) => (o.dataDir = v) },
  { flag: '--in-memory', env: 'ELSER_MOCK_IN_MEMORY', boolean: true, apply: (o, v, n) => (o.inMemory = bool(n, v)) },
  {
    flag: '--es-version',
    env: 'ELSER_MOCK_ES_VERSION',
    apply: (o, v, n) => {
      if (!(ES_VERSIONS as readonly string[]).includes(v)) {
        throw new ConfigurationError(`${n} must be one of [${ES_VERSIONS.join(', ')}], got [${v}]`);
      }
      o.esVersion = v as EsVersion;
    },
  },
  {
    flag: '--log-level',
    env: 'ELSER_MOCK_LOG_LEVEL',
    apply: (o, v, n) => {
      if (!(LOG_LEVELS as readonly string[]).includes(v)) {
        throw new ConfigurationError(`${n} must be one of [${LOG_LEVELS.join(', ')}], got [${v}]`);
      }
      o.logLevel = v as LogLevel;
    },
  },
  {
    flag: '--journal-size',
    env: 'ELSER_MOCK_JOURNAL_SIZE',
    apply: (o, v, n) => (o.journalSize = integer(n, v, 0, 1_000_000)),
  },
  {
    flag: '--log-format',
    env: 'ELSER_MOCK_LOG_FORMAT',
    apply: (o, v, n) => {
      if (v !== 'json' && v !== 'pretty') throw new ConfigurationError(`${n} must be one of [json, pretty], got [${v}]`);
      o.logFormat = v;
    },
  },
  {
    flag: '--deployment-timeout',
    env: 'ELSER_MOCK_DEPLOYMENT_TIMEOUT',
    apply: (o, v, n) => (o.deploymentTimeout = timeValue(n, v)),
  },
  {
    flag: '--adaptive-interval',
    env: 'ELSER_MOCK_ADAPTIVE_INTERVAL',
    apply: (o, v, n) => (o.adaptiveInterval = timeValue(n, v, true)),
  },
  {
    flag: '--scale-to-zero-time',
    env: 'ELSER_MOCK_SCALE_TO_ZERO_TIME',
    apply: (o, v, n) => (o.scaleToZeroTime = timeValue(n, v)),
  },
  {
    flag: '--queue-capacity',
    env: 'ELSER_MOCK_QUEUE_CAPACITY',
    apply: (o, v, n) => (o.queueCapacity = integer(n, v, 1, 1_000_000)),
  },
  {
    flag: '--shutdown-grace-period',
    env: 'ELSER_MOCK_SHUTDOWN_GRACE_PERIOD',
    apply: (o, v, n) => (o.shutdownGracePeriod = timeValue(n, v)),
  },
  {
    flag: '--auth',
    env: 'ELSER_MOCK_AUTH',
    secret: true,
    apply: (o, v, n) => {
      const basic = parseBasicAuth(v);
      // The value is a secret: the message does not repeat it.
      if (!basic) throw new ConfigurationError(`${n} must be basic:USER:PASS`);
      o.security = { ...o.security, basic };
    },
  },
  {
    flag: '--api-key',
    env: 'ELSER_MOCK_API_KEY',
    secret: true,
    apply: (o, v, n) => {
      if (v.trim() === '') throw new ConfigurationError(`${n} must not be empty`);
      o.security = { ...o.security, apiKeys: [...(o.security.apiKeys ?? []), v.trim()] };
    },
  },
  { flag: '--model-repository', env: 'ELSER_MOCK_MODEL_REPOSITORY', apply: (o, v) => (o.modelRepository = v) },
  {
    flag: '--allocated-processors',
    env: 'ELSER_MOCK_ALLOCATED_PROCESSORS',
    apply: (o, v, n) => (o.allocatedProcessors = integer(n, v, 1, 1024)),
  },
  {
    flag: '--max-content-length',
    env: 'ELSER_MOCK_MAX_CONTENT_LENGTH',
    apply: (o, v, n) => (o.maxContentLength = integer(n, v, 1, 2 ** 31 - 1)),
  },
  {
    flag: '--console-proxy-timeout',
    env: 'ELSER_MOCK_CONSOLE_PROXY_TIMEOUT',
    // A Node.js timer cannot wait longer than 2^31 - 1 ms.
    apply: (o, v, n) => (o.consoleProxyTimeout = integer(n, v, 1, 2 ** 31 - 1)),
  },
];

/** The flag and variable that name a configuration file; read by `loadOptions` (./config-file). */
export const CONFIG_FLAG = '--config';
export const CONFIG_ENV = 'ELSER_MOCK_CONFIG';

interface Argument {
  flag: string;
  value: string;
  spec?: OptionSpec;
}

function parseArguments(argv: readonly string[]): Argument[] {
  const parsed: Argument[] = [];
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split(/=(.*)/s, 2);
    const spec = SPECS.find((s) => s.flag === flag);
    if (!spec && flag !== CONFIG_FLAG) {
      const flags = [...SPECS.map((s) => s.flag), CONFIG_FLAG];
      // Only the flag: the value after `=` may be a secret given to a mistyped option.
      throw new ConfigurationError(`unknown option [${flag}]; options are ${flags.join(', ')}`);
    }
    if (spec?.boolean) {
      parsed.push({ flag, value: inline ?? '', spec });
      continue;
    }
    const value = inline ?? argv[++i];
    if (value === undefined) throw new ConfigurationError(`${flag} needs a value`);
    parsed.push({ flag, value, spec });
  }
  return parsed;
}

/** The configuration file `--config` or `ELSER_MOCK_CONFIG` names (the flag wins), if any. */
export function namedConfigFile(argv: readonly string[], env: NodeJS.ProcessEnv): { path: string; namedBy: string } | undefined {
  const flagged = parseArguments(argv).filter((argument) => argument.flag === CONFIG_FLAG);
  const last = flagged[flagged.length - 1];
  if (last) {
    if (last.value === '') throw new ConfigurationError(`${CONFIG_FLAG} needs a value`);
    return { path: last.value, namedBy: CONFIG_FLAG };
  }
  const fromEnv = env[CONFIG_ENV];
  return fromEnv ? { path: fromEnv, namedBy: CONFIG_ENV } : undefined;
}

/**
 * Resolves options: command-line flags over `ELSER_MOCK_*` environment variables over `base`,
 * which is the defaults or, through `loadOptions`, the defaults with a configuration file applied.
 */
export function resolveOptions(argv: readonly string[], env: NodeJS.ProcessEnv, base: ServerOptions = DEFAULT_OPTIONS): ServerOptions {
  const options: ServerOptions = { ...base };
  for (const spec of SPECS) {
    const value = env[spec.env];
    if (value !== undefined) spec.apply(options, value, spec.flag);
  }
  for (const { spec, value } of parseArguments(argv)) spec?.apply(options, value, spec.flag);
  return options;
}

export const OPTION_FLAGS = SPECS.map(({ flag, env, boolean }) => ({ flag, env, boolean: boolean ?? false }));

/** The keys of a configuration file: the flags without their leading dashes. */
export const OPTION_KEYS: readonly string[] = SPECS.map((spec) => spec.flag.slice(2));

function specOfKey(key: string): OptionSpec {
  const spec = SPECS.find((s) => s.flag === `--${key}`);
  if (!spec) throw new Error(`no option [${key}]`);
  return spec;
}

export function isSecretOption(key: string): boolean {
  return specOfKey(key).secret ?? false;
}

/** Applies one value of a configuration file's `key` with the flag's validation; messages call it `[key]`. */
export function applyOption(options: ServerOptions, key: string, value: string): void {
  specOfKey(key).apply(options, value, `[${key}]`);
}

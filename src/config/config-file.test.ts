import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { ES_VERSIONS } from '../inference/profiles';
import { applyConfigFile, configSchema, DEFAULT_CONFIG_FILE, loadOptions } from './config-file';
import { applyOption, ConfigurationError, DEFAULT_OPTIONS, OPTION_FLAGS, OPTION_KEYS } from './options';

let cwd: string;

beforeEach(() => {
  cwd = mkdtempSync(path.join(tmpdir(), 'elser-mock-config-'));
});

afterEach(() => rmSync(cwd, { recursive: true, force: true }));

function writeConfig(text: string, name = DEFAULT_CONFIG_FILE): string {
  const file = path.join(cwd, name);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
  return file;
}

/** The message `loadOptions` refuses the file with, when it is the default file of the working directory. */
function refusal(text: string): string {
  writeConfig(text);
  try {
    loadOptions([], {}, { cwd });
  } catch (error) {
    if (error instanceof ConfigurationError) return error.message;
    throw error;
  }
  throw new Error('the file was accepted');
}

describe('loadOptions with a configuration file', () => {
  it('uses the defaults when the working directory has no elser-mock.yaml', () => {
    expect(loadOptions([], {}, { cwd })).toEqual(DEFAULT_OPTIONS);
  });

  it('reads elser-mock.yaml from the working directory, with YAML scalars of the natural type', () => {
    writeConfig(
      [
        'host: 0.0.0.0',
        'port: 9201',
        'in-memory: true',
        'es-version: 9.1',
        'log-level: debug',
        'deployment-timeout: 45s',
        'shutdown-grace-period: -1',
        'scale-to-zero-time: 0',
        'queue-capacity: 50',
        'model-repository: file:///models',
        'allocated-processors: 4',
        'max-content-length: 1024',
        'console-proxy-timeout: 1500',
        'adaptive-interval: 1.5s',
        'data-dir: ./elsewhere',
      ].join('\n'),
    );
    const options = loadOptions([], {}, { cwd });
    expect(options).toMatchObject({
      host: '0.0.0.0',
      port: 9201,
      inMemory: true,
      esVersion: '9.1',
      logLevel: 'debug',
      queueCapacity: 50,
      modelRepository: 'file:///models',
      allocatedProcessors: 4,
      maxContentLength: 1024,
      consoleProxyTimeout: 1500,
      dataDir: './elsewhere',
    });
    expect(options.deploymentTimeout.millis).toBe(45_000);
    expect(options.shutdownGracePeriod.millis).toBe(-1);
    expect(options.scaleToZeroTime?.millis).toBe(0);
    expect(options.adaptiveInterval.millis).toBe(1500);
  });

  it('reads JSON too, YAML being a superset of it', () => {
    writeConfig('{"port": 0, "es-version": "8.15", "in-memory": false}');
    expect(loadOptions([], {}, { cwd })).toMatchObject({ port: 0, esVersion: '8.15', inMemory: false });
  });

  it('accepts an empty file', () => {
    writeConfig('# nothing set yet\n');
    expect(loadOptions([], {}, { cwd })).toEqual(DEFAULT_OPTIONS);
  });

  it('puts the file below ELSER_MOCK_* variables, which are below flags', () => {
    writeConfig('port: 9201\nhost: 0.0.0.0\nlog-level: debug\n');
    expect(loadOptions([], { ELSER_MOCK_PORT: '9202' }, { cwd })).toMatchObject({ port: 9202, host: '0.0.0.0', logLevel: 'debug' });
    expect(loadOptions(['--port', '9203'], { ELSER_MOCK_PORT: '9202' }, { cwd })).toMatchObject({ port: 9203, host: '0.0.0.0' });
    expect(loadOptions(['--log-level=warn'], {}, { cwd })).toMatchObject({ port: 9201, logLevel: 'warn' });
  });

  it('reads the file --config names, relative to the working directory, over ELSER_MOCK_CONFIG and instead of elser-mock.yaml', () => {
    writeConfig('port: 9201\n');
    writeConfig('port: 9202\n', 'conf/from-env.yaml');
    const flagged = writeConfig('port: 9203\n', 'conf/from-flag.yml');
    expect(loadOptions([], { ELSER_MOCK_CONFIG: 'conf/from-env.yaml' }, { cwd }).port).toBe(9202);
    expect(loadOptions(['--config', 'conf/from-flag.yml'], { ELSER_MOCK_CONFIG: 'conf/from-env.yaml' }, { cwd }).port).toBe(9203);
    expect(loadOptions([`--config=${flagged}`], {}, { cwd }).port).toBe(9203);
  });

  it('refuses a file named explicitly that does not exist, naming it', () => {
    writeConfig('port: 9201\n');
    expect(() => loadOptions(['--config', 'missing.yaml'], {}, { cwd })).toThrow(
      new ConfigurationError('missing.yaml: no such file (named by --config)'),
    );
    expect(() => loadOptions([], { ELSER_MOCK_CONFIG: 'gone.yaml' }, { cwd })).toThrow(
      new ConfigurationError('gone.yaml: no such file (named by ELSER_MOCK_CONFIG)'),
    );
    expect(() => loadOptions(['--config'], {}, { cwd })).toThrow(new ConfigurationError('--config needs a value'));
    expect(() => loadOptions(['--config', '.'], {}, { cwd })).toThrow(new ConfigurationError('.: cannot be read: EISDIR'));
  });

  it('adds the API keys of the file, given as one string or a list, to those of the environment and flags', () => {
    writeConfig('api-key:\n  - a2V5MA==\n  - a2V5MQ==\nauth: basic:elastic:pa:ss\n');
    const options = loadOptions(['--api-key', 'a2V5Mw=='], { ELSER_MOCK_API_KEY: 'a2V5Mg==' }, { cwd });
    expect(options.security).toEqual({
      basic: { username: 'elastic', password: 'pa:ss' },
      apiKeys: ['a2V5MA==', 'a2V5MQ==', 'a2V5Mg==', 'a2V5Mw=='],
    });
    expect(applyConfigFile('inline.yaml', 'api-key: a2V5MA==').security).toEqual({ apiKeys: ['a2V5MA=='] });
  });
});

describe('configuration file errors', () => {
  it('name the bad key and value as the flag would', () => {
    expect(refusal('port: abc')).toBe('elser-mock.yaml: [port] must be an integer from 0 to 65535, got [abc]');
    expect(refusal('port: 70000')).toBe('elser-mock.yaml: [port] must be an integer from 0 to 65535, got [70000]');
    expect(refusal('es-version: 7.17')).toBe('elser-mock.yaml: [es-version] must be one of [8.15, 9.1], got [7.17]');
    expect(refusal('log-level: loud')).toBe(
      'elser-mock.yaml: [log-level] must be one of [fatal, error, warn, info, debug, trace, silent], got [loud]',
    );
    expect(refusal('deployment-timeout: 30')).toBe(
      'elser-mock.yaml: [deployment-timeout] must be a time value such as 30s or 500ms, got [30]',
    );
    expect(refusal('adaptive-interval: 0s')).toBe('elser-mock.yaml: [adaptive-interval] must be positive, got [0s]');
    expect(refusal('queue-capacity: 0')).toBe('elser-mock.yaml: [queue-capacity] must be an integer from 1 to 1000000, got [0]');
  });

  it('name values of the wrong YAML type', () => {
    expect(refusal('port: "9201"')).toBe('elser-mock.yaml: [port] must be an integer from 0 to 65535, got the string ["9201"]');
    expect(refusal('in-memory: yes')).toBe('elser-mock.yaml: [in-memory] must be true or false, got the string ["yes"]');
    expect(refusal('host: 127')).toBe('elser-mock.yaml: [host] must be a string, got [127]');
    expect(refusal('data-dir: [a, b]')).toBe('elser-mock.yaml: [data-dir] must be a string, got a list');
    expect(refusal('port:\n  number: 1')).toBe('elser-mock.yaml: [port] must be an integer from 0 to 65535, got a mapping');
    expect(refusal('port:')).toBe('elser-mock.yaml: [port] needs a value');
  });

  it('list every bad key in the order of the file', () => {
    expect(refusal('log-level: loud\nport: abc\nhost: 0.0.0.0')).toBe(
      [
        'elser-mock.yaml: [log-level] must be one of [fatal, error, warn, info, debug, trace, silent], got [loud]',
        'elser-mock.yaml: [port] must be an integer from 0 to 65535, got [abc]',
      ].join('\n'),
    );
  });

  it('name an unknown key and suggest the closest one', () => {
    expect(refusal('prot: 9201')).toBe('elser-mock.yaml: unknown key [prot]; did you mean [port]?');
    expect(refusal('dataDir: ./d')).toBe('elser-mock.yaml: unknown key [dataDir]; did you mean [data-dir]?');
    expect(refusal('--in-memory: true')).toBe('elser-mock.yaml: unknown key [--in-memory]; did you mean [in-memory]?');
    expect(refusal('cluster: x')).toBe('elser-mock.yaml: unknown key [cluster]');
  });

  it('quote the YAML parser with its line, but not the text of the file', () => {
    expect(refusal('port: 1\nport: 2\n')).toBe('elser-mock.yaml: not valid YAML: Map keys must be unique at line 2, column 1');
    const message = refusal('auth: "basic:elastic:unterminated-secret\n');
    expect(message).toMatch(/^elser-mock\.yaml: not valid YAML: .* at line 2, column 1$/);
    expect(message).not.toContain('unterminated-secret');
  });

  it('refuse a top level that is not a mapping', () => {
    const expected = 'elser-mock.yaml: the top level must be a mapping of option names to values';
    expect(refusal('- port: 9201\n')).toBe(expected);
    expect(refusal('port 9201\n')).toBe(expected);
  });

  it('start with the path the file was named by', () => {
    writeConfig('port: abc', 'conf/elser.yaml');
    expect(() => loadOptions(['--config', 'conf/elser.yaml'], {}, { cwd })).toThrow(
      new ConfigurationError('conf/elser.yaml: [port] must be an integer from 0 to 65535, got [abc]'),
    );
  });

  it('never repeat a secret', () => {
    const secret = 'pa55-that-must-not-leak';
    const messages = [
      refusal(`auth: bearer:${secret}`),
      refusal(`auth: [${secret}]`),
      refusal(`auth: 12345`),
      refusal(`api-key: ["${secret}", "  "]`),
      refusal(`api-key: [${secret}, 12345]`),
      refusal(`api-key:\n  secret: ${secret}`),
      refusal(`api-key: "${secret}\n`),
    ];
    expect(messages.slice(0, 6)).toEqual([
      'elser-mock.yaml: [auth] must be basic:USER:PASS',
      'elser-mock.yaml: [auth] must be a string',
      'elser-mock.yaml: [auth] must be basic:USER:PASS',
      'elser-mock.yaml: [api-key] must not be empty',
      'elser-mock.yaml: [api-key] must be a string or a list of strings',
      'elser-mock.yaml: [api-key] must be a string or a list of strings',
    ]);
    for (const message of messages) {
      expect(message).not.toContain(secret);
      expect(message).not.toContain('12345');
    }
  });
});

describe('the configuration file schema', () => {
  const schema = configSchema();
  const properties = schema.properties;

  it('has a property, with a description, for every flag and no other', () => {
    expect(Object.keys(properties).sort()).toEqual([...OPTION_KEYS].sort());
    expect(OPTION_KEYS).toEqual(OPTION_FLAGS.map(({ flag }) => flag.replace(/^--/, '')));
    for (const key of OPTION_KEYS) expect(properties[key].description).toMatch(/\S/);
    expect(schema).toMatchObject({ additionalProperties: false });
  });

  it('makes the flags that take no value booleans', () => {
    for (const { flag, boolean } of OPTION_FLAGS) expect(properties[flag.slice(2)].type === 'boolean').toBe(boolean);
  });

  it('has the integer ranges the options accept', () => {
    for (const [key, property] of Object.entries(properties).filter(([, p]) => p.type === 'integer')) {
      const accepts = (value: number) => () => applyOption({ ...DEFAULT_OPTIONS }, key, String(value));
      expect(accepts(property.minimum as number)).not.toThrow();
      expect(accepts(property.maximum as number)).not.toThrow();
      expect(accepts((property.minimum as number) - 1)).toThrow(ConfigurationError);
      expect(accepts((property.maximum as number) + 1)).toThrow(ConfigurationError);
    }
  });

  it('lists the values the options accept', () => {
    expect(properties['es-version'].enum?.filter((value) => typeof value === 'string')).toEqual(ES_VERSIONS);
    expect(properties['es-version'].enum?.map(String)).toEqual([...ES_VERSIONS, ...ES_VERSIONS]);
    for (const key of ['es-version', 'log-level']) {
      for (const value of properties[key].enum ?? []) {
        expect(() => applyOption({ ...DEFAULT_OPTIONS }, key, String(value))).not.toThrow();
      }
    }
    expect(() => applyOption({ ...DEFAULT_OPTIONS }, 'log-level', 'verbose')).toThrow(ConfigurationError);
  });

  it('only admits time values that TimeValue parses', () => {
    const timeKeys = Object.entries(properties)
      .filter(([, property]) => property.$ref === '#/$defs/timeValue')
      .map(([key]) => key);
    expect(timeKeys.sort()).toEqual(['adaptive-interval', 'deployment-timeout', 'scale-to-zero-time', 'shutdown-grace-period']);
    for (const value of ['-1', '0', '30s', '500ms', '1.5h', '2d', '10nanos', '7micros', '3m', '-1s']) {
      expect(applyConfigFile('t.yaml', `deployment-timeout: ${value}`).deploymentTimeout).toBeDefined();
    }
    for (const value of ['30', '-2s', '30 s', '30S', 's', '1e3ms', '2w']) {
      expect(() => applyConfigFile('t.yaml', `deployment-timeout: ${value}`)).toThrow(ConfigurationError);
    }
  });
});

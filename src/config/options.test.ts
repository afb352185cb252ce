import { applyOption, ConfigurationError, DEFAULT_OPTIONS, namedConfigFile, resolveOptions } from './options';

describe('resolveOptions', () => {
  it('defaults to the documented values', () => {
    const options = resolveOptions([], {});
    expect(options).toMatchObject({
      host: '127.0.0.1',
      port: 9200,
      dataDir: './data',
      inMemory: false,
      esVersion: '8.15',
      logLevel: 'info',
    });
    expect(options.deploymentTimeout.toString()).toBe('30s');
    expect(options.consoleProxyTimeout).toBe(60000);
  });

  it('reads the console proxy timeout in milliseconds from the flag or ELSER_MOCK_CONSOLE_PROXY_TIMEOUT', () => {
    expect(resolveOptions([], { ELSER_MOCK_CONSOLE_PROXY_TIMEOUT: '1500' }).consoleProxyTimeout).toBe(1500);
    expect(resolveOptions(['--console-proxy-timeout', '300'], { ELSER_MOCK_CONSOLE_PROXY_TIMEOUT: '1500' }).consoleProxyTimeout).toBe(300);
    expect(resolveOptions(['--console-proxy-timeout=250'], {}).consoleProxyTimeout).toBe(250);
    expect(() => resolveOptions(['--console-proxy-timeout', '60s'], {})).toThrow(
      '--console-proxy-timeout must be an integer from 1 to 2147483647, got [60s]',
    );
    expect(() => resolveOptions(['--console-proxy-timeout', '0'], {})).toThrow(ConfigurationError);
  });

  it('reads the shutdown grace period as a time value, 10s by default, -1 for no limit', () => {
    expect(resolveOptions([], {}).shutdownGracePeriod.millis).toBe(10_000);
    expect(resolveOptions(['--shutdown-grace-period', '500ms'], {}).shutdownGracePeriod.millis).toBe(500);
    expect(resolveOptions([], { ELSER_MOCK_SHUTDOWN_GRACE_PERIOD: '2m' }).shutdownGracePeriod.millis).toBe(120_000);
    expect(resolveOptions(['--shutdown-grace-period=0'], {}).shutdownGracePeriod.millis).toBe(0);
    expect(resolveOptions(['--shutdown-grace-period', '-1'], {}).shutdownGracePeriod.millis).toBe(-1);
    expect(() => resolveOptions(['--shutdown-grace-period', '10'], {})).toThrow(
      '--shutdown-grace-period must be a time value such as 30s or 500ms, got [10]',
    );
  });

  it('lets flags override ELSER_MOCK_* variables', () => {
    const options = resolveOptions(['--port', '0', '--es-version=9.1', '--in-memory'], {
      ELSER_MOCK_PORT: '9300',
      ELSER_MOCK_HOST: '0.0.0.0',
    });
    expect(options).toMatchObject({ port: 0, host: '0.0.0.0', esVersion: '9.1', inMemory: true });
  });

  it('names the bad option and value', () => {
    expect(() => resolveOptions(['--es-version', '7.17'], {})).toThrow('--es-version must be one of [8.15, 9.1], got [7.17]');
    expect(() => resolveOptions(['--port', 'x'], {})).toThrow(ConfigurationError);
    expect(() => resolveOptions(['--nope'], {})).toThrow('unknown option [--nope]');
  });

  it('turns security on with --auth basic:USER:PASS and one or more --api-key, never echoing a secret back', () => {
    expect(resolveOptions([], {}).security).toEqual({});
    const options = resolveOptions(['--auth', 'basic:elastic:pa:ss', '--api-key', 'a2V5MQ=='], { ELSER_MOCK_API_KEY: 'a2V5MA==' });
    expect(options.security).toEqual({ basic: { username: 'elastic', password: 'pa:ss' }, apiKeys: ['a2V5MA==', 'a2V5MQ=='] });
    expect(() => resolveOptions(['--auth', 'bearer:s3cret'], {})).toThrow(new ConfigurationError('--auth must be basic:USER:PASS'));
    expect(() => resolveOptions(['--api-key', ' '], {})).toThrow('--api-key must not be empty');
  });

  it('applies flags and variables over the base it is given, such as the options of a configuration file', () => {
    const base = { ...DEFAULT_OPTIONS, port: 9201, host: '0.0.0.0' };
    expect(resolveOptions(['--port', '9203'], {}, base)).toMatchObject({ port: 9203, host: '0.0.0.0' });
    expect(resolveOptions([], { ELSER_MOCK_HOST: '::1' }, base)).toMatchObject({ port: 9201, host: '::1' });
  });

  it('leaves --config to loadOptions, and names it among the options', () => {
    expect(resolveOptions(['--config', 'elser.yaml', '--port', '0'], {}).port).toBe(0);
    expect(() => resolveOptions(['--nope'], {})).toThrow(/, --config$/);
  });
});

describe('namedConfigFile', () => {
  it('takes --config over ELSER_MOCK_CONFIG, and nothing when neither names a file', () => {
    expect(namedConfigFile(['--port', '0'], {})).toBeUndefined();
    expect(namedConfigFile([], { ELSER_MOCK_CONFIG: '' })).toBeUndefined();
    expect(namedConfigFile([], { ELSER_MOCK_CONFIG: 'env.yaml' })).toEqual({ path: 'env.yaml', namedBy: 'ELSER_MOCK_CONFIG' });
    expect(namedConfigFile(['--config=a.yaml', '--config', 'b.yaml'], { ELSER_MOCK_CONFIG: 'env.yaml' })).toEqual({
      path: 'b.yaml',
      namedBy: '--config',
    });
    expect(() => namedConfigFile(['--config='], {})).toThrow(new ConfigurationError('--config needs a value'));
  });
});

describe('applyOption', () => {
  it('validates a configuration file value as the flag does, calling the option [key]', () => {
    const options = { ...DEFAULT_OPTIONS };
    applyOption(options, 'port', '0');
    expect(options.port).toBe(0);
    expect(() => applyOption(options, 'port', 'x')).toThrow(new ConfigurationError('[port] must be an integer from 0 to 65535, got [x]'));
    expect(() => applyOption(options, 'auth', 'bearer:s3cret')).toThrow(new ConfigurationError('[auth] must be basic:USER:PASS'));
  });

  it('names a mistyped option without the value it was given, which may be a secret', () => {
    const error = (() => {
      try {
        resolveOptions(['--authh=basic:elastic:s3cret'], {});
      } catch (caught) {
        return caught as Error;
      }
      throw new Error('expected a failure');
    })();
    expect(error.message).toMatch(/^unknown option \[--authh\]; options are /);
    expect(error.message).not.toContain('s3cret');
  });
});

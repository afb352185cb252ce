import { ConfigurationError, resolveOptions } from './options';

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
});

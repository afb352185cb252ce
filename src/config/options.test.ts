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

import { parseCliOptions, UsageError } from './cli-options';

describe('command line', () => {
  it('reads the target, profile, areas, reports and switches', () => {
    expect(
      parseCliOptions([
        '--target',
        'https://es.example:9243',
        '--es-version=9.1',
        '--area',
        'create,get',
        '--area=delete',
        '--setup',
        '--junit',
        'out/j.xml',
        '--markdown',
        'out/r.md',
        '--baseline',
        'b.yaml',
        '--contracts-dir',
        'tmp',
        '--insecure',
      ]),
    ).toEqual({
      target: 'https://es.example:9243',
      esVersion: '9.1',
      areas: ['create', 'get', 'delete'],
      setup: true,
      junit: 'out/j.xml',
      markdown: 'out/r.md',
      baseline: 'b.yaml',
      contractsDir: 'tmp',
      insecure: true,
      caFile: undefined,
      openapiFile: undefined,
      list: false,
      help: false,
    });
  });

  it('takes basic credentials or an API key, from flags or the environment', () => {
    expect(parseCliOptions(['--target', 'http://h', '--user', 'elastic', '--password', 'pw']).credentials).toEqual({
      kind: 'basic',
      user: 'elastic',
      password: 'pw',
    });
    expect(parseCliOptions(['--target', 'http://h', '--user', 'elastic'], { ES_PASSWORD: 'env-pw' }).credentials).toEqual({
      kind: 'basic',
      user: 'elastic',
      password: 'env-pw',
    });
    expect(parseCliOptions(['--target', 'http://h', '--api-key', 'k']).credentials).toEqual({ kind: 'api-key', key: 'k' });
    expect(parseCliOptions(['--target', 'http://h', '--api-key=env'], { ES_API_KEY: 'from-env' }).credentials).toEqual({
      kind: 'api-key',
      key: 'from-env',
    });
  });

  it.each([
    [['--target'], '--target needs a value'],
    [['--target', 'localhost:9200'], '--target must be an http or https URL, got [localhost:9200]'],
    [['--target', 'not a url'], '--target must be a URL such as http://localhost:9200, got [not a url]'],
    [['--es-version', '8.19'], '--es-version must be one of 8.15, 9.1, got [8.19]'],
    [['--target', 'http://h', '--user', 'u'], '--user needs --password (or $ES_PASSWORD)'],
    [['--target', 'http://h', '--user', 'u', '--password', 'p', '--api-key', 'k'], 'give either --user/--password or --api-key, not both'],
    [['--api-key', 'k'], 'credentials need --target'],
    [['--frobnicate'], 'unknown option [--frobnicate]'],
    [['--junit', 'a', '--junit', 'b'], '--junit is given more than once'],
    [['--list=yes'], '--list takes no value'],
  ])('refuses %j', (argv, message) => {
    expect(() => parseCliOptions(argv, {})).toThrow(new UsageError(message));
  });
});

import type { Profile } from './case-model';
import { PROFILES } from './case-model';
import type { Credentials } from './http-client';

/** The command line of `npm run contracts`. */

export interface CliOptions {
  target?: string;
  esVersion?: Profile;
  credentials?: Credentials;
  caFile?: string;
  insecure: boolean;
  areas: string[];
  setup: boolean;
  junit?: string;
  markdown?: string;
  baseline?: string;
  contractsDir?: string;
  openapiFile?: string;
  list: boolean;
  help: boolean;
}

export class UsageError extends Error {}

export const USAGE = `Usage: npm run contracts -- [options]

Runs the contract cases (contracts/*.yaml and the examples of openapi/elser-mock.yaml)
against a target. Without --target, against in-process mocks of both profiles.

Target
  --target <url>           Base URL of a cluster or a running mock
  --es-version <v>         Profile of expectations: 8.15 or 9.1 (default: from the target's
                           GET / version.number, 8.x -> 8.15, 9.x -> 9.1; in-process: both)
  --user <name>            Basic authentication (password from --password or $ES_PASSWORD)
  --password <password>
  --api-key <key>          API key authentication (or $ES_API_KEY with --api-key=env)
  --ca <file>              CA certificate (PEM) of an https target
  --insecure               Do not verify the target's certificate
  --setup                  Prepare the mock fixtures the target can provide; cases whose
                           fixtures it cannot provide are skipped with the reason (the
                           in-process mock provides every fixture anyway)

Selection
  --area <name>            Run only this area (repeatable, or comma-separated)
  --contracts-dir <dir>    Read contract files from this directory (default: the package's contracts/)
  --openapi <file>         The OpenAPI document (default: the package's openapi/elser-mock.yaml)
  --list                   Print the areas and their number of cases, and exit

Results
  --junit <file>           JUnit XML report (default: contracts/results/junit.xml)
  --markdown <file>        Markdown report (default: contracts/results/report.md)
  --baseline <file>        YAML/JSON list of accepted differences { area, case, reason[, profile] }

Exit status: 0 when no case failed unexpectedly, 1 when one did, 2 on a usage, file or target error.
`;

const VALUE_FLAGS = [
  '--target',
  '--es-version',
  '--user',
  '--password',
  '--api-key',
  '--ca',
  '--area',
  '--junit',
  '--markdown',
  '--baseline',
  '--contracts-dir',
  '--openapi',
] as const;
const BOOLEAN_FLAGS = ['--setup', '--insecure', '--list', '--help', '-h'] as const;

export function parseCliOptions(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): CliOptions {
  const values = new Map<string, string[]>();
  const flags = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split(/=(.*)/s, 2);
    if ((BOOLEAN_FLAGS as readonly string[]).includes(flag)) {
      if (inline !== undefined) throw new UsageError(`${flag} takes no value`);
      flags.add(flag);
    } else if ((VALUE_FLAGS as readonly string[]).includes(flag)) {
      const value = inline ?? argv[++i];
      if (value === undefined || (inline === undefined && value.startsWith('--'))) throw new UsageError(`${flag} needs a value`);
      values.set(flag, [...(values.get(flag) ?? []), value]);
    } else {
      throw new UsageError(`unknown option [${argv[i]}]`);
    }
  }
  const single = (flag: (typeof VALUE_FLAGS)[number]) => {
    const list = values.get(flag);
    if (list && list.length > 1) throw new UsageError(`${flag} is given more than once`);
    return list?.[0];
  };

  const options: CliOptions = {
    target: single('--target'),
    caFile: single('--ca'),
    insecure: flags.has('--insecure'),
    areas: (values.get('--area') ?? [])
      .flatMap((value) => value.split(','))
      .map((area) => area.trim())
      .filter(Boolean),
    setup: flags.has('--setup'),
    junit: single('--junit'),
    markdown: single('--markdown'),
    baseline: single('--baseline'),
    contractsDir: single('--contracts-dir'),
    openapiFile: single('--openapi'),
    list: flags.has('--list'),
    help: flags.has('--help') || flags.has('-h'),
  };

  const esVersion = single('--es-version');
  if (esVersion !== undefined) {
    if (!(PROFILES as readonly string[]).includes(esVersion))
      throw new UsageError(`--es-version must be one of ${PROFILES.join(', ')}, got [${esVersion}]`);
    options.esVersion = esVersion as Profile;
  }

  if (options.target !== undefined) {
    let url: URL;
    try {
      url = new URL(options.target);
    } catch {
      throw new UsageError(`--target must be a URL such as http://localhost:9200, got [${options.target}]`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw new UsageError(`--target must be an http or https URL, got [${options.target}]`);
    if (url.search !== '' || url.hash !== '') throw new UsageError('--target must not carry a query string or fragment');
  }

  const user = single('--user');
  const password = single('--password') ?? (user !== undefined ? env.ES_PASSWORD : undefined);
  let apiKey = single('--api-key');
  if (apiKey === 'env') apiKey = env.ES_API_KEY;
  if (user !== undefined && apiKey !== undefined) throw new UsageError('give either --user/--password or --api-key, not both');
  if (user !== undefined) {
    if (password === undefined) throw new UsageError('--user needs --password (or $ES_PASSWORD)');
    options.credentials = { kind: 'basic', user, password };
  } else if (single('--password') !== undefined) {
    throw new UsageError('--password needs --user');
  } else if (apiKey !== undefined) {
    if (apiKey === '') throw new UsageError('--api-key=env needs $ES_API_KEY');
    options.credentials = { kind: 'api-key', key: apiKey };
  }
  if (options.target === undefined) {
    if (options.credentials) throw new UsageError('credentials need --target');
    if (options.caFile || options.insecure) throw new UsageError('--ca and --insecure need --target');
  }
  return options;
}

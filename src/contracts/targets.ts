import type { MockFixture, Profile } from './case-model';
import { Credentials, HttpClient, TlsOptions } from './http-client';
import { profileForVersion } from './version-range';

/**
 * Where cases run. A remote target is any base URL (a real cluster or a running mock); the
 * in-process target is a mock the runner starts itself, with a dedicated server for each case
 * that requests mock fixtures.
 */

export interface CaseEnvironment {
  client: HttpClient;
  /** Set when the environment was made for one case and is discarded afterwards. */
  dedicated: boolean;
  releaseDownload?: () => void;
  /** A line that helps reproduce a failure here, when the URL alone does not. */
  reproductionNote?: string;
  close(): Promise<void>;
}

export interface Target {
  readonly description: string;
  readonly profile: Profile;
  readonly versionNumber: string;
  /** The client of the shared environment; run-wide cleanup goes through it. */
  readonly client: HttpClient;
  /** Why cases with these fixtures cannot run here; `undefined` when they can. */
  fixtureSkipReason(fixtures: readonly MockFixture[]): string | undefined;
  /** `fresh`: the case wants a server in its initial state, where the target can give one. */
  environmentFor(fixtures: readonly MockFixture[], fresh?: boolean): Promise<CaseEnvironment>;
  close(): Promise<void>;
}

export class TargetError extends Error {}

/** `version.number` of the target's `GET /`. */
export async function fetchVersionNumber(client: HttpClient): Promise<string> {
  const answer = await client.send({ method: 'GET', path: '/' });
  const version = (answer.body as { version?: { number?: unknown } } | undefined)?.version?.number;
  if (answer.status !== 200 || typeof version !== 'string') {
    throw new TargetError(`GET ${client.baseUrl}/ answered ${answer.status} without version.number: ${answer.text.slice(0, 300)}`);
  }
  return version;
}

export interface RemoteTargetOptions {
  baseUrl: string;
  credentials?: Credentials;
  tls?: TlsOptions;
  esVersion?: Profile;
  /** --setup: prepare the fixtures the target can provide. */
  setup: boolean;
}

const NOT_REMOTE: Partial<Record<MockFixture, string>> = {
  'in-process': 'it needs the in-process mock: run without --target',
  'slow-model-repository': 'it needs a model repository the runner controls, and a remote target downloads from its own',
  'tampered-model-repository': 'it needs a model repository the runner controls, and a remote target downloads from its own',
};

export class RemoteTarget implements Target {
  readonly description: string;

  private constructor(
    readonly client: HttpClient,
    readonly profile: Profile,
    readonly versionNumber: string,
    private readonly setup: boolean,
    private readonly consoleProxy: boolean,
  ) {
    this.description = `${client.baseUrl} (version ${versionNumber}, profile ${profile})`;
  }

  static async connect(options: RemoteTargetOptions): Promise<RemoteTarget> {
    const client = new HttpClient({ baseUrl: options.baseUrl, credentials: options.credentials, tls: options.tls });
    try {
      const versionNumber = await fetchVersionNumber(client);
      const profile = options.esVersion ?? profileForVersion(versionNumber);
      if (!profile) throw new TargetError(`version ${versionNumber} maps to no profile; pass --es-version 8.15 or 9.1`);
      const consoleProxy = options.setup && (await RemoteTarget.servesConsoleProxy(client));
      return new RemoteTarget(client, profile, versionNumber, options.setup, consoleProxy);
    } catch (error) {
      client.close();
      if (error instanceof TargetError) throw error;
      throw new TargetError(`cannot reach the target: ${(error as Error).message}`);
    }
  }

  /** Kibana's console proxy is not part of Elasticsearch, but a mock may serve it. */
  private static async servesConsoleProxy(client: HttpClient): Promise<boolean> {
    const answer = await client
      .send({ method: 'POST', path: '/api/console/proxy', query: { path: '/', method: 'GET' }, headers: { 'kbn-xsrf': 'true' } })
      .catch(() => undefined);
    return answer !== undefined && answer.status >= 200 && answer.status < 300;
  }

  fixtureSkipReason(fixtures: readonly MockFixture[]): string | undefined {
    for (const fixture of fixtures) {
      const never = NOT_REMOTE[fixture];
      if (never) return `mock fixture [${fixture}]: ${never}`;
      if (fixture === 'console-proxy') {
        if (!this.setup) return `mock fixture [console-proxy]: pass --setup to use the target's POST /api/console/proxy if it serves one`;
        if (!this.consoleProxy)
          return `mock fixture [console-proxy]: the target does not serve POST /api/console/proxy (Kibana's console proxy is not part of Elasticsearch)`;
      }
    }
    return undefined;
  }

  async environmentFor(): Promise<CaseEnvironment> {
    return { client: this.client, dedicated: false, close: async () => undefined };
  }

  async close(): Promise<void> {
    this.client.close();
  }
}

import type { MockFixture, Profile } from './case-model';
import { FixtureServerContext, startFixtureServer } from './fixtures/fixture-servers';
import { RepositoryCopy } from './fixtures/repository-copy';
import { HttpClient } from './http-client';
import type { RunningServer, StartOptions } from '../server';
import { CaseEnvironment, fetchVersionNumber, Target } from './targets';

/** The mock, started by the runner for one profile: a shared server, and one per case that requests fixtures. */

export interface InProcessOptions {
  /** Options for every server the target starts, e.g. another model repository. */
  serverOptions?: StartOptions;
  /** Shared between targets so the repository is copied once per run. */
  repositoryCopy?: RepositoryCopy;
}

export class InProcessTarget implements Target {
  readonly description: string;

  private constructor(
    private readonly server: RunningServer,
    readonly client: HttpClient,
    readonly profile: Profile,
    readonly versionNumber: string,
    private readonly fixtureContext: FixtureServerContext,
    private readonly ownsCopy: boolean,
  ) {
    this.description = `in-process mock, profile ${profile} (version ${versionNumber})`;
  }

  static async start(profile: Profile, options: InProcessOptions = {}): Promise<InProcessTarget> {
    const { start } = await import('../server');
    const baseOptions = options.serverOptions ?? {};
    const server = await start({ port: 0, inMemory: true, logLevel: 'silent', ...baseOptions, esVersion: profile });
    const client = new HttpClient({ baseUrl: server.url });
    try {
      const versionNumber = await fetchVersionNumber(client);
      const repositoryCopy = options.repositoryCopy ?? new RepositoryCopy();
      return new InProcessTarget(
        server,
        client,
        profile,
        versionNumber,
        { esVersion: profile, baseOptions, repositoryCopy },
        !options.repositoryCopy,
      );
    } catch (error) {
      client.close();
      await server.close();
      throw error;
    }
  }

  fixtureSkipReason(): string | undefined {
    return undefined;
  }

  async environmentFor(fixtures: readonly MockFixture[], fresh = false): Promise<CaseEnvironment> {
    const startOne = (port: number) => `npx elser-mock --in-memory --es-version ${this.profile} --port ${port}`;
    if (fixtures.length === 0 && !fresh) {
      const reproductionNote = `# the in-process mock stops with the run; start one with: ${startOne(this.server.port)}`;
      return { client: this.client, dedicated: false, reproductionNote, close: async () => undefined };
    }
    const fixture = await startFixtureServer(fixtures, this.fixtureContext);
    const client = this.client.withBaseUrl(fixture.baseUrl);
    const port = new URL(fixture.baseUrl).port;
    return {
      client,
      dedicated: true,
      releaseDownload: fixture.releaseDownload,
      reproductionNote:
        fixtures.length === 0
          ? `# a fresh in-process mock, stopped after the case; start one with: ${startOne(Number(port))}`
          : `# an in-process mock with the fixtures ${fixtures.join(', ')} (contracts/README.md), stopped after the case`,
      close: async () => {
        client.close();
        await fixture.close();
      },
    };
  }

  async close(): Promise<void> {
    this.client.close();
    await this.server.close();
    if (this.ownsCopy) await this.fixtureContext.repositoryCopy.dispose();
  }
}

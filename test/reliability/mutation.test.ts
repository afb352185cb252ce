import { createHash } from 'node:crypto';
import type { EsVersion } from '../../src/inference/profiles';
import { TimeValue } from '../../src/java/time-value';
import type { RunningServer } from '../../src/server';
import { startTestServer } from '../support/server';
import { Campaign, Finding } from './fuzzing/campaign';
import { ContractCase, LoadedCases, loadCases } from './fuzzing/contract-cases';
import { ProcessGuard } from './fuzzing/process-guard';
import { requestMutations, toWire } from './fuzzing/request-mutations';
import type { WireRequest } from './fuzzing/wire';

/**
 * Every request of the contract suite (contracts/*.yaml; the request examples of the OpenAPI
 * document when there are no contract files), sent with systematic mutations: each path
 * segment, method, query parameter and header changed, each body key removed, each value
 * replaced by each other JSON type and by the extremes of its own, extra and duplicate keys.
 * The answers are judged as in fuzz.test.ts: no 5xx Elasticsearch would not send, every error
 * in its envelope or one of its bare shapes, X-elastic-product, no hang, no crash.
 */

const PROFILES: EsVersion[] = ['8.15', '9.1'];
const MAX_RESPONSE_MS = 10_000;

/** A request's identity apart from the case's own id: many cases share their path, method and body. */
function fingerprint(request: WireRequest, id: string): string {
  const hash = createHash('sha1');
  hash.update(`${request.method} ${request.target.split(id).join('{id}')} ${JSON.stringify(request.headers)}\n`);
  if (request.body) hash.update(Buffer.from(request.body.toString('latin1').split(id).join('{id}'), 'latin1'));
  return hash.digest('hex');
}

describe.each(PROFILES)('mutations of the contract cases, profile %s', (esVersion) => {
  const guard = new ProcessGuard();
  let server: RunningServer;
  let campaign: Campaign;
  let loaded: LoadedCases;
  const caseId = (index: number) => `mx-${esVersion.replace('.', '')}-${index}`;

  beforeAll(async () => {
    guard.install();
    server = await startTestServer(esVersion, { allocatedProcessors: 1, deploymentTimeout: TimeValue.ofMillis(5000) });
    campaign = new Campaign(server.port, { maxResponseMs: MAX_RESPONSE_MS }, MAX_RESPONSE_MS);
    loaded = loadCases(esVersion, caseId);
  });

  afterAll(async () => {
    await server?.close();
    guard.uninstall();
    if (campaign)
      process.stdout.write(`${campaign.report(`mutations ${esVersion} (${loaded.cases.length} cases from ${loaded.source})`)}\n`);
  });

  /** Setup and teardown requests are sent as written; their answers are judged but may be any status. */
  async function run(requests: ContractCase['setup'], label: string): Promise<Finding[]> {
    const findings: Finding[] = [];
    for (const request of requests) {
      const { violations } = await campaign.send(toWire(request), label);
      if (violations.length > 0) findings.push({ label, request: `${request.method} ${request.path}`, violations });
    }
    return findings;
  }

  it('answers every mutation of every contract request as Elasticsearch could', async () => {
    expect(loaded.cases.length).toBeGreaterThan(0);
    const sent = new Set<string>();
    const findings: Finding[] = [];
    for (const [index, c] of loaded.cases.entries()) {
      const id = caseId(index);
      findings.push(...(await run(c.setup, `${c.name} (setup)`)));
      const original = await campaign.send(toWire(c.request), `${c.name} (as written)`);
      if (original.violations.length > 0)
        findings.push({ label: `${c.name} (as written)`, request: c.request.path, violations: original.violations });
      const started = performance.now();
      const before = campaign.requests;
      for (const { mutation, request, dedupeKey } of requestMutations(c.request, id)) {
        const identity = dedupeKey ?? fingerprint(request, id);
        if (sent.has(identity)) continue;
        sent.add(identity);
        const label = `${c.name} / ${mutation}`;
        const { violations } = await campaign.send(request, label);
        if (violations.length > 0) findings.push({ label, request: `${request.method} ${request.target.slice(0, 200)}`, violations });
      }
      if (process.env.MUTATION_PROGRESS) {
        process.stderr.write(`${index} ${c.name}: ${campaign.requests - before} requests, ${Math.round(performance.now() - started)} ms\n`);
      }
      findings.push(...(await run(c.teardown, `${c.name} (teardown)`)));
      // A mutation may have created the case's endpoint where the case itself did not.
      await campaign.send(toWire({ method: 'DELETE', path: `/_inference/${id}`, query: { force: true } }), 'cleanup');
    }
    const shown = findings.slice(0, 40).map((f) => `${f.label}\n    ${f.request}\n    - ${f.violations.join('\n    - ')}`);
    expect(shown).toEqual([]);
    expect(guard.crashes).toEqual([]);
  }, 900_000);
});

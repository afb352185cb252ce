import fc from 'fast-check';
import request from 'supertest';
import type { EsVersion } from '../../src/inference/profiles';
import { TimeValue } from '../../src/java/time-value';
import type { RunningServer } from '../../src/server';
import { startTestServer } from '../support/server';
import { apiRequestArb, bodyRequestArb, FuzzTargets } from './fuzzing/arbitraries';
import { assertNoViolations, Campaign } from './fuzzing/campaign';
import { loadRoutes } from './fuzzing/openapi-routes';
import { ProcessGuard } from './fuzzing/process-guard';
import { rawCaseArb } from './fuzzing/raw-breakage';
import { encodeRequest } from './fuzzing/wire';

/**
 * Property-based fuzzing of the HTTP API: requests generated from the routes of
 * openapi/elser-mock.yaml with hostile paths, queries, headers and bodies, and HTTP-level
 * breakage over raw sockets. Every answer must be one Elasticsearch could send: no 5xx it
 * would not send, every error in its envelope (or one of its bare shapes), X-elastic-product,
 * an answer within MAX_RESPONSE_MS; the process must not see an unhandled rejection, an
 * uncaught exception or an exit; afterwards a known-good create, inference and delete must
 * answer exactly as before.
 *
 * FUZZ_SEED changes the seed (printed), FUZZ_RUNS the number of generated requests (the
 * default, split over both profiles, keeps the file well under two minutes on two cores).
 */

const SEED = Number.parseInt(process.env.FUZZ_SEED ?? '', 10) || 20_241_127;
const RUNS = Number.parseInt(process.env.FUZZ_RUNS ?? '', 10) || 16_000;
const MAX_RESPONSE_MS = 10_000;
const PROFILES: EsVersion[] = ['8.15', '9.1'];
const PER_PROFILE = Math.ceil(RUNS / PROFILES.length);
/**
 * A run that found a failure stops shrinking after this long: shrinking a hang costs the whole
 * hang bound per attempt. FUZZ_SHRINK=0 reports the first failure as found.
 */
const SHRINK = process.env.FUZZ_SHRINK !== '0';
const ASSERT_OPTIONS = { interruptAfterTimeLimit: 240_000, markInterruptAsFailure: true, endOnFailure: !SHRINK };
const API_RUNS = Math.round(PER_PROFILE * 0.55);
const BODY_RUNS = Math.round(PER_PROFILE * 0.3);
const RAW_RUNS = PER_PROFILE - API_RUNS - BODY_RUNS;

const LIVE_ID = 'fz-live';
const POOL_IDS = ['fz-0', 'fz-1', 'fz-2', 'fz-3'];
const PAGE_CREATE = { service: 'elser', service_settings: { num_allocations: 1, num_threads: 1 } };
const KNOWN_INPUT = ['The sky above the port was the color of television tuned to a dead channel.', 'a'];

process.stdout.write(`fuzz: seed ${SEED} (FUZZ_SEED), ${RUNS} generated requests (FUZZ_RUNS)\n`);

interface Answer {
  status: number;
  text: string;
}

/** The create, inference and delete every profile must keep answering the same way. */
async function knownGood(url: string, id: string): Promise<{ create: Answer; infer: Answer; remove: Answer }> {
  const create = await request(url).put(`/_inference/sparse_embedding/${id}`).send(PAGE_CREATE);
  const infer = await request(url).post(`/_inference/sparse_embedding/${id}`).send({ input: KNOWN_INPUT });
  const remove = await request(url).delete(`/_inference/${id}`);
  const answer = (r: request.Response): Answer => ({ status: r.status, text: r.text });
  return { create: answer(create), infer: answer(infer), remove: answer(remove) };
}

function expectedCreate(esVersion: EsVersion, id: string): unknown {
  if (esVersion === '8.15') {
    return {
      inference_id: id,
      task_type: 'sparse_embedding',
      service: 'elser',
      service_settings: { num_allocations: 1, num_threads: 1 },
      task_settings: {},
    };
  }
  return {
    inference_id: id,
    task_type: 'sparse_embedding',
    service: 'elasticsearch',
    service_settings: { num_allocations: 1, num_threads: 1, model_id: expect.stringMatching(/^\.elser_model_2(_linux-x86_64)?$/) },
    chunking_settings: { strategy: 'sentence', max_chunk_size: 250, sentence_overlap: 1 },
  };
}

function checkKnownGood(esVersion: EsVersion, id: string, answers: { create: Answer; infer: Answer; remove: Answer }): void {
  expect(answers.create.status).toBe(200);
  expect(JSON.parse(answers.create.text)).toEqual(expectedCreate(esVersion, id));
  expect(answers.infer.status).toBe(200);
  const results = JSON.parse(answers.infer.text).sparse_embedding as { is_truncated: boolean; embedding: Record<string, number> }[];
  expect(results).toHaveLength(KNOWN_INPUT.length);
  expect(Object.keys(results[0].embedding)).toEqual(expect.arrayContaining(['sky', 'port', 'television']));
  expect(answers.remove.status).toBe(200);
  expect(JSON.parse(answers.remove.text)).toMatchObject({ acknowledged: true });
}

describe.each(PROFILES)('fuzzing, profile %s', (esVersion) => {
  const profileSeed = SEED + PROFILES.indexOf(esVersion) * 1000;
  const guard = new ProcessGuard();
  let server: RunningServer;
  let campaign: Campaign;
  let targets: FuzzTargets;
  let before: Awaited<ReturnType<typeof knownGood>>;

  beforeAll(async () => {
    guard.install();
    // One processor keeps every deployment the fuzz creates to a single allocation; a short
    // deployment timeout keeps a create that waits within the hang bound.
    server = await startTestServer(esVersion, { allocatedProcessors: 1, deploymentTimeout: TimeValue.ofMillis(5000) });
    campaign = new Campaign(server.port, { maxResponseMs: MAX_RESPONSE_MS }, MAX_RESPONSE_MS);
    await request(server.url).put(`/_inference/sparse_embedding/${LIVE_ID}`).send(PAGE_CREATE).expect(200);
    targets = { esVersion, liveId: LIVE_ID, poolIds: POOL_IDS, routes: loadRoutes() };
    before = await knownGood(server.url, 'fz-known-before');
    checkKnownGood(esVersion, 'fz-known-before', before);
  }, 60_000);

  afterAll(async () => {
    const closing = performance.now();
    await server?.close();
    process.stdout.write(`fuzz ${esVersion}: server closed in ${Math.round(performance.now() - closing)} ms\n`);
    guard.uninstall();
    if (campaign) {
      const findings = campaign.findings.slice(0, 20).map((f) => `- ${f.label}: ${f.request}\n    ${f.violations.join('\n    ')}`);
      const raw = process.env.FUZZ_VERBOSE
        ? `\nslowest generators:\n${campaign.slowestLabels(12)}\nHTTP-level breakage:\n${campaign.outcomeReport((label) => !label.startsWith('api ') && !label.startsWith('body '))}`
        : '';
      process.stdout.write(`${campaign.report(`fuzz ${esVersion} (seed ${profileSeed})`)}${raw}\n${findings.join('\n')}\n`);
      if (guard.warnings.length > 0) process.stdout.write(`process warnings:\n  ${[...new Set(guard.warnings)].join('\n  ')}\n`);
    }
  }, 60_000);

  afterEach(() => {
    expect(guard.crashes).toEqual([]);
  });

  it(`answers ${API_RUNS} generated requests over every route of the OpenAPI document`, async () => {
    await fc.assert(
      fc.asyncProperty(apiRequestArb(targets), async ({ label, request: generated }) => {
        const { violations } = await campaign.send(generated, label);
        assertNoViolations(label, generated, violations);
      }),
      { ...ASSERT_OPTIONS, seed: profileSeed, numRuns: API_RUNS },
    );
  }, 600_000);

  it(`answers ${BODY_RUNS} create, inference and update requests with mutated bodies`, async () => {
    await fc.assert(
      fc.asyncProperty(bodyRequestArb(targets), async ({ label, request: generated }) => {
        const { violations } = await campaign.send(generated, label);
        assertNoViolations(label, generated, violations);
      }),
      { ...ASSERT_OPTIONS, seed: profileSeed + 1, numRuns: BODY_RUNS },
    );
  }, 600_000);

  it(`survives ${RAW_RUNS} connections of HTTP-level breakage`, async () => {
    await fc.assert(
      fc.asyncProperty(rawCaseArb(LIVE_ID, esVersion), async (rawCase) => {
        const { violations } = await campaign.sendRaw(rawCase.payload, rawCase);
        if (violations.length > 0) {
          throw new Error(
            `${rawCase.label}: ${JSON.stringify(rawCase.payload.subarray(0, 200).toString('latin1'))}\n  - ${violations.join('\n  - ')}`,
          );
        }
      }),
      { ...ASSERT_OPTIONS, seed: profileSeed + 2, numRuns: RAW_RUNS },
    );
  }, 600_000);

  it('still answers a known-good create, inference and delete exactly as before the campaign', async () => {
    const after = await knownGood(server.url, 'fz-known-after');
    checkKnownGood(esVersion, 'fz-known-after', after);
    expect(after.create.text).toBe(before.create.text.split('fz-known-before').join('fz-known-after'));
    expect(after.infer.text).toBe(before.infer.text);
    expect(after.remove.text).toBe(before.remove.text);
    const live = await request(server.url).post(`/_inference/${LIVE_ID}`).send({ input: KNOWN_INPUT });
    expect(live.status).toBe(200);
    expect(live.text).toBe(before.infer.text);
    expect(campaign.requests).toBeGreaterThanOrEqual(PER_PROFILE);
  }, 60_000);

  it('keeps serving on a connection after each kind of error it answered', async () => {
    const broken = encodeRequest({
      method: 'PUT',
      target: `/_inference/sparse_embedding/${LIVE_ID}`,
      headers: [['Content-Type', 'application/json']],
      body: Buffer.from('{"service":'),
    });
    const good = encodeRequest({ method: 'GET', target: `/_inference/${LIVE_ID}`, headers: [['Host', 'x']] });
    const { exchange, violations } = await campaign.sendRaw([broken, good], {
      judgedAs: [
        { method: 'PUT', target: `/_inference/sparse_embedding/${LIVE_ID}`, headers: [] },
        { method: 'GET', target: `/_inference/${LIVE_ID}`, headers: [] },
      ],
      label: 'error then request on one connection',
      expect: 2,
      requestCount: 2,
      mustAnswer: true,
    });
    expect(violations).toEqual([]);
    expect(exchange.responses.map((r) => r.status)).toEqual([400, 200]);
  });
});

import pino from 'pino';
import { Writable } from 'node:stream';
import request from 'supertest';
import { TimeValue } from '../src/java/time-value';
import type { RunningServer } from '../src/server';
import { errorEnvelope, startTestServer } from './support/server';

const DOCUMENT = Array.from({ length: 120 }, (_, i) => ['relevance', 'ranking', 'sparse', 'vector', 'search', 'engine'][i % 6]).join(' ');

async function allocationStatus(server: RunningServer, id: string) {
  const response = await request(server.url).get(`/_ml/trained_models/${id}/_stats`);
  return response.body.trained_model_stats[0].deployment_stats.allocation_status as {
    allocation_count: number;
    target_allocation_count: number;
  };
}

async function until(condition: () => Promise<boolean>, limitMs: number): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * Real load on loopback against adaptive allocations (min 1, max 2) with the
 * scaler running every 200 ms: the allocation count rises to 2 under load and
 * falls back to 1 after it, visible in the stats and in GET.
 */
describe('adaptive allocations under real load', () => {
  let server: RunningServer;
  const logLines: string[] = [];
  beforeAll(async () => {
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        logLines.push(...chunk.toString().split('\n').filter(Boolean));
        done();
      },
    });
    server = await startTestServer('9.1', {
      adaptiveInterval: TimeValue.parse('200ms', 'interval'),
      allocatedProcessors: 2,
      logger: pino({ level: 'info' }, sink),
    });
  });
  afterAll(() => server.close());

  it('scales up under load and back down after it', async () => {
    await request(server.url)
      .put('/_inference/sparse_embedding/adaptive')
      .send({
        service: 'elasticsearch',
        service_settings: {
          model_id: '.elser_model_2',
          num_threads: 1,
          adaptive_allocations: { enabled: true, min_number_of_allocations: 1, max_number_of_allocations: 2 },
        },
      })
      .expect(200);
    expect((await allocationStatus(server, 'adaptive')).allocation_count).toBe(1);

    let loading = true;
    let sent = 0;
    let answered = 0;
    const client = async () => {
      while (loading) {
        sent++;
        const response = await request(server.url)
          .post('/_inference/adaptive')
          .send({ input: [DOCUMENT, DOCUMENT] });
        if (response.status === 200) answered++;
      }
    };
    const clients = Array.from({ length: 6 }, client);
    try {
      await until(async () => (await allocationStatus(server, 'adaptive')).allocation_count === 2, 60_000);
      const listed = await request(server.url).get('/_inference/adaptive');
      expect(listed.body.endpoints[0].service_settings.num_allocations).toBe(2);
    } finally {
      loading = false;
      await Promise.all(clients);
    }
    expect(answered).toBe(sent);

    await until(async () => (await allocationStatus(server, 'adaptive')).allocation_count === 1, 60_000);
    expect(await allocationStatus(server, 'adaptive')).toEqual({
      allocation_count: 1,
      target_allocation_count: 1,
      state: 'fully_allocated',
    });
  }, 150_000);
});

describe('queue capacity', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startTestServer('9.1', { queueCapacity: 3 });
  });
  afterAll(() => server.close());

  it('rejects what exceeds the queue with 429 and answers everything else exactly once', async () => {
    await request(server.url)
      .put('/_inference/sparse_embedding/small-queue')
      .send({ service: 'elser', service_settings: { num_allocations: 1, num_threads: 1 } })
      .expect(200);
    const overflow = await request(server.url)
      .post('/_inference/small-queue')
      .send({ input: ['a', 'b', 'c', 'd'] });
    expect(overflow.body).toEqual(
      errorEnvelope({
        status: 429,
        type: 'es_rejected_execution_exception',
        reason: 'inference process queue is full. Unable to execute command',
      }),
    );

    const responses = await Promise.all(
      Array.from({ length: 20 }, () =>
        request(server.url)
          .post('/_inference/small-queue')
          .send({ input: [DOCUMENT] }),
      ),
    );
    const ok = responses.filter((r) => r.status === 200).length;
    const rejected = responses.filter((r) => r.status === 429).length;
    expect(ok + rejected).toBe(20);
    expect(ok).toBeGreaterThanOrEqual(3);
    const stats = (await request(server.url).get('/_ml/trained_models/small-queue/_stats')).body.trained_model_stats[0].deployment_stats;
    expect(stats.rejected_execution_count).toBe(rejected + 1);
    expect(stats.inference_count).toBe(ok);
    expect(stats.queue_capacity).toBe(3);
  });
});

describe('the update API on a running deployment', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startTestServer('9.1', { allocatedProcessors: 2 });
  });
  afterAll(() => server.close());

  it('changes num_allocations and adaptive allocations live', async () => {
    await request(server.url)
      .put('/_inference/sparse_embedding/live')
      .send({ service: 'elser', service_settings: { num_allocations: 1, num_threads: 1 } })
      .expect(200);
    const grown = await request(server.url)
      .put('/_inference/live/_update')
      .send({ service_settings: { num_allocations: 2 } });
    expect(grown.body.service_settings.num_allocations).toBe(2);
    expect(await allocationStatus(server, 'live')).toEqual({ allocation_count: 2, target_allocation_count: 2, state: 'fully_allocated' });

    const adaptive = await request(server.url)
      .put('/_inference/live/_update')
      .send({ service_settings: { adaptive_allocations: { enabled: true, min_number_of_allocations: 1, max_number_of_allocations: 1 } } });
    expect(adaptive.status).toBe(200);
    expect(adaptive.body.service_settings.adaptive_allocations).toEqual({
      enabled: true,
      min_number_of_allocations: 1,
      max_number_of_allocations: 1,
    });
    expect((await allocationStatus(server, 'live')).allocation_count).toBe(1);

    const both = await request(server.url)
      .put('/_inference/live/_update')
      .send({ service_settings: { num_allocations: 2 } });
    expect(both.body).toEqual(
      errorEnvelope({ status: 400, type: 'status_exception', reason: '[num_allocations] cannot be set if [adaptive_allocations] is set' }),
    );
    const invalid = await request(server.url)
      .put('/_inference/live/_update')
      .send({ service_settings: { adaptive_allocations: { enabled: true, min_number_of_allocations: 3, max_number_of_allocations: 1 } } });
    expect(invalid.body).toEqual(
      errorEnvelope({
        status: 400,
        type: 'validation_exception',
        reason: 'Validation Failed: 1: [min_number_of_allocations] must not be larger than [max_number_of_allocations];',
      }),
    );
  });
});

describe('the default ELSER endpoint', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startTestServer('9.1');
  });
  afterAll(() => server.close());

  it('is deployed lazily on its first inference', async () => {
    expect((await request(server.url).get('/_ml/trained_models/.elser-2-elasticsearch/_stats')).status).toBe(404);
    const response = await request(server.url).post('/_inference/.elser-2-elasticsearch').send({ input: 'the sky above the port' });
    expect(response.status).toBe(200);
    const stats = (await request(server.url).get('/_ml/trained_models/.elser-2-elasticsearch/_stats')).body.trained_model_stats[0]
      .deployment_stats;
    expect(stats).toMatchObject({
      deployment_id: '.elser-2-elasticsearch',
      adaptive_allocations: { enabled: true, min_number_of_allocations: 0, max_number_of_allocations: 32 },
    });
  });
});

describe('scale to zero and back', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startTestServer('9.1', {
      adaptiveInterval: TimeValue.parse('100ms', 'interval'),
      scaleToZeroTime: TimeValue.parse('1s', 'scale_to_zero_time'),
    });
  });
  afterAll(() => server.close());

  it('goes to zero allocations when idle and starts one for the next request', async () => {
    await request(server.url)
      .put('/_inference/sparse_embedding/sleepy')
      .send({
        service: 'elser',
        service_settings: {
          num_threads: 1,
          adaptive_allocations: { enabled: true, min_number_of_allocations: 0, max_number_of_allocations: 2 },
        },
      })
      .expect(200);
    await until(async () => (await allocationStatus(server, 'sleepy')).target_allocation_count === 0, 30_000);
    expect(await allocationStatus(server, 'sleepy')).toEqual({ allocation_count: 0, target_allocation_count: 0, state: 'fully_allocated' });

    const response = await request(server.url).post('/_inference/sleepy').send({ input: 'wake up' });
    expect(response.status).toBe(200);
    expect((await allocationStatus(server, 'sleepy')).allocation_count).toBe(1);
  });
});

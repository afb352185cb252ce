import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import request from 'supertest';
import { platformElserModelId } from '../src/inference/elser-service';
import type { RunningServer } from '../src/server';
import { waitFor } from './support/gated-repository';
import { errorEnvelope, startTestServer } from './support/server';

const BASIC = { service: 'elser', service_settings: { num_allocations: 1, num_threads: 1 } };
const SKY = 'The sky above the port was the color of television tuned to a dead channel.';
const MODEL_ID = platformElserModelId();

interface JournalEntry {
  method: string;
  url: string;
  path: string;
  request: { headers: Record<string, string>; body: string | null; body_truncated: boolean };
  response: { status: number; headers: Record<string, string>; body: string | null };
  duration_ms: number;
  fault: { source: string; delay_ms?: number; drop?: true; status?: number; type?: string } | null;
}

async function journal(url: string, query = ''): Promise<JournalEntry[]> {
  const response = await request(url).get(`/__mock/journal${query}`);
  expect(response.status).toBe(200);
  return response.body.exchanges;
}

async function addFault(url: string, body: unknown): Promise<{ id: string }> {
  const response = await request(url)
    .post('/__mock/faults')
    .send(body as object);
  expect(response.status).toBe(200);
  return response.body;
}

describe('the control plane under /__mock', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startTestServer('8.15');
  });
  afterAll(() => server.close());

  describe('journal', () => {
    beforeEach(() => request(server.url).delete('/__mock/journal').expect(200));

    it('records Elasticsearch exchanges with their bodies, credentials redacted, and not its own', async () => {
      const created = await request(server.url)
        .put('/_inference/sparse_embedding/journaled')
        .set('Authorization', 'Basic ZWxhc3RpYzpjaGFuZ2VtZQ==')
        .set('es-client-authentication', 'SharedSecret s3cr3t')
        .set('Cookie', 'sid=abc')
        .set('X-Opaque-Id', 'trace-1')
        .send(BASIC);
      expect(created.status).toBe(200);
      await request(server.url).get('/__mock/faults').expect(200);

      const entries = await journal(server.url);
      expect(entries).toHaveLength(1);
      const [entry] = entries;
      expect(entry).toMatchObject({
        method: 'PUT',
        url: '/_inference/sparse_embedding/journaled',
        request: {
          headers: {
            authorization: '[REDACTED]',
            'es-client-authentication': '[REDACTED]',
            cookie: '[REDACTED]',
            'x-opaque-id': 'trace-1',
          },
          body: JSON.stringify(BASIC),
          body_truncated: false,
        },
        response: { status: 200, headers: { 'x-elastic-product': 'Elasticsearch', 'x-opaque-id': 'trace-1' }, body: created.text },
        fault: null,
      });
      expect(JSON.stringify(entries)).not.toMatch(/s3cr3t|ZWxhc3Rp|sid=abc/);
      expect(entry.duration_ms).toBeGreaterThanOrEqual(0);
    });

    it('lists the newest last and filters by method, path and limit', async () => {
      await request(server.url).get('/').expect(200);
      await request(server.url).get('/_inference/_all').expect(200);
      await request(server.url).post('/_inference/nope').send({ input: 'a' }).expect(404);
      expect((await journal(server.url)).map((entry) => `${entry.method} ${entry.path}`)).toEqual([
        'GET /',
        'GET /_inference/_all',
        'POST /_inference/nope',
      ]);
      expect((await journal(server.url, '?method=get')).map((entry) => entry.path)).toEqual(['/', '/_inference/_all']);
      expect((await journal(server.url, '?path=/_inference/*&limit=1')).map((entry) => entry.path)).toEqual(['/_inference/nope']);
    });

    it('refuses filters it does not know', async () => {
      const limit = await request(server.url).get('/__mock/journal?limit=0');
      expect(limit.status).toBe(400);
      expect(limit.body).toEqual({ error: '[limit] must be a positive integer, got [0]', status: 400 });
      const unknown = await request(server.url).get('/__mock/journal?status=200');
      expect(unknown.body.error).toContain('unknown query parameter [status]');
    });

    it('is emptied by DELETE', async () => {
      await request(server.url).get('/').expect(200);
      const cleared = await request(server.url).delete('/__mock/journal');
      expect(cleared.body).toEqual({ acknowledged: true, exchanges_deleted: 1 });
      expect(await journal(server.url)).toEqual([]);
    });
  });

  describe('faults', () => {
    beforeEach(async () => {
      await request(server.url).delete('/__mock/faults').expect(200);
      await request(server.url).delete('/__mock/journal').expect(200);
    });

    it('forces a 503 on the next 2 matching requests, then answers normally', async () => {
      const fault = await addFault(server.url, { method: 'GET', path: '/_inference/*', status: 503, times: 2 });
      expect(fault).toMatchObject({
        id: expect.stringMatching(/^fault-\d+$/),
        method: 'GET',
        path: '/_inference/*',
        status: 503,
        error: { type: 'status_exception', reason: `[503 Service Unavailable] forced by elser-mock (${fault.id})` },
        times: 2,
        remaining: 2,
        applied: 0,
      });

      await request(server.url).get('/').expect(200);
      for (let i = 0; i < 2; i++) {
        const response = await request(server.url).get('/_inference/_all');
        expect(response.status).toBe(503);
        expect(response.headers['x-elastic-product']).toBe('Elasticsearch');
        expect(response.body).toEqual(
          errorEnvelope({ status: 503, type: 'status_exception', reason: `[503 Service Unavailable] forced by elser-mock (${fault.id})` }),
        );
        if (i === 0) expect((await request(server.url).get('/__mock/faults')).body.faults).toMatchObject([{ remaining: 1, applied: 1 }]);
      }
      expect((await request(server.url).get('/_inference/_all')).status).toBe(200);
      expect((await request(server.url).get('/__mock/faults')).body).toEqual({ faults: [] });

      const entries = await journal(server.url, '?path=/_inference/*');
      expect(entries.map((entry) => [entry.response.status, entry.fault])).toEqual([
        [503, { source: fault.id, status: 503, type: 'status_exception' }],
        [503, { source: fault.id, status: 503, type: 'status_exception' }],
        [200, null],
      ]);
    });

    it('answers with the error type and reason given, and reads the request body first', async () => {
      await addFault(server.url, {
        path: '/_inference/*',
        status: 429,
        error: { type: 'circuit_breaking_exception', reason: '[parent] Data too large' },
      });
      const response = await request(server.url).post('/_inference/anything').send({ input: SKY });
      expect(response.body).toEqual(errorEnvelope({ status: 429, type: 'circuit_breaking_exception', reason: '[parent] Data too large' }));
      const [entry] = await journal(server.url);
      expect(entry.request.body).toBe(JSON.stringify({ input: SKY }));
    });

    it('delays a request by its X-Elser-Mock-Delay header, that request only', async () => {
      const started = performance.now();
      const delayed = await request(server.url).get('/').set('X-Elser-Mock-Delay', '300ms');
      expect(delayed.status).toBe(200);
      expect(performance.now() - started).toBeGreaterThanOrEqual(250);
      await request(server.url).get('/').expect(200);
      const entries = await journal(server.url);
      expect(entries.map((entry) => entry.fault)).toEqual([{ source: 'headers', delay_ms: 300 }, null]);
      expect(entries[0].duration_ms).toBeGreaterThanOrEqual(250);
    });

    it('forces a status by the X-Elser-Mock-Status header, and refuses headers it cannot read', async () => {
      const forced = await request(server.url)
        .get('/_inference/_all')
        .set('X-Elser-Mock-Status', '503')
        .set('X-Elser-Mock-Error-Type', 'cluster_block_exception')
        .set('X-Elser-Mock-Error-Reason', 'blocked by: [SERVICE_UNAVAILABLE/1/state not recovered / initialized];');
      expect(forced.headers['x-elastic-product']).toBe('Elasticsearch');
      expect(forced.body).toEqual(
        errorEnvelope({
          status: 503,
          type: 'cluster_block_exception',
          reason: 'blocked by: [SERVICE_UNAVAILABLE/1/state not recovered / initialized];',
        }),
      );
      const bad = await request(server.url).get('/').set('X-Elser-Mock-Delay', 'soon');
      expect(bad.status).toBe(400);
      expect(bad.body.error).toContain('invalid [x-elser-mock-delay] header');
      expect((await request(server.url).get('/_inference/_all')).status).toBe(200);
    });

    it('stops delaying a request whose client went away, and answers nothing', async () => {
      const abandoned = request(server.url).get('/_inference/_all').set('X-Elser-Mock-Delay', '1h').timeout(200);
      await expect(abandoned).rejects.toThrow(/Timeout/);
      const entries = await waitFor(
        () => journal(server.url),
        (found) => found.length === 1,
      );
      expect(entries[0]).toMatchObject({ response: { status: 0 }, fault: { source: 'headers', delay_ms: 3_600_000 } });
      expect(entries[0].duration_ms).toBeLessThan(60_000);
    });

    it('delays requests by a fault, with a delay and a count', async () => {
      const fault = await addFault(server.url, { path: '/', delay: '200ms', times: 1 });
      expect(fault).toMatchObject({ delay: '200ms', times: 1 });
      await request(server.url).get('/').expect(200);
      await request(server.url).get('/').expect(200);
      expect((await journal(server.url)).map((entry) => entry.fault)).toEqual([{ source: fault.id, delay_ms: 200 }, null]);
    });

    it('drops the connection without an answer', async () => {
      const fault = await addFault(server.url, { path: '/_inference/_all', drop: true, times: 1 });
      await expect(request(server.url).get('/_inference/_all')).rejects.toThrow(/socket hang up|ECONNRESET/);
      const entries = await waitFor(
        () => journal(server.url),
        (found) => found.length === 1,
      );
      expect(entries[0]).toMatchObject({ response: { status: 0, body: null }, fault: { source: fault.id, drop: true } });
      expect((await request(server.url).get('/_inference/_all')).status).toBe(200);
    });

    it('lists faults and removes them one by one or all at once', async () => {
      const first = await addFault(server.url, { status: 500 });
      const second = await addFault(server.url, { download: { bytes_per_second: 1048576 } });
      expect((await request(server.url).get('/__mock/faults')).body).toEqual({
        faults: [
          {
            id: first.id,
            method: null,
            path: '*',
            status: 500,
            error: { type: 'status_exception', reason: `[500 Internal Server Error] forced by elser-mock (${first.id})` },
            times: null,
            remaining: null,
            applied: 0,
          },
          { id: second.id, download: { bytes_per_second: 1048576 } },
        ],
      });
      expect((await request(server.url).get('/')).status).toBe(500);
      expect((await request(server.url).delete(`/__mock/faults/${first.id}`)).body).toEqual({ acknowledged: true });
      expect((await request(server.url).get('/')).status).toBe(200);
      const missing = await request(server.url).delete(`/__mock/faults/${first.id}`);
      expect(missing.body).toEqual({ error: `no fault [${first.id}]`, status: 404 });
      expect((await request(server.url).delete('/__mock/faults')).body).toEqual({ acknowledged: true, faults_deleted: 1 });
    });

    it.each([
      ['not JSON', '{"status":', 'the body is not JSON'],
      ['an unknown field', { status: 503, path: '/x', retries: 1 }, 'unknown field [retries]'],
      ['a status that is no error', { status: 200 }, '[status] must be an error status from 400 to 599, got [200]'],
      ['a delay without a unit', { delay: 100 }, '[delay] must be a time value'],
      ['a drop with a status', { drop: true, status: 503 }, '[drop] cannot be combined with [status]'],
      ['a count of 0', { status: 503, times: 0 }, '[times] must be a positive integer, got [0]'],
      ['nothing to do', { path: '/x' }, 'a fault needs [delay], [status], [drop] or [download]'],
      ['a bad download fault', { download: { stall: 'yes' } }, '[download.stall] must be true'],
    ])('refuses %s with a 400 naming the field', async (_name, body, message) => {
      const response = await request(server.url)
        .post('/__mock/faults')
        .set('content-type', 'application/json')
        .send(typeof body === 'string' ? body : JSON.stringify(body));
      expect(response.status).toBe(400);
      expect(response.body.status).toBe(400);
      expect(response.body.error).toContain(message);
      expect((await request(server.url).get('/__mock/faults')).body).toEqual({ faults: [] });
    });
  });

  describe('reset', () => {
    it('deletes every endpoint, stops deployments, and clears faults and the journal', async () => {
      await request(server.url).put('/_inference/sparse_embedding/to-reset').send(BASIC).expect(200);
      await addFault(server.url, { path: '/nothing', status: 503 });
      const before = (await request(server.url).get('/_inference/_all')).body.endpoints.length;
      expect(before).toBeGreaterThan(0);

      const reset = await request(server.url).post('/__mock/reset');
      expect(reset.body).toEqual({ acknowledged: true, endpoints_deleted: before });
      expect(await journal(server.url)).toEqual([]);
      expect((await request(server.url).get('/__mock/faults')).body).toEqual({ faults: [] });
      expect((await request(server.url).get('/_inference/_all')).body).toEqual({ endpoints: [] });
      const stats: { deployment_stats?: unknown }[] = (await request(server.url).get('/_ml/trained_models/_stats')).body
        .trained_model_stats;
      expect(stats.filter((entry) => entry.deployment_stats !== undefined)).toEqual([]);
      expect((await request(server.url).post('/_inference/to-reset').send({ input: SKY })).status).toBe(404);
    });

    it('keeps the journal when asked to', async () => {
      await request(server.url).get('/').expect(200);
      const reset = await request(server.url).post('/__mock/reset?keep_journal=true');
      expect(reset.body).toEqual({ acknowledged: true, endpoints_deleted: 0 });
      expect((await journal(server.url)).length).toBeGreaterThan(0);
      expect((await request(server.url).post('/__mock/reset?keep_journal=maybe')).status).toBe(400);
    });
  });
});

describe('reset with a data directory', () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'elser-mock-control-'));
  });
  afterAll(() => rm(dataDir, { recursive: true, force: true }));

  it('leaves the endpoint store empty', async () => {
    const server = await startTestServer('8.15', { inMemory: false, dataDir });
    try {
      await request(server.url).put('/_inference/sparse_embedding/stored').send(BASIC).expect(200);
      const store = path.join(dataDir, 'inference-endpoints.json');
      expect(JSON.parse(await readFile(store, 'utf8')).endpoints).toHaveLength(1);
      expect((await request(server.url).post('/__mock/reset')).body).toEqual({ acknowledged: true, endpoints_deleted: 1 });
      expect(JSON.parse(await readFile(store, 'utf8')).endpoints).toEqual([]);
    } finally {
      await server.close();
    }
  });
});

describe('faults behind security', () => {
  let server: RunningServer;
  const auth = `Basic ${Buffer.from('elastic:changeme').toString('base64')}`;
  beforeAll(async () => {
    server = await startTestServer('8.15', { security: { basic: { username: 'elastic', password: 'changeme' } } });
  });
  afterAll(() => server.close());

  it('applies to authenticated requests only', async () => {
    await request(server.url).post('/__mock/faults').set('Authorization', auth).send({ status: 503, times: 1 }).expect(200);
    const anonymous = await request(server.url).get('/').set('X-Elser-Mock-Status', '500');
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.error.type).toBe('security_exception');
    expect((await request(server.url).get('/').set('Authorization', auth)).status).toBe(503);
    expect((await request(server.url).get('/').set('Authorization', auth)).status).toBe(200);
  });
});

describe('download faults (9.1)', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startTestServer('9.1');
  });
  afterAll(() => server.close());

  it('a stalled download makes a create answer the deployment timeout, and the model arrives once the stall is lifted', async () => {
    const stall = await addFault(server.url, { download: { stall: true } });
    const created = await request(server.url).put('/_inference/sparse_embedding/x?timeout=1s').send(BASIC);
    expect(created.status).toBe(408);
    expect(created.headers['x-elastic-product']).toBe('Elasticsearch');
    // contracts/timeouts.yaml, "the create times out with the 9.1 message".
    expect(created.body).toEqual(
      errorEnvelope({
        status: 408,
        type: 'model_deployment_timeout_exception',
        reason:
          'Timed out after [1s] waiting for trained model deployment [x] to start. Use the trained model stats API to track the state of the deployment and try again once it has started.',
      }),
    );
    expect((await request(server.url).get('/_inference/sparse_embedding/x')).status).toBe(200);
    const during = await request(server.url).get(`/_ml/trained_models/${MODEL_ID}?include=definition_status`);
    expect(during.body).toMatchObject({ trained_model_configs: [{ model_id: MODEL_ID, fully_defined: false }] });

    await request(server.url).delete(`/__mock/faults/${stall.id}`).expect(200);
    await waitFor(
      () => request(server.url).get(`/_ml/trained_models/${MODEL_ID}?include=definition_status`),
      (response) => response.body.trained_model_configs?.[0]?.fully_defined === true,
    );
    const embedded = await waitFor(
      () => request(server.url).post('/_inference/x').send({ input: SKY }),
      (response) => response.status === 200,
    );
    expect(Object.keys(embedded.body.sparse_embedding[0].embedding)).toEqual(expect.arrayContaining(['sky', 'port']));
    expect((await request(server.url).post('/__mock/reset')).body).toEqual({ acknowledged: true, endpoints_deleted: 1 });
  });
});

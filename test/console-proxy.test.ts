import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import request from 'supertest';
import { createHttpApp } from '../src/http/app';
import { RestController } from '../src/http/rest-controller';
import { registerConsoleProxyRoutes } from '../src/http/routes/console-proxy-routes';
import { platformElserModelId } from '../src/inference/elser-service';
import { GLOBAL_QUERY_PARAMETERS, PROFILES } from '../src/inference/profiles';
import { TimeValue } from '../src/java/time-value';
import { BUILTIN_REPOSITORY_DIR, RunningServer } from '../src/server';
import { copyPackagedModel, GatedRepositoryServer, waitFor } from './support/gated-repository';
import { errorEnvelope, startTestServer } from './support/server';

const MODEL_ID = platformElserModelId();
/** The create request of Elasticsearch's ELSER service page. */
const PAGE_CREATE = { service: 'elser', service_settings: { num_allocations: 1, num_threads: 1 } };
const SKY = 'The sky above the port was the color of television tuned to a dead channel.';
const KIBANA_JSON = 'application/json; charset=utf-8';

/** What Kibana's Console sends for one request typed into the editor. */
function consoleRequest(url: string, method: string, esPath: string) {
  return request(url)
    .post(`/api/console/proxy?path=${encodeURIComponent(esPath)}&method=${method}`)
    .set('kbn-xsrf', 'kibana');
}

function kibanaBody(statusCode: number, error: string, message: string) {
  return { statusCode, error, message };
}

describe('Kibana Console proxy', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startTestServer('9.1');
  });
  afterAll(() => server.close());

  it('proxies GET /_inference/_all: 200, the pretty upstream body and its status in headers', async () => {
    const proxied = await consoleRequest(server.url, 'GET', '/_inference/_all');
    const direct = await request(server.url).get('/_inference/_all?pretty=true');
    expect(proxied.status).toBe(200);
    expect(proxied.headers['x-console-proxy-status-code']).toBe('200');
    expect(proxied.headers['x-console-proxy-status-text']).toBe('OK');
    expect(proxied.headers['warning']).toBe('');
    expect(proxied.headers['content-type']).toBe(KIBANA_JSON);
    expect(proxied.text).toBe(direct.text);
    expect(proxied.body.endpoints.map((e: { inference_id: string }) => e.inference_id)).toContain('.elser-2-elasticsearch');
    // hapi passes a streamed upstream response's own headers through.
    expect(proxied.headers['x-elastic-product']).toBe('Elasticsearch');
  });

  it('answers an Elasticsearch error with 200, the error body and its status in headers', async () => {
    const proxied = await consoleRequest(server.url, 'GET', '/_inference/nope');
    const direct = await request(server.url).get('/_inference/nope');
    expect(direct.status).toBe(404);
    expect(proxied.status).toBe(200);
    expect(proxied.headers['x-console-proxy-status-code']).toBe('404');
    expect(proxied.headers['x-console-proxy-status-text']).toBe('Not Found');
    expect(proxied.body).toEqual(direct.body);
  });

  it('forwards a PUT body and creates the endpoint, with the deprecation warning in `warning`', async () => {
    const proxied = await consoleRequest(server.url, 'PUT', '/_inference/sparse_embedding/proxied-elser').send(PAGE_CREATE);
    expect(proxied.status).toBe(200);
    expect(proxied.headers['x-console-proxy-status-code']).toBe('200');
    expect(proxied.body).toMatchObject({ inference_id: 'proxied-elser', task_type: 'sparse_embedding', service: 'elasticsearch' });
    expect(proxied.headers['warning']).toMatch(/^299 Elasticsearch-9\.1\.0-\w+ "/);
    expect((await request(server.url).get('/_inference/proxied-elser')).status).toBe(200);

    const embedded = await consoleRequest(server.url, 'POST', '/_inference/sparse_embedding/proxied-elser').send({ input: SKY });
    expect(embedded.headers['x-console-proxy-status-code']).toBe('200');
    expect(Object.keys(embedded.body.sparse_embedding[0].embedding)).toEqual(expect.arrayContaining(['sky', 'port']));
  });

  it('answers HEAD with "<code> - <text>" as text/plain', async () => {
    const head = await consoleRequest(server.url, 'HEAD', '/');
    expect(head.status).toBe(200);
    expect(head.text).toBe('200 - OK');
    expect(head.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(head.headers['x-console-proxy-status-code']).toBe('200');
    expect(head.headers['x-console-proxy-status-text']).toBe('OK');
    expect(head.headers['x-elastic-product']).toBeUndefined();
  });

  it('refuses a request without kbn-xsrf as Kibana does, and accepts kbn-version instead', async () => {
    const refused = await request(server.url).post('/api/console/proxy?path=%2F&method=GET');
    expect(refused.status).toBe(400);
    expect(refused.headers['content-type']).toBe(KIBANA_JSON);
    expect(refused.body).toEqual(kibanaBody(400, 'Bad Request', 'Request must contain a kbn-xsrf header.'));
    expect(refused.headers['x-elastic-product']).toBeUndefined();

    const versioned = await request(server.url).post('/api/console/proxy?path=%2F&method=GET').set('kbn-version', '9.1.0');
    expect(versioned.headers['x-console-proxy-status-code']).toBe('200');
  });

  it.each([
    ['path=%2F', '[request query.method]: expected value of type [string] but got [undefined]'],
    ['method=GET', '[request query.path]: expected value of type [string] but got [undefined]'],
    ['method=GET&path=', '[request query.path]: Expected non-empty string'],
    [
      'method=OPTIONS&path=%2F',
      "[request query.method]: Method must be one of, case insensitive ['HEAD', 'GET', 'POST', 'PUT', 'DELETE', 'PATCH']. Received 'OPTIONS'.",
    ],
    ['method=GET&path=%2F&pretty', '[request query.pretty]: definition for this key is missing'],
    ['method=GET&path=%2F&withProductOrigin=yes', '[request query.withProductOrigin]: expected value of type [boolean] but got [string]'],
  ])('validates the query as Kibana does: %s', async (query, message) => {
    const response = await request(server.url).post(`/api/console/proxy?${query}`).set('kbn-xsrf', 'kibana');
    expect(response.status).toBe(400);
    expect(response.body).toEqual(kibanaBody(400, 'Bad Request', message));
    expect(response.headers['x-elastic-product']).toBeUndefined();
  });

  it('accepts methods in any case and withProductOrigin', async () => {
    const response = await request(server.url)
      .post('/api/console/proxy?path=%2F_inference%2F_all&method=get&withProductOrigin=true')
      .set('kbn-xsrf', 'kibana');
    expect(response.headers['x-console-proxy-status-code']).toBe('200');
  });

  it('refuses a body declared larger than Kibana’s default 1 MiB payload', async () => {
    const response = await consoleRequest(server.url, 'POST', '/_inference/sparse_embedding/proxied-elser')
      .set('content-type', 'application/json')
      .send(JSON.stringify({ input: 'x'.repeat(1_048_576) }));
    expect(response.status).toBe(413);
    expect(response.body).toEqual(
      kibanaBody(413, 'Request Entity Too Large', 'Payload content length greater than maximum allowed: 1048576'),
    );
  });

  it('is a POST route only, answering other methods with hapi’s 404', async () => {
    const response = await request(server.url).get('/api/console/proxy?path=%2F&method=GET');
    expect(response.status).toBe(404);
    expect(response.body).toEqual(kibanaBody(404, 'Not Found', 'Not Found'));
    expect(response.headers['x-elastic-product']).toBeUndefined();
  });

  it('leaves every Elasticsearch response with X-elastic-product', async () => {
    const direct = await request(server.url).get('/_inference/_all');
    expect(direct.headers['x-elastic-product']).toBe('Elasticsearch');
    const unknown = await request(server.url).get('/api/console/other');
    expect(unknown.status).toBe(400);
    expect(unknown.headers['x-elastic-product']).toBe('Elasticsearch');
  });
});

describe('Kibana Console proxy without Elasticsearch', () => {
  let kibana: Server;
  let deadPort: number;
  beforeAll(async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    deadPort = (probe.address() as AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));

    const controller = new RestController(GLOBAL_QUERY_PARAMETERS);
    registerConsoleProxyRoutes(controller, { elasticsearchUrl: () => `http://127.0.0.1:${deadPort}`, timeoutMs: 60_000 });
    kibana = createHttpApp({ controller, profile: PROFILES['8.15'], maxContentLength: 1024 }).listen(0, '127.0.0.1');
    await new Promise<void>((resolve) => kibana.once('listening', resolve));
  });
  afterAll(() => new Promise<void>((resolve) => kibana.close(() => resolve())));

  it('answers a connection error with 502 and the error message', async () => {
    const url = `http://127.0.0.1:${(kibana.address() as AddressInfo).port}`;
    const response = await consoleRequest(url, 'GET', '/_inference/_all');
    expect(response.status).toBe(502);
    expect(response.headers['x-console-proxy-status-code']).toBe('502');
    expect(response.headers['x-console-proxy-status-text']).toBe('Bad Gateway');
    expect(response.body).toEqual(kibanaBody(502, 'Bad Gateway', `connect ECONNREFUSED 127.0.0.1:${deadPort}`));
  });
});

describe.each([
  {
    esVersion: '9.1' as const,
    options: {},
    directQuery: '?timeout=200ms',
    reason: (id: string) =>
      `Timed out after [200ms] waiting for trained model deployment [${id}] to start. Use the trained model stats API to track the state of the deployment and try again once it has started.`,
  },
  {
    esVersion: '8.15' as const,
    options: { deploymentTimeout: TimeValue.parse('3s', 'deployment-timeout') },
    directQuery: '',
    reason: () =>
      'Timed out after [3s] waiting for model deployment to start. Use the trained model stats API to track the state of the deployment.',
  },
])('the ELSER page through the Console while the model downloads ($esVersion)', ({ esVersion, options, directQuery, reason }) => {
  let work: string;
  let gated: GatedRepositoryServer;
  let server: RunningServer;
  beforeAll(async () => {
    work = await mkdtemp(path.join(tmpdir(), 'elser-mock-console-'));
    const repository = path.join(work, 'repository');
    await mkdir(repository);
    await copyPackagedModel(BUILTIN_REPOSITORY_DIR, MODEL_ID.slice(1), repository);
    gated = new GatedRepositoryServer(repository);
    const modelRepository = await gated.start();
    server = await startTestServer(esVersion, { modelRepository, consoleProxyTimeout: 1000, ...options });
  });
  afterAll(async () => {
    gated?.release();
    await server?.close();
    await gated?.stop();
    await rm(work, { recursive: true, force: true });
  });

  it('answers 502 through the proxy and 408 from the API, then serves both once downloaded', async () => {
    const proxied = await consoleRequest(server.url, 'PUT', '/_inference/sparse_embedding/my-elser-model').send(PAGE_CREATE);
    expect(proxied.status).toBe(502);
    expect(proxied.headers['x-console-proxy-status-code']).toBe('502');
    expect(proxied.headers['x-console-proxy-status-text']).toBe('Bad Gateway');
    expect(proxied.headers['content-type']).toBe(KIBANA_JSON);
    expect(proxied.headers['x-elastic-product']).toBeUndefined();
    expect(proxied.body).toEqual(kibanaBody(502, 'Bad Gateway', 'Client request timeout'));

    const direct = await request(server.url).put(`/_inference/sparse_embedding/direct-elser${directQuery}`).send(PAGE_CREATE);
    expect(direct.body).toEqual(errorEnvelope({ status: 408, type: 'model_deployment_timeout_exception', reason: reason('direct-elser') }));
    expect(direct.headers['x-elastic-product']).toBe('Elasticsearch');

    // The proxy gave up; Elasticsearch did not: the endpoint exists and its model is downloading.
    expect((await request(server.url).get('/_inference/my-elser-model')).status).toBe(200);
    const downloading = await request(server.url).get(`/_ml/trained_models/${MODEL_ID}?include=definition_status`);
    expect(downloading.body).toMatchObject({ trained_model_configs: [{ model_id: MODEL_ID, fully_defined: false }] });

    gated.release();
    await waitFor(
      () => request(server.url).get(`/_ml/trained_models/${MODEL_ID}?include=definition_status`),
      (response) => response.body.trained_model_configs?.[0]?.fully_defined === true,
    );
    for (const id of ['my-elser-model', 'direct-elser']) {
      await waitFor(
        () => request(server.url).get(`/_ml/trained_models/${id}/_stats`),
        (response) => response.body.trained_model_stats?.[0]?.deployment_stats?.state === 'started',
      );
    }

    const viaConsole = await consoleRequest(server.url, 'POST', '/_inference/sparse_embedding/my-elser-model').send({ input: SKY });
    expect(viaConsole.status).toBe(200);
    expect(viaConsole.headers['x-console-proxy-status-code']).toBe('200');
    expect(Object.keys(viaConsole.body.sparse_embedding[0].embedding)).toEqual(expect.arrayContaining(['sky', 'port']));
    const viaApi = await request(server.url).post('/_inference/sparse_embedding/direct-elser').send({ input: SKY });
    expect(viaApi.status).toBe(200);
    expect(viaApi.body.sparse_embedding[0].embedding).toEqual(viaConsole.body.sparse_embedding[0].embedding);
    expect(gated.modelRequests).toBe(1);
  });
});

describe('a create Elasticsearch times out before the proxy does', () => {
  let work: string;
  let gated: GatedRepositoryServer;
  let server: RunningServer;
  beforeAll(async () => {
    work = await mkdtemp(path.join(tmpdir(), 'elser-mock-console-'));
    const repository = path.join(work, 'repository');
    await mkdir(repository);
    await copyPackagedModel(BUILTIN_REPOSITORY_DIR, MODEL_ID.slice(1), repository);
    gated = new GatedRepositoryServer(repository);
    server = await startTestServer('9.1', { modelRepository: await gated.start() });
  });
  afterAll(async () => {
    gated?.release();
    await server?.close();
    await gated?.stop();
    await rm(work, { recursive: true, force: true });
  });

  it('comes back as 200 with the 408 in the status headers', async () => {
    const proxied = await consoleRequest(server.url, 'PUT', '/_inference/sparse_embedding/quick?timeout=100ms').send(PAGE_CREATE);
    expect(proxied.status).toBe(200);
    expect(proxied.headers['x-console-proxy-status-code']).toBe('408');
    expect(proxied.headers['x-console-proxy-status-text']).toBe('Request Timeout');
    expect(proxied.body).toEqual(
      errorEnvelope({
        status: 408,
        type: 'model_deployment_timeout_exception',
        reason:
          'Timed out after [100ms] waiting for trained model deployment [quick] to start. Use the trained model stats API to track the state of the deployment and try again once it has started.',
      }),
    );
  });
});

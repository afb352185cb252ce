import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import request from 'supertest';
import { TimeValue } from '../src/java/time-value';
import type { RunningServer } from '../src/server';
import { errorEnvelope, startTestServer } from './support/server';

const BASIC = { service: 'elser', service_settings: { num_allocations: 1, num_threads: 1 } };
const ADAPTIVE = {
  service: 'elser',
  service_settings: {
    adaptive_allocations: { enabled: true, min_number_of_allocations: 3, max_number_of_allocations: 10 },
    num_threads: 1,
  },
};
const SKY = 'The sky above the port was the color of television tuned to a dead channel.';

describe('profile 8.15: the documented ELSER behaviour', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startTestServer('8.15');
  });
  afterAll(() => server.close());

  it('creates an endpoint with exactly the documented response', async () => {
    const response = await request(server.url).put('/_inference/sparse_embedding/my-elser-model').send(BASIC);
    expect(response.status).toBe(200);
    expect(response.text).toBe(
      '{"inference_id":"my-elser-model","task_type":"sparse_embedding","service":"elser","service_settings":{"num_allocations":1,"num_threads":1},"task_settings":{}}',
    );
    expect(response.headers['warning']).toBeUndefined();
  });

  it('refuses a second create of the same id', async () => {
    const response = await request(server.url).put('/_inference/sparse_embedding/my-elser-model').send(BASIC);
    expect(response.body).toEqual(
      errorEnvelope({
        status: 400,
        type: 'resource_already_exists_exception',
        reason: 'Inference endpoint [my-elser-model] already exists',
      }),
    );
  });

  it('gets it by id, by task type and in lists, wrapped in endpoints', async () => {
    const expected = {
      endpoints: [
        {
          inference_id: 'my-elser-model',
          task_type: 'sparse_embedding',
          service: 'elser',
          service_settings: { num_allocations: 1, num_threads: 1 },
          task_settings: {},
        },
      ],
    };
    for (const path of [
      '/_inference/my-elser-model',
      '/_inference/sparse_embedding/my-elser-model',
      '/_inference',
      '/_inference/_all',
      '/_inference/*',
      '/_inference/sparse_embedding/_all',
    ]) {
      const response = await request(server.url).get(path);
      expect({ path, body: response.body }).toEqual({ path, body: expected });
    }
    expect((await request(server.url).get('/_inference/text_embedding/_all')).body).toEqual({ endpoints: [] });
  });

  it('refuses a task type that does not match the stored one', async () => {
    const get = await request(server.url).get('/_inference/text_embedding/my-elser-model');
    expect(get.body).toEqual(
      errorEnvelope({
        status: 400,
        type: 'status_exception',
        reason: "Requested task type [text_embedding] does not match the inference endpoint's task type [sparse_embedding]",
      }),
    );
    const post = await request(server.url).post('/_inference/text_embedding/my-elser-model').send({ input: 'x' });
    expect(post.body).toEqual(
      errorEnvelope({
        status: 400,
        type: 'status_exception',
        reason: 'Incompatible task_type, the requested type [text_embedding] does not match the model type [sparse_embedding]',
      }),
    );
  });

  it('validates the inference input', async () => {
    const missing = await request(server.url).post('/_inference/sparse_embedding/my-elser-model').send({});
    expect(missing.body).toEqual(
      errorEnvelope({
        status: 400,
        type: 'action_request_validation_exception',
        reason: 'Validation Failed: 1: Field [input] cannot be null;',
      }),
    );
    const empty = await request(server.url).post('/_inference/sparse_embedding/my-elser-model').send({ input: [] });
    expect(empty.body).toEqual(
      errorEnvelope({
        status: 400,
        type: 'action_request_validation_exception',
        reason: 'Validation Failed: 1: Field [input] cannot be an empty array;',
      }),
    );
  });

  it('embeds text with the model, one result per input, in input order', async () => {
    const response = await request(server.url)
      .post('/_inference/sparse_embedding/my-elser-model')
      .send({ input: [SKY, 'a dead channel'] });
    expect(response.status).toBe(200);
    const results = response.body.sparse_embedding as { is_truncated: boolean; embedding: Record<string, number> }[];
    expect(results).toHaveLength(2);
    expect(Object.keys(results[0].embedding)).toEqual(expect.arrayContaining(['sky', 'port', 'television', 'channel']));
    expect(Object.keys(results[1].embedding)).toEqual(expect.arrayContaining(['dead', 'channel']));
    const weights = Object.values(results[0].embedding);
    expect(weights).toEqual([...weights].sort((a, b) => b - a));
    expect(weights.every((w) => w > 0)).toBe(true);
  });

  it('deletes with the 8.15 response and forgets the endpoint', async () => {
    const dryRun = await request(server.url).delete('/_inference/my-elser-model?dry_run=true');
    expect(dryRun.body).toEqual({ acknowledged: false, pipelines: [] });
    const response = await request(server.url).delete('/_inference/sparse_embedding/my-elser-model');
    expect(response.body).toEqual({ acknowledged: true, pipelines: [] });
    expect((await request(server.url).get('/_inference/my-elser-model')).status).toBe(404);
  });

  it('accepts the page adaptive-allocations example without num_threads', async () => {
    const body = {
      service: 'elser',
      service_settings: { adaptive_allocations: { enabled: true, min_number_of_allocations: 3, max_number_of_allocations: 10 } },
    };
    const response = await request(server.url).put('/_inference/sparse_embedding/adaptive').send(body);
    expect(response.status).toBe(200);
    expect(response.body.service_settings).toEqual({
      num_threads: 1,
      adaptive_allocations: { enabled: true, min_number_of_allocations: 3, max_number_of_allocations: 10 },
    });
  });

  it('stores the endpoint before deployment-time checks fail', async () => {
    const threads = await request(server.url)
      .put('/_inference/sparse_embedding/three-threads')
      .send({ service: 'elser', service_settings: { num_allocations: 1, num_threads: 3 } });
    expect(threads.body).toEqual(
      errorEnvelope({
        status: 400,
        type: 'action_request_validation_exception',
        reason: 'Validation Failed: 1: [threads_per_allocation] must be a power of 2 less than or equal to 32;',
      }),
    );
    const both = await request(server.url)
      .put('/_inference/sparse_embedding/both-allocations')
      .send({ service: 'elser', service_settings: { num_allocations: 2, num_threads: 1, adaptive_allocations: { enabled: true } } });
    expect(both.body).toEqual(
      errorEnvelope({
        status: 400,
        type: 'action_request_validation_exception',
        reason: 'Validation Failed: 1: [number_of_allocations] cannot be set if adaptive allocations is enabled;',
      }),
    );
    for (const id of ['three-threads', 'both-allocations']) {
      expect((await request(server.url).get(`/_inference/${id}`)).status).toBe(200);
      const retry = await request(server.url).put(`/_inference/sparse_embedding/${id}`).send(BASIC);
      expect(retry.body.error.type).toBe('resource_already_exists_exception');
    }
  });

  it('lets exactly one of concurrent creates of one id win', async () => {
    const responses = await Promise.all(
      Array.from({ length: 8 }, () => request(server.url).put('/_inference/sparse_embedding/race').send(BASIC)),
    );
    expect(responses.filter((r) => r.status === 200)).toHaveLength(1);
    expect(responses.filter((r) => r.body?.error?.type === 'resource_already_exists_exception')).toHaveLength(7);
  });
});

describe('profile 9.1: current behaviour', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startTestServer('9.1');
  });
  afterAll(() => server.close());

  it('answers the elser service as the elasticsearch service, with deprecation warnings', async () => {
    const response = await request(server.url).put('/_inference/sparse_embedding/my-elser-model?timeout=30s').send(BASIC);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      inference_id: 'my-elser-model',
      task_type: 'sparse_embedding',
      service: 'elasticsearch',
      service_settings: { num_allocations: 1, num_threads: 1, model_id: expect.stringMatching(/^\.elser_model_2/) },
      chunking_settings: { strategy: 'sentence', max_chunk_size: 250, sentence_overlap: 1 },
    });
    // Node joins repeated headers with ", "; each Warning value starts with its 299 code.
    const warnings = String(response.headers['warning']).split(/, (?=299 )/);
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(
      /^299 Elasticsearch-9\.1\.0-\w+ "Putting elasticsearch service inference endpoints \(including elser service\) without a model_id field is deprecated/,
    );
    expect(warnings[1]).toMatch(
      /"The \[elser\] service is deprecated and will be removed in a future release\. Use the \[elasticsearch\] service instead, with \[model_id\] set to \[\.elser_model_2[^\]]*\] in the \[service_settings\]"$/,
    );
  });

  it('accepts the elasticsearch service with an ELSER model id and explicit chunking', async () => {
    const response = await request(server.url)
      .put('/_inference/sparse_embedding/es-elser')
      .send({
        service: 'elasticsearch',
        service_settings: {
          adaptive_allocations: { enabled: true, min_number_of_allocations: 1, max_number_of_allocations: 4 },
          num_threads: 1,
          model_id: '.elser_model_2',
        },
        chunking_settings: { strategy: 'word', max_chunk_size: 100, overlap: 20 },
      });
    expect(response.status).toBe(200);
    expect(response.headers['warning']).toBeUndefined();
    expect(response.body).toEqual({
      inference_id: 'es-elser',
      task_type: 'sparse_embedding',
      service: 'elasticsearch',
      service_settings: {
        num_threads: 1,
        model_id: '.elser_model_2',
        adaptive_allocations: { enabled: true, min_number_of_allocations: 1, max_number_of_allocations: 4 },
      },
      chunking_settings: { strategy: 'word', max_chunk_size: 100, overlap: 20 },
    });
  });

  it('lists the default ELSER endpoint beside the created ones, sorted by id', async () => {
    const response = await request(server.url).get('/_inference/_all');
    expect(response.body.endpoints.map((e: { inference_id: string }) => e.inference_id)).toEqual([
      '.elser-2-elasticsearch',
      'es-elser',
      'my-elser-model',
    ]);
    expect(response.body.endpoints[0]).toEqual({
      inference_id: '.elser-2-elasticsearch',
      task_type: 'sparse_embedding',
      service: 'elasticsearch',
      service_settings: {
        num_threads: 1,
        model_id: expect.stringMatching(/^\.elser_model_2/),
        adaptive_allocations: { enabled: true, min_number_of_allocations: 0, max_number_of_allocations: 32 },
      },
      chunking_settings: { strategy: 'sentence', max_chunk_size: 250, sentence_overlap: 1 },
    });
  });

  it('updates num_allocations through the update API', async () => {
    const response = await request(server.url)
      .put('/_inference/my-elser-model/_update')
      .send({ service_settings: { num_allocations: 2 } });
    expect(response.status).toBe(200);
    expect(response.body.service_settings.num_allocations).toBe(2);
    const mismatch = await request(server.url)
      .put('/_inference/text_embedding/my-elser-model/_update')
      .send({ service_settings: { num_allocations: 2 } });
    expect(mismatch.body).toEqual(
      errorEnvelope({ status: 400, type: 'status_exception', reason: 'Task type must match the task type of the existing endpoint' }),
    );
    const threads = await request(server.url)
      .put('/_inference/my-elser-model/_update')
      .send({ service_settings: { num_threads: 2 } });
    expect(threads.body).toEqual(errorEnvelope({ status: 400, type: 'status_exception', reason: '[num_threads] cannot be updated' }));
  });

  it('times out with the 9.1 message when the deployment cannot start in time, keeping the endpoint', async () => {
    const response = await request(server.url).put('/_inference/sparse_embedding/zero-timeout?timeout=0s').send(BASIC);
    expect(response.body).toEqual(
      errorEnvelope({
        status: 400,
        type: 'action_request_validation_exception',
        reason: 'Validation Failed: 1: [timeout] must be positive;',
      }),
    );
    expect((await request(server.url).get('/_inference/zero-timeout')).status).toBe(200);
  });

  it('deletes with pipelines and indexes, and refuses the default endpoint without force', async () => {
    expect((await request(server.url).delete('/_inference/es-elser')).body).toEqual({ acknowledged: true, pipelines: [], indexes: [] });
    expect((await request(server.url).delete('/_inference/.elser-2-elasticsearch?force=true')).body).toEqual({
      acknowledged: true,
      pipelines: [],
      indexes: [],
    });
  });
});

describe('wire compatibility', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startTestServer('9.1');
  });
  afterAll(() => server.close());

  it('answers GET / with the root info and HEAD / with 200', async () => {
    const root = await request(server.url).get('/');
    expect(root.status).toBe(200);
    expect(root.headers['x-elastic-product']).toBe('Elasticsearch');
    expect(root.body).toMatchObject({
      cluster_name: 'elser-mock',
      version: { number: '9.1.0', build_flavor: 'default', build_snapshot: false },
      tagline: 'You Know, for Search',
    });
    const head = await request(server.url).head('/');
    expect(head.status).toBe(200);
  });

  it('answers unknown paths and wrong methods as Elasticsearch does', async () => {
    const unknown = await request(server.url).get('/_inferencex?pretty');
    expect(unknown.status).toBe(400);
    expect(unknown.body).toEqual({ error: 'no handler found for uri [/_inferencex?pretty] and method [GET]', status: 400 });
    expect(unknown.headers['x-elastic-product']).toBe('Elasticsearch');
    const wrong = await request(server.url).patch('/_inference/a/b');
    expect(wrong.status).toBe(405);
    expect(wrong.body).toEqual({
      error: 'Incorrect HTTP method for uri [/_inference/a/b] and method [PATCH], allowed: [GET, POST, PUT, DELETE]',
      status: 405,
    });
    expect(wrong.headers['allow']).toBe('GET,POST,PUT,DELETE');
    expect(wrong.headers['x-elastic-product']).toBe('Elasticsearch');
    const updateGet = await request(server.url).get('/_inference/a/b/_update');
    expect(updateGet.body).toEqual({
      error: 'Incorrect HTTP method for uri [/_inference/a/b/_update] and method [GET], allowed: [PUT]',
      status: 405,
    });
  });

  it('accepts the vendored compatible-with media types and answers in kind', async () => {
    const response = await request(server.url)
      .put('/_inference/sparse_embedding/compat')
      .set('content-type', 'application/vnd.elasticsearch+json; compatible-with=9')
      .set('accept', 'application/vnd.elasticsearch+json; compatible-with=9')
      .send(JSON.stringify(BASIC));
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('application/vnd.elasticsearch+json;compatible-with=9');
  });

  it('refuses bodies that are not JSON and malformed JSON with Elasticsearch errors', async () => {
    const text = await request(server.url).put('/_inference/sparse_embedding/x').set('content-type', 'text/plain').send('hello');
    expect(text.status).toBe(406);
    expect(text.body).toEqual({ error: 'Content-Type header [text/plain] is not supported', status: 406 });
    const malformed = await request(server.url)
      .put('/_inference/sparse_embedding/x')
      .set('content-type', 'application/json')
      .send('{"service":');
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.type).toBe('parse_exception');
    expect(malformed.body.error.caused_by.type).toBe('json_parse_exception');
  });

  it('answers the node info Kibana checks its version against', async () => {
    const response = await request(server.url).get('/_nodes/_all/http?filter_path=nodes.*.version,nodes.*.http.publish_address,nodes.*.ip');
    const nodes = Object.values(response.body.nodes) as { version: string; ip: string; http: { publish_address: string } }[];
    expect(nodes).toHaveLength(1);
    expect(nodes[0]).toEqual({ version: '9.1.0', ip: '127.0.0.1', http: { publish_address: new URL(server.url).host } });
  });

  it('pretty-prints with ?pretty as Elasticsearch does', async () => {
    const response = await request(server.url).get('/_inference/nope?pretty');
    expect(response.text).toContain('"status" : 404');
  });
});

describe('endpoint persistence', () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'elser-mock-data-'));
  });
  afterAll(() => rm(dataDir, { recursive: true, force: true }));

  it('keeps acknowledged endpoints across restarts of a data directory', async () => {
    const first = await startTestServer('8.15', { inMemory: false, dataDir });
    await request(first.url).put('/_inference/sparse_embedding/kept').send(BASIC).expect(200);
    await request(first.url).put('/_inference/sparse_embedding/dropped').send(ADAPTIVE).expect(200);
    await request(first.url).delete('/_inference/dropped').expect(200);
    await first.close();

    const second = await startTestServer('8.15', { inMemory: false, dataDir });
    const listed = await request(second.url).get('/_inference');
    expect(listed.body.endpoints.map((e: { inference_id: string }) => e.inference_id)).toEqual(['kept']);
    const embedded = await request(second.url).post('/_inference/kept').send({ input: SKY });
    expect(embedded.status).toBe(200);
    await second.close();
  });
});

describe('deployment failures after the endpoint is stored', () => {
  let emptyRepository: string;
  beforeAll(async () => {
    emptyRepository = await mkdtemp(path.join(tmpdir(), 'elser-mock-empty-repo-'));
  });
  afterAll(() => rm(emptyRepository, { recursive: true, force: true }));

  it('reports a package missing from the model repository as Elasticsearch does, keeping the endpoint', async () => {
    const server = await startTestServer('8.15', { modelRepository: emptyRepository });
    try {
      const response = await request(server.url).put('/_inference/sparse_embedding/no-model').send(BASIC);
      expect(response.status).toBe(400);
      expect(response.body.error).toMatchObject({
        type: 'illegal_argument_exception',
        reason: 'Failed to find package',
        caused_by: {
          type: 'resource_not_found_exception',
          reason: expect.stringMatching(/elser_model_2_linux-x86_64\.metadata\.json not found$/),
        },
      });
      expect((await request(server.url).get('/_inference/no-model')).status).toBe(200);
    } finally {
      await server.close();
    }
  });

  it.each([
    [
      '8.15',
      {},
      '',
      'Timed out after [1ms] waiting for model deployment to start. Use the trained model stats API to track the state of the deployment.',
    ],
    [
      '9.1',
      {},
      '?timeout=1ms',
      'Timed out after [1ms] waiting for trained model deployment [slow] to start. Use the trained model stats API to track the state of the deployment and try again once it has started.',
    ],
  ] as const)('answers 408 with the %s message when the deployment does not start in time', async (esVersion, _options, query, reason) => {
    const server = await startTestServer(esVersion, { deploymentTimeout: TimeValue.parse('1ms', 'timeout') });
    try {
      const response = await request(server.url).put(`/_inference/sparse_embedding/slow${query}`).send(BASIC);
      expect(response.body).toEqual(errorEnvelope({ status: 408, type: 'model_deployment_timeout_exception', reason }));
      expect((await request(server.url).get('/_inference/slow')).status).toBe(200);
      const embedded = await request(server.url).post('/_inference/slow?timeout=30s').send({ input: SKY });
      expect(embedded.status).toBe(200);
    } finally {
      await server.close();
    }
  });
});

describe("profile 9.1: an endpoint attached to another endpoint's deployment", () => {
  const OWNER = { service: 'elasticsearch', service_settings: { model_id: '.elser_model_2', num_allocations: 1, num_threads: 1 } };
  const ATTACHED = { service: 'elasticsearch', service_settings: { deployment_id: 'owner' } };
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'elser-mock-data-'));
  });
  afterAll(() => rm(dataDir, { recursive: true, force: true }));

  it('runs on the owner deployment, shows its live allocations, and survives a restart without a deployment of its own', async () => {
    const first = await startTestServer('9.1', { inMemory: false, dataDir });
    await request(first.url).put('/_inference/sparse_embedding/owner').send(OWNER).expect(200);
    await request(first.url).put('/_inference/sparse_embedding/attached').send(ATTACHED).expect(200);
    const direct = await request(first.url).post('/_inference/owner').send({ input: SKY }).expect(200);
    const attached = await request(first.url).post('/_inference/attached').send({ input: SKY }).expect(200);
    expect(attached.body).toEqual(direct.body);

    await request(first.url)
      .put('/_inference/sparse_embedding/owner/_update')
      .send({ service_settings: { num_allocations: 2 } })
      .expect(200);
    const got = await request(first.url).get('/_inference/attached').expect(200);
    expect(got.body.endpoints[0].service_settings).toEqual({
      num_allocations: 2,
      num_threads: 1,
      model_id: '.elser_model_2',
      deployment_id: 'owner',
    });
    await first.close();

    const second = await startTestServer('9.1', { inMemory: false, dataDir });
    const stats = await request(second.url).get('/_ml/trained_models/_stats').expect(200);
    const deploymentIds = stats.body.trained_model_stats
      .map((entry: { deployment_stats?: { deployment_id: string } }) => entry.deployment_stats?.deployment_id)
      .filter(Boolean);
    expect(deploymentIds).toEqual(['owner']);
    await request(second.url).post('/_inference/attached').send({ input: SKY }).expect(200);
    await second.close();
  });

  it('answers 404 for its missing deployment once the owner is deleted, and deletes without stopping anything', async () => {
    const server = await startTestServer('9.1');
    await request(server.url).put('/_inference/sparse_embedding/owner').send(OWNER).expect(200);
    await request(server.url).put('/_inference/sparse_embedding/attached').send(ATTACHED).expect(200);
    await request(server.url).delete('/_inference/owner').expect(200);
    const response = await request(server.url).post('/_inference/attached').send({ input: SKY });
    expect(response.body).toEqual(
      errorEnvelope({ status: 404, type: 'resource_not_found_exception', reason: 'Could not find trained model [owner]' }),
    );
    await request(server.url).delete('/_inference/attached').expect(200);
    await server.close();
  });
});

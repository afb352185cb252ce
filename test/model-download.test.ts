import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import request from 'supertest';
import { platformElserModelId } from '../src/inference/elser-service';
import { BUILTIN_REPOSITORY_DIR, RunningServer } from '../src/server';
import { copyPackagedModel, GatedRepositoryServer, waitFor } from './support/gated-repository';
import { errorEnvelope, startTestServer } from './support/server';

const MODEL_ID = platformElserModelId();
const PACKAGED = MODEL_ID.slice(1);
const BASIC = { service: 'elser', service_settings: { num_allocations: 1, num_threads: 1 } };
const SKY = 'The sky above the port was the color of television tuned to a dead channel.';

const copyRepository = (target: string) => copyPackagedModel(BUILTIN_REPOSITORY_DIR, PACKAGED, target);

describe('downloading ELSER from a model repository', () => {
  let work: string;
  beforeAll(async () => {
    work = await mkdtemp(path.join(tmpdir(), 'elser-mock-download-'));
  });
  afterAll(() => rm(work, { recursive: true, force: true }));

  it('answers 408 while the model downloads, then serves it once fully defined', async () => {
    const repository = path.join(work, 'repository');
    await mkdir(repository);
    await copyRepository(repository);
    const gated = new GatedRepositoryServer(repository);
    const url = await gated.start();
    const server = await startTestServer('9.1', { modelRepository: url });
    try {
      const created = await request(server.url).put('/_inference/sparse_embedding/slow-elser?timeout=200ms').send(BASIC);
      expect(created.body).toEqual(
        errorEnvelope({
          status: 408,
          type: 'model_deployment_timeout_exception',
          reason:
            'Timed out after [200ms] waiting for trained model deployment [slow-elser] to start. Use the trained model stats API to track the state of the deployment and try again once it has started.',
        }),
      );
      expect((await request(server.url).get('/_inference/slow-elser')).status).toBe(200);

      const during = await request(server.url).get(`/_ml/trained_models/${MODEL_ID}?include=definition_status`);
      expect(during.body).toMatchObject({ count: 1, trained_model_configs: [{ model_id: MODEL_ID, fully_defined: false }] });

      const second = await request(server.url).put('/_inference/sparse_embedding/second-elser?timeout=100ms').send(BASIC);
      expect(second.status).toBe(408);

      gated.release();
      await waitFor(
        () => request(server.url).get(`/_ml/trained_models/${MODEL_ID}?include=definition_status`),
        (response) => response.body.trained_model_configs?.[0]?.fully_defined === true,
      );
      const embedded = await request(server.url).post('/_inference/sparse_embedding/slow-elser').send({ input: SKY });
      expect(embedded.status).toBe(200);
      expect(Object.keys(embedded.body.sparse_embedding[0].embedding)).toEqual(expect.arrayContaining(['sky', 'port']));
      expect((await request(server.url).post('/_inference/second-elser').send({ input: SKY })).status).toBe(200);
      expect(gated.modelRequests).toBe(1);
    } finally {
      await server.close();
      await gated.stop();
    }
  });

  it('refuses a package whose sha256 does not match and keeps nothing corrupt in the cache', async () => {
    const repository = path.join(work, 'tampered');
    await mkdir(repository);
    await copyRepository(repository);
    const metadataFile = path.join(repository, `${PACKAGED}.metadata.json`);
    const metadata = JSON.parse(await readFile(metadataFile, 'utf8'));
    const actualSha = metadata.sha256;
    metadata.sha256 = 'f'.repeat(64);
    await writeFile(metadataFile, JSON.stringify(metadata));
    const gated = new GatedRepositoryServer(repository);
    gated.release();
    const url = await gated.start();
    const dataDir = path.join(work, 'data');
    let server: RunningServer | undefined = await startTestServer('8.15', { modelRepository: url, inMemory: false, dataDir });
    try {
      const created = await request(server.url).put('/_inference/sparse_embedding/tampered').send(BASIC);
      expect(created.body).toEqual(
        errorEnvelope({
          status: 500,
          type: 'status_exception',
          reason: `Model sha256 checksums do not match, expected [${'f'.repeat(64)}] but got [${actualSha}]`,
        }),
      );
      const cached = await readdir(path.join(dataDir, 'models')).catch(() => []);
      expect(cached.filter((file) => file.includes('.onnx'))).toEqual([]);
      expect((await request(server.url).get('/_inference/tampered')).status).toBe(200);
    } finally {
      await server?.close();
      server = undefined;
      await gated.stop();
    }
  });
});

describe('trained model stats', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startTestServer('9.1', { allocatedProcessors: 2 });
  });
  afterAll(() => server.close());

  it('reports the deployment with its allocations and counts', async () => {
    await request(server.url)
      .put('/_inference/sparse_embedding/two-allocations')
      .send({ service: 'elser', service_settings: { num_allocations: 2, num_threads: 1 } })
      .expect(200);
    await request(server.url)
      .post('/_inference/two-allocations')
      .send({ input: [SKY, 'a second input'] })
      .expect(200);
    const response = await request(server.url).get('/_ml/trained_models/two-allocations/_stats');
    expect(response.status).toBe(200);
    expect(response.body.count).toBe(1);
    const stats = response.body.trained_model_stats[0];
    expect(stats.model_id).toBe(MODEL_ID);
    expect(stats.deployment_stats).toMatchObject({
      deployment_id: 'two-allocations',
      model_id: MODEL_ID,
      threads_per_allocation: 1,
      number_of_allocations: 2,
      queue_capacity: 10000,
      state: 'started',
      allocation_status: { allocation_count: 2, target_allocation_count: 2, state: 'fully_allocated' },
      inference_count: 2,
      error_count: 0,
    });
    expect(stats.deployment_stats.nodes[0]).toMatchObject({
      routing_state: { routing_state: 'started' },
      inference_count: 2,
      number_of_allocations: 2,
    });
    expect(stats.deployment_stats.nodes[0].average_inference_time_ms).toBeGreaterThan(0);
  });

  it('answers a deployment id with that deployment only, and a model id with all of its deployments', async () => {
    await request(server.url)
      .put('/_inference/sparse_embedding/other-deployment')
      .send({ service: 'elser', service_settings: { num_allocations: 1, num_threads: 1 } })
      .expect(200);
    const byDeployment = await request(server.url).get('/_ml/trained_models/other-deployment/_stats');
    expect(byDeployment.body.count).toBe(1);
    expect(
      byDeployment.body.trained_model_stats.map((s: { deployment_stats: { deployment_id: string } }) => s.deployment_stats.deployment_id),
    ).toEqual(['other-deployment']);
    const byModel = await request(server.url).get(`/_ml/trained_models/${MODEL_ID}/_stats`);
    expect(byModel.body.count).toBe(1);
    expect(
      byModel.body.trained_model_stats.map((s: { deployment_stats: { deployment_id: string } }) => s.deployment_stats.deployment_id),
    ).toEqual(['other-deployment', 'two-allocations']);
    expect(byModel.body.trained_model_stats[1].inference_stats).toMatchObject({ inference_count: 2, failure_count: 0 });
    await request(server.url).delete('/_inference/other-deployment').expect(200);
  });

  it('places only the allocations the node has processors for', async () => {
    await request(server.url)
      .put('/_inference/sparse_embedding/too-many')
      .send({ service: 'elser', service_settings: { num_allocations: 4, num_threads: 1 } })
      .expect(200);
    const response = await request(server.url).get('/_ml/trained_models/too-many/_stats');
    expect(response.body.trained_model_stats[0].deployment_stats.allocation_status).toEqual({
      allocation_count: 2,
      target_allocation_count: 4,
      state: 'started',
    });
  });

  it('answers unknown models as Elasticsearch does', async () => {
    const response = await request(server.url).get('/_ml/trained_models/nope/_stats');
    expect(response.body).toEqual(
      errorEnvelope({ status: 404, type: 'resource_not_found_exception', reason: 'No known trained model with model_id [nope]' }),
    );
    const wildcard = await request(server.url).get('/_ml/trained_models/nope*');
    expect(wildcard.body).toEqual({ count: 0, trained_model_configs: [] });
  });

  it('stops the deployment when its endpoint is deleted', async () => {
    await request(server.url).delete('/_inference/too-many').expect(200);
    const response = await request(server.url).get('/_ml/trained_models/_stats');
    const deployments = response.body.trained_model_stats.map(
      (s: { deployment_stats?: { deployment_id: string } }) => s.deployment_stats?.deployment_id,
    );
    expect(deployments).not.toContain('too-many');
  });
});

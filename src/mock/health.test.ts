import { EventEmitter } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { createHttpApp } from '../http/app';
import { RestController } from '../http/rest-controller';
import type { DeploymentSnapshot, DeploymentState } from '../inference/deployments';
import { GLOBAL_QUERY_PARAMETERS, PROFILES } from '../inference/profiles';
import type { ModelCacheEvents } from '../model/repository/model-cache';
import { registerMockHealth, ServerHealth } from './health';
import { MockRouter } from './mock-router';

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

const snapshot = (deploymentId: string, state: DeploymentState) => ({ request: { deploymentId }, state }) as DeploymentSnapshot;

describe('ServerHealth', () => {
  let cache: EventEmitter<ModelCacheEvents>;
  let deployments: DeploymentSnapshot[];
  let health: ServerHealth;

  beforeEach(() => {
    cache = new EventEmitter<ModelCacheEvents>();
    deployments = [];
    health = new ServerHealth(cache, () => deployments);
  });

  it('is starting and yellow until the stored deployments are restored', async () => {
    const restore = deferred<{ inferenceId: string }[]>();
    health.restoring(restore.promise);
    deployments = [snapshot('stored-1', 'starting'), snapshot('stored-2', 'starting')];
    expect(health.report()).toEqual({
      status: 'starting',
      live: true,
      ready: false,
      checks: { model_repository: { ready: true }, stored_deployments: { ready: false, failed: [] } },
      cluster_health: { status: 'yellow', starting_deployments: ['stored-1', 'stored-2'], downloading_models: [] },
    });

    deployments = [snapshot('stored-1', 'started'), snapshot('stored-2', 'failed')];
    restore.resolve([{ inferenceId: 'stored-2' }]);
    await restore.promise;
    expect(health.report()).toEqual({
      status: 'ready',
      live: true,
      ready: true,
      checks: { model_repository: { ready: true }, stored_deployments: { ready: true, failed: ['stored-2'] } },
      cluster_health: { status: 'green', starting_deployments: [], downloading_models: [] },
    });
  });

  it('counts a restore that failed as a whole as settled', async () => {
    const restore = deferred<{ inferenceId: string }[]>();
    health.restoring(restore.promise);
    restore.reject(new Error('registry unreadable'));
    await restore.promise.catch(() => undefined);
    expect(health.ready).toBe(true);
  });

  it('is yellow while a model downloads or a deployment starts, without losing readiness', async () => {
    health.restoring(Promise.resolve([]));
    await Promise.resolve();
    expect(health.clusterStatus()).toBe('green');

    cache.emit('state', { modelId: 'elser_model_2', status: 'downloading', bytesDownloaded: 0, totalBytes: 100 });
    cache.emit('progress', { modelId: 'elser_model_2', bytesDownloaded: 40, totalBytes: 100 });
    expect(health.report()).toMatchObject({
      ready: true,
      cluster_health: { status: 'yellow', downloading_models: [{ model_id: 'elser_model_2', bytes_downloaded: 40, total_bytes: 100 }] },
    });

    cache.emit('state', { modelId: 'elser_model_2', status: 'fully_defined', bytesDownloaded: 100, totalBytes: 100 });
    deployments = [snapshot('created-later', 'starting')];
    expect(health.report()).toMatchObject({ ready: true, cluster_health: { status: 'yellow', starting_deployments: ['created-later'] } });

    deployments = [snapshot('created-later', 'started')];
    expect(health.clusterStatus()).toBe('green');
  });
});

describe('GET /__mock/health', () => {
  let server: Server;
  let url: string;
  const restore = deferred<{ inferenceId: string }[]>();

  beforeAll(async () => {
    const health = new ServerHealth(new EventEmitter<ModelCacheEvents>(), () => []);
    health.restoring(restore.promise);
    const controller = new RestController(GLOBAL_QUERY_PARAMETERS);
    const mock = new MockRouter();
    mock.mount(controller);
    registerMockHealth(mock, health);
    server = createHttpApp({ controller, profile: PROFILES['8.15'], maxContentLength: 1024 }).listen(0, '127.0.0.1');
    await new Promise<void>((resolve) => server.once('listening', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('answers 503 while starting, then 200 once ready', async () => {
    const starting = await request(url).get('/__mock/health');
    expect(starting.status).toBe(503);
    expect(starting.headers['cache-control']).toBe('no-store');
    expect(starting.body).toMatchObject({ status: 'starting', live: true, ready: false });

    restore.resolve([]);
    await restore.promise;
    const ready = await request(url).get('/__mock/health');
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({ status: 'ready', live: true, ready: true });
    expect((await request(url).head('/__mock/health')).status).toBe(200);
  });
});

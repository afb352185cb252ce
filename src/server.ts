import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { DEFAULT_OPTIONS, ServerOptions } from './config/options';
import { createHttpApp } from './http/app';
import { RestController } from './http/rest-controller';
import { registerClusterRoutes } from './http/routes/cluster-routes';
import { registerConsoleProxyRoutes } from './http/routes/console-proxy-routes';
import { registerInferenceRoutes } from './http/routes/inference-routes';
import { registerMlRoutes } from './http/routes/ml-routes';
import { registerNodesRoutes, registerRootRoutes } from './http/routes/root-routes';
import { TrainedModelDeployments } from './inference/deployments';
import { platformElserModelId } from './inference/elser-service';
import { EndpointRegistry, FileEndpointStore, InMemoryEndpointStore } from './inference/endpoint-registry';
import { InferenceApi } from './inference/inference-api';
import { GLOBAL_QUERY_PARAMETERS, PROFILES } from './inference/profiles';
import {
  AdaptiveAllocationsScalerService,
  DEFAULT_SCALER_INTERVAL_MS,
  SCALE_UP_COOLDOWN_MS,
} from './ml/adaptive-allocations/adaptive-allocations-scaler-service';
import { deploymentView, scaledDeployment } from './ml/deployment-views';
import { TrainedModelDefinitions } from './ml/trained-model-definitions';
import { TrainedModelsApi } from './ml/trained-models-api';
import { deploymentEncoderFactory } from './model/deployment-encoders';
import { createModelRepositorySource, ModelCache } from './model/repository';
import { createLogger, defaultLogFormat, Logger } from './observability/logger';
import { logRequest } from './observability/request-log';
import { progressBarLine, TerminalProgress } from './observability/terminal-progress';
import { MockRouter } from './mock/mock-router';
import { ControlPlane, registerControlPlane } from './mock/control-plane';
import { registerMockDocuments } from './mock/documents';
import { registerMockHealth, ServerHealth } from './mock/health';

export interface RunningServer {
  /** The base URL, e.g. `http://127.0.0.1:9200`. */
  url: string;
  port: number;
  /**
   * Stops listening, closes idle connections, waits for the requests in flight (answered with
   * `Connection: close`) up to `shutdownGracePeriod`, closes what is left, then stops deployments.
   */
  close(): Promise<void>;
}

export interface StartOptions extends Partial<ServerOptions> {
  logger?: Logger;
}

/** The built-in repository lives beside the package, so every consumer shares one build. */
export const BUILTIN_REPOSITORY_DIR = path.resolve(__dirname, '..', '.cache', 'model-repository');

function clusterUuid(seed: string): string {
  return createHash('sha256').update(seed).digest('base64url').slice(0, 22);
}

/** Starts an elser-mock server; resolves once it listens. */
export async function start(startOptions: StartOptions = {}): Promise<RunningServer> {
  const { logger: givenLogger, ...overrides } = startOptions;
  const options: ServerOptions = { ...DEFAULT_OPTIONS, ...overrides };
  const logger = givenLogger ?? createLogger(options.logLevel, options.logFormat ?? defaultLogFormat());
  const profile = PROFILES[options.esVersion];

  const repository = options.modelRepository ?? BUILTIN_REPOSITORY_DIR;
  if (options.modelRepository === undefined) {
    // The builder is only loaded when the built-in repository may need building.
    const { buildBuiltinRepository } = await import('./model/builder/cli');
    const progress = new TerminalProgress(process.stdout);
    await buildBuiltinRepository(repository, {
      log: (line) => logger.debug(line),
      onProgress: (done, total, modelId) => {
        if (done === 0) logger.info({ models: total }, 'building the built-in model repository');
        progress.draw(progressBarLine('building the built-in model', done / total, modelId ? `[${modelId}]` : 'done'));
      },
    });
    progress.finish();
  }
  const cacheDir = options.inMemory
    ? await mkdtemp(path.join(tmpdir(), 'elser-mock-models-'))
    : path.join(path.resolve(options.dataDir), 'models');
  const controlPlane = new ControlPlane({ journal: { capacity: options.journalSize } });
  const cache = new ModelCache({
    repository: controlPlane.repositorySource(createModelRepositorySource(repository)),
    cacheDir,
    logger,
    progressStream: process.stdout.isTTY ? process.stdout : undefined,
  });
  const definitions = new TrainedModelDefinitions(cache);

  const registry = new EndpointRegistry(
    options.inMemory ? new InMemoryEndpointStore() : new FileEndpointStore(path.resolve(options.dataDir)),
  );
  await registry.open();
  const deployments = new TrainedModelDeployments(
    deploymentEncoderFactory({
      cache,
      allocatedProcessors: options.allocatedProcessors,
      onModelRequested: (modelId) => definitions.noteRequested(modelId),
      logger,
    }),
    { timeoutMessage: profile.deploymentTimeoutMessage },
  );
  const api = new InferenceApi({
    profile,
    registry,
    deployments,
    defaultModelId: platformElserModelId(),
    deploymentTimeout: options.deploymentTimeout,
    queueCapacity: options.queueCapacity,
  });

  // Follows the model cache from before the restore, which may start downloads at once.
  const health = new ServerHealth(cache, () => deployments.snapshots());
  health.restoring(
    api.restoreDeployments().then((failures) => {
      for (const { inferenceId, error } of failures)
        logger.warn({ inferenceId, err: error }, 'deployment of a stored endpoint did not start');
      return failures;
    }),
  );

  const controller = new RestController(GLOBAL_QUERY_PARAMETERS);
  const node = {
    name: 'elser-mock',
    clusterName: 'elser-mock',
    clusterUuid: clusterUuid(options.inMemory ? 'in-memory' : path.resolve(options.dataDir)),
  };
  registerRootRoutes(controller, profile, node);
  registerClusterRoutes(controller, profile, node, { status: () => health.clusterStatus() });
  let address = { host: options.host, port: options.port, maxContentLength: options.maxContentLength };
  registerNodesRoutes(controller, profile, node, () => address);
  registerInferenceRoutes(controller, api, profile);
  registerMlRoutes(
    controller,
    new TrainedModelsApi({
      models: () => definitions.views(),
      deployments: () => deployments.snapshots().map(deploymentView),
      node: { id: node.clusterUuid, name: node.name, ephemeralId: node.clusterUuid, transportAddress: `${options.host}:9300` },
      versionNumber: profile.version.number,
    }),
  );

  const scaleToZeroAfter = options.scaleToZeroTime ?? profile.scaleToZeroAfter;
  const scalers = new AdaptiveAllocationsScalerService({
    deployments: () => deployments.snapshots().map((snapshot) => scaledDeployment(snapshot, node.clusterUuid)),
    updateNumberOfAllocations: (deploymentId, numberOfAllocations) =>
      deployments.updateNumberOfAllocations(deploymentId, numberOfAllocations),
    audit: (level, deploymentId, message) =>
      level === 'info' ? logger.info({ deploymentId }, message) : logger.warn({ deploymentId }, message),
    intervalMs: options.adaptiveInterval.millis,
    // A faster interval compresses time: the cooldown after a scale-up shrinks in proportion.
    cooldownMs: (SCALE_UP_COOLDOWN_MS * options.adaptiveInterval.millis) / DEFAULT_SCALER_INTERVAL_MS,
    scaleToZeroAfterMs: scaleToZeroAfter?.millis,
  });
  scalers.start();

  // The mock's own API under /__mock: documents, health, control plane.
  const mock = new MockRouter(() => options.security);
  mock.mount(controller);
  registerMockHealth(mock, health);
  registerMockDocuments(mock, { serverUrl: () => url, esVersion: options.esVersion });
  registerControlPlane(mock, { controlPlane, inference: { registry, api, deployments } });

  let url = '';
  registerConsoleProxyRoutes(controller, { elasticsearchUrl: () => url, timeoutMs: options.consoleProxyTimeout });

  const app = createHttpApp({
    controller,
    profile,
    maxContentLength: options.maxContentLength,
    security: options.security,
    onInternalError: (error) => logger.error({ err: error }, 'unexpected error while handling a request'),
    onRequestEnd: logRequest(logger),
    onExchange: controlPlane.onExchange,
    faultFor: controlPlane.faultFor,
  });
  const server = app.listen(options.port, options.host);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  address = { ...address, port };
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  url = `http://${host}:${port}`;
  logger.info({ url, esVersion: profile.esVersion }, 'server started');

  // Requests being answered: a shutdown waits for them (up to the grace period) before it closes connections.
  const inFlight = new Set<ServerResponse>();
  let draining = false;
  let drained: (() => void) | undefined;
  server.prependListener('request', (_request: IncomingMessage, response: ServerResponse) => {
    inFlight.add(response);
    if (draining) response.setHeader('connection', 'close');
    response.once('close', () => {
      inFlight.delete(response);
      if (inFlight.size === 0) drained?.();
    });
  });

  let closing: Promise<void> | undefined;
  return {
    url,
    port,
    close: () =>
      (closing ??= (async () => {
        // As Elasticsearch's HTTP transport stops: no new connections, idle ones closed, and every
        // further response says `Connection: close` so that its connection ends with it.
        draining = true;
        scalers.stop();
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        for (const response of inFlight) if (!response.headersSent) response.setHeader('connection', 'close');
        await waitForRequests(inFlight.size, options.shutdownGracePeriod.millis, (done) => (drained = done), logger);
        server.closeAllConnections();
        await closed;
        if (await settlesWithin(deployments.stopAll(), DEPLOYMENTS_STOP_WAIT_MS)) logger.info('deployments stopped');
        else logger.warn(`deployments still starting after ${DEPLOYMENTS_STOP_WAIT_MS}ms; not waiting for them any longer`);
        if (options.inMemory) await rm(cacheDir, { recursive: true, force: true });
      })()),
  };
}

/** How long a shutdown waits for deployments to stop; one still downloading its model would hold it up. */
const DEPLOYMENTS_STOP_WAIT_MS = 10_000;

/** Resolves once `onDrained`'s callback is called or the grace period (ms; -1 for none) has passed. */
async function waitForRequests(
  pending: number,
  gracePeriodMs: number,
  onDrained: (done: () => void) => void,
  logger: Logger,
): Promise<void> {
  if (pending === 0 || gracePeriodMs === 0) return;
  logger.info({ requests: pending }, 'shutting down: waiting for the requests in flight');
  let timer: NodeJS.Timeout | undefined;
  const finished = await new Promise<boolean>((resolve) => {
    onDrained(() => resolve(true));
    if (gracePeriodMs > 0) timer = setTimeout(() => resolve(false), gracePeriodMs);
  });
  clearTimeout(timer);
  if (!finished) logger.warn(`shutdown grace period of ${gracePeriodMs}ms elapsed; closing the connections of requests still in flight`);
}

async function settlesWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const settled = await Promise.race([
    work.then(
      () => true,
      () => true,
    ),
    new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms))),
  ]);
  clearTimeout(timer);
  return settled;
}

import { actionRequestValidation, ElasticsearchException, statusException } from '../errors/elasticsearch-exception';
import { TimeValue } from '../java/time-value';
import type { AdaptiveAllocations } from './endpoint';
import type { SparseEmbedding, SparseEncoder } from './sparse-embedding';

export const MAX_THREADS_PER_ALLOCATION = 32;

/** `StartTrainedModelDeploymentAction.Request`, as the inference API builds it from an endpoint. */
export interface StartDeploymentRequest {
  deploymentId: string;
  modelId: string;
  numberOfAllocations?: number;
  threadsPerAllocation: number;
  adaptiveAllocations?: AdaptiveAllocations;
  timeout: TimeValue;
}

const isPowerOfTwo = (n: number) => n > 0 && (n & (n - 1)) === 0;

/** `StartTrainedModelDeploymentAction.Request.validate`: checks Elasticsearch runs only once the endpoint is stored. */
export function validateStartDeploymentRequest(request: StartDeploymentRequest): void {
  const errors: string[] = [];
  if (request.numberOfAllocations !== undefined && request.numberOfAllocations < 1) {
    errors.push('[number_of_allocations] must be a positive integer');
  }
  if (request.threadsPerAllocation < 1) {
    errors.push('[threads_per_allocation] must be a positive integer');
  } else if (request.threadsPerAllocation > MAX_THREADS_PER_ALLOCATION || !isPowerOfTwo(request.threadsPerAllocation)) {
    errors.push(`[threads_per_allocation] must be a power of 2 less than or equal to ${MAX_THREADS_PER_ALLOCATION}`);
  }
  if (request.timeout.nanos === 0) errors.push('[timeout] must be positive');
  if (request.adaptiveAllocations?.enabled && request.numberOfAllocations !== undefined) {
    errors.push('[number_of_allocations] cannot be set if adaptive allocations is enabled');
  }
  if (errors.length > 0) throw actionRequestValidation(errors);
}

export type DeploymentState = 'starting' | 'started' | 'stopping' | 'failed';

/** A started deployment's model: its allocations encode, and report how many run and wait. */
export interface DeploymentEncoder extends SparseEncoder {
  /** Allocations running now. */
  allocationCount(): number;
  /** Allocations asked for (the deployment's target). */
  targetAllocationCount(): number;
  /** Threads each allocation runs with. */
  threadsPerAllocation(): number;
  /** Batches waiting for an idle allocation. */
  pendingCount(): number;
}

/** Loads the model for a deployment; the model layer decides how (and how many allocations). */
export type EncoderFactory = (request: StartDeploymentRequest) => Promise<DeploymentEncoder>;

/** Per-input counters, as Elasticsearch counts inferences (one per document, not per batch). */
interface DeploymentCounters {
  inferenceCount: number;
  errorCount: number;
  timeoutCount: number;
  totalInferenceTimeMs: number;
  lastAccess?: number;
  /** Completion times of the last minute's inferences. */
  recent: number[];
  peakThroughputPerMinute: number;
}

interface Deployment {
  request: StartDeploymentRequest;
  state: DeploymentState;
  started: Promise<DeploymentEncoder>;
  encoder?: DeploymentEncoder;
  failure?: ElasticsearchException;
  startTime: number;
  counters: DeploymentCounters;
}

/** A deployment as the trained-model stats API reports it. */
export interface DeploymentSnapshot {
  request: StartDeploymentRequest;
  state: DeploymentState;
  reason?: string;
  startTime: number;
  allocationCount: number;
  targetAllocationCount: number;
  threadsPerAllocation: number;
  pendingCount: number;
  inferenceCount: number;
  errorCount: number;
  timeoutCount: number;
  averageInferenceTimeMs: number;
  lastAccess?: number;
  throughputLastMinute: number;
  peakThroughputPerMinute: number;
}

export interface DeploymentTimeouts {
  /** The profile's 408 message for a deployment that did not start in time. */
  timeoutMessage(timeout: TimeValue, deploymentId: string): string;
}

/** Elasticsearch's trained-model deployments, keyed by deployment id (the inference id). */
export class TrainedModelDeployments {
  private readonly deployments = new Map<string, Deployment>();

  constructor(
    private readonly encoderFactory: EncoderFactory,
    private readonly timeouts: DeploymentTimeouts,
  ) {}

  has(deploymentId: string): boolean {
    return this.deployments.has(deploymentId);
  }

  state(deploymentId: string): DeploymentState | undefined {
    return this.deployments.get(deploymentId)?.state;
  }

  /**
   * Starts a deployment and waits for it up to the request's timeout. Past the
   * timeout the caller gets the 408 while the start goes on in the background.
   */
  async start(request: StartDeploymentRequest): Promise<void> {
    validateStartDeploymentRequest(request);
    let deployment = this.deployments.get(request.deploymentId);
    if (!deployment) {
      const created: Deployment = {
        request,
        state: 'starting',
        started: this.encoderFactory(request),
        startTime: Date.now(),
        counters: { inferenceCount: 0, errorCount: 0, timeoutCount: 0, totalInferenceTimeMs: 0, recent: [], peakThroughputPerMinute: 0 },
      };
      created.started.then(
        (encoder) => {
          created.encoder = encoder;
          if (created.state === 'starting') created.state = 'started';
        },
        (error: unknown) => {
          created.state = 'failed';
          created.failure = error instanceof ElasticsearchException ? error : statusException(500, String(error));
        },
      );
      this.deployments.set(request.deploymentId, created);
      deployment = created;
    }
    await this.waitForStart(deployment, request.timeout);
  }

  async infer(deploymentId: string, inputs: readonly string[], timeout: TimeValue): Promise<SparseEmbedding[]> {
    const deployment = this.deployments.get(deploymentId);
    if (!deployment || deployment.state === 'stopping') {
      throw statusException(409, `Trained model deployment [${deploymentId}] is not allocated to any nodes`);
    }
    const counters = deployment.counters;
    let encoder: DeploymentEncoder;
    try {
      encoder = await this.waitForStart(deployment, timeout);
    } catch (error) {
      if (error instanceof ElasticsearchException && error.status === 408) counters.timeoutCount++;
      throw error;
    }
    const began = Date.now();
    try {
      const results = await encoder.encode(inputs);
      const now = Date.now();
      counters.inferenceCount += inputs.length;
      counters.totalInferenceTimeMs += now - began;
      counters.lastAccess = now;
      counters.recent.push(...inputs.map(() => now));
      counters.recent = counters.recent.filter((time) => time > now - 60_000);
      counters.peakThroughputPerMinute = Math.max(counters.peakThroughputPerMinute, counters.recent.length);
      return results;
    } catch (error) {
      counters.errorCount++;
      throw error;
    }
  }

  /** Every deployment, for the stats API. */
  snapshots(): DeploymentSnapshot[] {
    const now = Date.now();
    return [...this.deployments.values()].map((deployment) => {
      const { request, counters, encoder } = deployment;
      return {
        request,
        state: deployment.state,
        ...(deployment.failure && { reason: deployment.failure.reason }),
        startTime: deployment.startTime,
        allocationCount: encoder?.allocationCount() ?? 0,
        targetAllocationCount: encoder?.targetAllocationCount() ?? request.numberOfAllocations ?? 1,
        threadsPerAllocation: encoder?.threadsPerAllocation() ?? request.threadsPerAllocation,
        pendingCount: encoder?.pendingCount() ?? 0,
        inferenceCount: counters.inferenceCount,
        errorCount: counters.errorCount,
        timeoutCount: counters.timeoutCount,
        averageInferenceTimeMs: counters.inferenceCount === 0 ? 0 : counters.totalInferenceTimeMs / counters.inferenceCount,
        ...(counters.lastAccess !== undefined && { lastAccess: counters.lastAccess }),
        throughputLastMinute: counters.recent.filter((time) => time > now - 60_000).length,
        peakThroughputPerMinute: counters.peakThroughputPerMinute,
      };
    });
  }

  async stop(deploymentId: string): Promise<void> {
    const deployment = this.deployments.get(deploymentId);
    if (!deployment) return;
    deployment.state = 'stopping';
    this.deployments.delete(deploymentId);
    const encoder = await deployment.started.catch(() => undefined);
    await encoder?.close();
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.deployments.keys()].map((id) => this.stop(id)));
  }

  private waitForStart(deployment: Deployment, timeout: TimeValue): Promise<DeploymentEncoder> {
    if (deployment.failure) return Promise.reject(deployment.failure);
    if (timeout.millis < 0) return deployment.started;
    return new Promise<DeploymentEncoder>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(
          new ElasticsearchException(
            408,
            'model_deployment_timeout_exception',
            this.timeouts.timeoutMessage(timeout, deployment.request.deploymentId),
          ),
        );
      }, timeout.millis);
      deployment.started.then(
        (encoder) => {
          clearTimeout(timer);
          resolve(encoder);
        },
        (error: unknown) => {
          clearTimeout(timer);
          reject(deployment.failure ?? error);
        },
      );
    });
  }
}

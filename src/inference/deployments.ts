import { actionRequestValidation, ElasticsearchException, statusException } from '../errors/elasticsearch-exception';
import { TimeValue } from '../java/time-value';
import type { AdaptiveAllocations } from './endpoint';
import { SlidingWindowCounter } from './sliding-window-counter';
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
  /** Inferences that may wait for an allocation before new ones are rejected (Elasticsearch's default is 10,000). */
  queueCapacity?: number;
}

export const DEFAULT_QUEUE_CAPACITY = 10_000;

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
  /** Run time of every completed batch, summed, in milliseconds. */
  totalProcessTimeMs(): number;
  /** Changes the number of allocations; resolves once the new ones are ready. */
  setTargetAllocations(count: number): Promise<void>;
}

/** Loads the model for a deployment; the model layer decides how (and how many allocations). */
export type EncoderFactory = (request: StartDeploymentRequest) => Promise<DeploymentEncoder>;

/** Per-input counters, as Elasticsearch counts inferences (one per document, not per batch). */
interface DeploymentCounters {
  inferenceCount: number;
  errorCount: number;
  timeoutCount: number;
  rejectedExecutionCount: number;
  /** Inferences accepted and not yet answered. */
  pendingInputs: number;
  lastAccess?: number;
  /** Inferences completed in the last minute. */
  recent: SlidingWindowCounter;
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
  scalingFromZero?: Promise<void>;
}

export interface DeploymentDescription {
  modelId: string;
  numberOfAllocations: number;
  threadsPerAllocation: number;
  adaptiveAllocations?: AdaptiveAllocations;
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
  queueCapacity: number;
  /** Inferences accepted and not yet answered. */
  pendingCount: number;
  inferenceCount: number;
  errorCount: number;
  timeoutCount: number;
  rejectedExecutionCount: number;
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
        counters: {
          inferenceCount: 0,
          errorCount: 0,
          timeoutCount: 0,
          rejectedExecutionCount: 0,
          pendingInputs: 0,
          recent: new SlidingWindowCounter(60_000),
          peakThroughputPerMinute: 0,
        },
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
    const capacity = deployment.request.queueCapacity ?? DEFAULT_QUEUE_CAPACITY;
    if (counters.pendingInputs + inputs.length > capacity) {
      counters.rejectedExecutionCount++;
      throw new ElasticsearchException(
        429,
        'es_rejected_execution_exception',
        'inference process queue is full. Unable to execute command',
      );
    }
    counters.pendingInputs += inputs.length;
    try {
      const encoder = await this.waitForStart(deployment, timeout);
      if (encoder.targetAllocationCount() === 0) await this.scaleFromZero(deployment, timeout);
      const results = await encoder.encode(inputs);
      const now = Date.now();
      counters.inferenceCount += inputs.length;
      counters.lastAccess = now;
      counters.recent.add(now, inputs.length);
      counters.peakThroughputPerMinute = Math.max(counters.peakThroughputPerMinute, counters.recent.countAt(now));
      return results;
    } catch (error) {
      if (error instanceof ElasticsearchException && error.status === 408) counters.timeoutCount++;
      else counters.errorCount++;
      throw error;
    } finally {
      counters.pendingInputs -= inputs.length;
    }
  }

  /**
   * A deployment scaled to zero by adaptive allocations starts one allocation
   * for the request and waits for it, up to the request's timeout.
   */
  private async scaleFromZero(deployment: Deployment, timeout: TimeValue): Promise<void> {
    if (!deployment.request.adaptiveAllocations?.enabled) {
      throw statusException(409, `Trained model deployment [${deployment.request.deploymentId}] is not allocated to any nodes`);
    }
    deployment.scalingFromZero ??= this.updateNumberOfAllocations(deployment.request.deploymentId, 1).finally(() => {
      deployment.scalingFromZero = undefined;
    });
    await this.withTimeout(deployment.scalingFromZero, timeout, deployment.request.deploymentId);
  }

  /** What `GET _ml/trained_models/_stats` tells of one deployment, for an endpoint that attaches to it. */
  describe(deploymentId: string): DeploymentDescription | undefined {
    const deployment = this.deployments.get(deploymentId);
    if (!deployment) return undefined;
    const { request } = deployment;
    return {
      modelId: request.modelId,
      numberOfAllocations: targetAllocationCountOf(deployment),
      threadsPerAllocation: threadsPerAllocationOf(deployment),
      adaptiveAllocations: request.adaptiveAllocations,
    };
  }

  /** The number of allocations a started deployment targets now (changed by updates and adaptive allocations). */
  targetAllocations(deploymentId: string): number | undefined {
    const deployment = this.deployments.get(deploymentId);
    return deployment?.state === 'started' ? deployment.encoder?.targetAllocationCount() : undefined;
  }

  /** The update trained model deployment API: new allocations and/or adaptive allocations settings, applied live. */
  async updateDeployment(
    deploymentId: string,
    update: { numberOfAllocations?: number; adaptiveAllocations?: AdaptiveAllocations },
  ): Promise<void> {
    const deployment = this.deployments.get(deploymentId);
    if (!deployment) throw statusException(404, `No known model deployment with id [${deploymentId}]`);
    if (update.adaptiveAllocations !== undefined) {
      deployment.request = { ...deployment.request, adaptiveAllocations: update.adaptiveAllocations };
      if (update.adaptiveAllocations.enabled) {
        const { min_number_of_allocations: min, max_number_of_allocations: max } = update.adaptiveAllocations;
        const current = deployment.encoder?.targetAllocationCount() ?? 1;
        const bounded = Math.min(max ?? current, Math.max(min ?? 0, current));
        if (bounded !== current) await this.updateNumberOfAllocations(deploymentId, bounded);
      }
    }
    if (update.numberOfAllocations !== undefined) await this.updateNumberOfAllocations(deploymentId, update.numberOfAllocations);
  }

  /** Changes a started deployment's number of allocations, as the update deployment API does. */
  async updateNumberOfAllocations(deploymentId: string, numberOfAllocations: number): Promise<void> {
    const deployment = this.deployments.get(deploymentId);
    if (!deployment) throw statusException(404, `No known model deployment with id [${deploymentId}]`);
    const encoder = await deployment.started;
    deployment.request = { ...deployment.request, numberOfAllocations };
    await encoder.setTargetAllocations(numberOfAllocations);
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
        targetAllocationCount: targetAllocationCountOf(deployment),
        threadsPerAllocation: threadsPerAllocationOf(deployment),
        queueCapacity: request.queueCapacity ?? DEFAULT_QUEUE_CAPACITY,
        pendingCount: counters.pendingInputs,
        inferenceCount: counters.inferenceCount,
        errorCount: counters.errorCount,
        timeoutCount: counters.timeoutCount,
        rejectedExecutionCount: counters.rejectedExecutionCount,
        averageInferenceTimeMs: counters.inferenceCount === 0 ? 0 : (encoder?.totalProcessTimeMs() ?? 0) / counters.inferenceCount,
        ...(counters.lastAccess !== undefined && { lastAccess: counters.lastAccess }),
        throughputLastMinute: counters.recent.countAt(now),
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
    return this.withTimeout(
      deployment.started.catch((error: unknown) => Promise.reject(deployment.failure ?? error)),
      timeout,
      deployment.request.deploymentId,
    );
  }

  /** Waits for a deployment to reach a state; past the timeout, the profile's 408 (the wait itself goes on). */
  private withTimeout<T>(work: Promise<T>, timeout: TimeValue, deploymentId: string): Promise<T> {
    if (timeout.millis < 0) return work;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new ElasticsearchException(408, 'model_deployment_timeout_exception', this.timeouts.timeoutMessage(timeout, deploymentId)));
      }, timeout.millis);
      work.then(
        (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        (error: unknown) => {
          clearTimeout(timer);
          reject(error);
        },
      );
    });
  }
}

/** The allocations a deployment targets: its encoder's once started, else what it was asked for (1 with adaptive allocations). */
const targetAllocationCountOf = ({ encoder, request }: Deployment): number =>
  encoder?.targetAllocationCount() ?? request.numberOfAllocations ?? 1;

const threadsPerAllocationOf = ({ encoder, request }: Deployment): number =>
  encoder?.threadsPerAllocation() ?? request.threadsPerAllocation;

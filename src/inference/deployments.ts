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

/** Loads the model for a deployment; the model layer decides how (and how many allocations). */
export type EncoderFactory = (request: StartDeploymentRequest) => Promise<SparseEncoder>;

interface Deployment {
  request: StartDeploymentRequest;
  state: DeploymentState;
  started: Promise<SparseEncoder>;
  failure?: ElasticsearchException;
  startTime: number;
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
      };
      created.started.then(
        () => {
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
    const encoder = await this.waitForStart(deployment, timeout);
    return encoder.encode(inputs);
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

  private waitForStart(deployment: Deployment, timeout: TimeValue): Promise<SparseEncoder> {
    if (deployment.failure) return Promise.reject(deployment.failure);
    if (timeout.millis < 0) return deployment.started;
    return new Promise<SparseEncoder>((resolve, reject) => {
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

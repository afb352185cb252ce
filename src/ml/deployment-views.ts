import type { DeploymentSnapshot } from '../inference/deployments';
import type { DeploymentView } from './deployment-stats';

/** Elasticsearch's default `queue_capacity` of a deployment. */
export const DEFAULT_QUEUE_CAPACITY = 10_000;

export function deploymentView(snapshot: DeploymentSnapshot): DeploymentView {
  const { request } = snapshot;
  return {
    deploymentId: request.deploymentId,
    modelId: request.modelId,
    threadsPerAllocation: snapshot.threadsPerAllocation,
    targetAllocations: snapshot.targetAllocationCount,
    allocationCount: snapshot.allocationCount,
    ...(request.adaptiveAllocations && { adaptiveAllocations: request.adaptiveAllocations }),
    queueCapacity: DEFAULT_QUEUE_CAPACITY,
    state: snapshot.state,
    ...(snapshot.reason && { reason: snapshot.reason }),
    startTime: snapshot.startTime,
    counters: {
      inferenceCount: snapshot.inferenceCount,
      errorCount: snapshot.errorCount,
      rejectedExecutionCount: 0,
      timeoutCount: snapshot.timeoutCount,
      pendingRequests: snapshot.pendingCount,
      averageInferenceTimeMs: snapshot.averageInferenceTimeMs,
      averageInferenceTimeMsLastMinute: snapshot.averageInferenceTimeMs,
      throughputLastMinute: snapshot.throughputLastMinute,
      peakThroughputPerMinute: snapshot.peakThroughputPerMinute,
      ...(snapshot.lastAccess !== undefined && { lastAccess: snapshot.lastAccess }),
    },
  };
}

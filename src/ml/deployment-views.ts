import type { DeploymentSnapshot } from '../inference/deployments';
import type { ScaledDeployment } from './adaptive-allocations/adaptive-allocations-scaler-service';
import type { DeploymentView } from './deployment-stats';

export function deploymentView(snapshot: DeploymentSnapshot): DeploymentView {
  const { request } = snapshot;
  return {
    deploymentId: request.deploymentId,
    modelId: request.modelId,
    threadsPerAllocation: snapshot.threadsPerAllocation,
    targetAllocations: snapshot.targetAllocationCount,
    allocationCount: snapshot.allocationCount,
    ...(request.adaptiveAllocations && { adaptiveAllocations: request.adaptiveAllocations }),
    queueCapacity: snapshot.queueCapacity,
    state: snapshot.state,
    ...(snapshot.reason && { reason: snapshot.reason }),
    startTime: snapshot.startTime,
    counters: {
      inferenceCount: snapshot.inferenceCount,
      errorCount: snapshot.errorCount,
      rejectedExecutionCount: snapshot.rejectedExecutionCount,
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

/** A deployment as the adaptive allocations scaler reads it: cumulative counters of its one node. */
export function scaledDeployment(snapshot: DeploymentSnapshot, nodeId: string): ScaledDeployment {
  return {
    deploymentId: snapshot.request.deploymentId,
    adaptiveAllocations: snapshot.request.adaptiveAllocations,
    numberOfAllocations: snapshot.targetAllocationCount,
    nodes: {
      [nodeId]: {
        successCount: snapshot.inferenceCount,
        pendingCount: snapshot.pendingCount,
        failedCount: snapshot.errorCount + snapshot.timeoutCount + snapshot.rejectedExecutionCount,
        inferenceTime: snapshot.averageInferenceTimeMs / 1000,
      },
    },
  };
}

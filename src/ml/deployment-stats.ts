import type { AdaptiveAllocations } from '../inference/endpoint';

export type DeploymentAssignmentState = 'starting' | 'started' | 'stopping' | 'failed';

/** Counters of one deployment on this node, as the allocations report them. */
export interface DeploymentCounters {
  inferenceCount: number;
  errorCount: number;
  rejectedExecutionCount: number;
  timeoutCount: number;
  pendingRequests: number;
  averageInferenceTimeMs: number;
  averageInferenceTimeMsLastMinute: number;
  throughputLastMinute: number;
  peakThroughputPerMinute: number;
  lastAccess?: number;
}

/** A deployment as the stats API sees it. */
export interface DeploymentView {
  deploymentId: string;
  modelId: string;
  threadsPerAllocation: number;
  targetAllocations: number;
  allocationCount: number;
  adaptiveAllocations?: AdaptiveAllocations;
  queueCapacity: number;
  state: DeploymentAssignmentState;
  reason?: string;
  startTime: number;
  counters: DeploymentCounters;
}

export interface NodeView {
  id: string;
  name: string;
  ephemeralId: string;
  transportAddress: string;
}

/** `allocation_status.state`: fully allocated once every target allocation runs (a target of 0 included). */
export function allocationState(view: DeploymentView): 'starting' | 'started' | 'fully_allocated' {
  if (view.allocationCount >= view.targetAllocations) return 'fully_allocated';
  return view.allocationCount > 0 ? 'started' : 'starting';
}

/** `deployment_stats` of one deployment, with its one node. */
export function deploymentStats(view: DeploymentView, node: NodeView): Record<string, unknown> {
  const c = view.counters;
  const routingState =
    view.state === 'stopping' ? 'stopping' : view.state === 'failed' ? 'failed' : view.allocationCount > 0 ? 'started' : 'starting';
  const nodeStats: Record<string, unknown> = {
    node: {
      [node.id]: {
        name: node.name,
        ephemeral_id: node.ephemeralId,
        transport_address: node.transportAddress,
        attributes: {},
        roles: ['ml'],
      },
    },
    routing_state: { routing_state: routingState, ...(view.reason && { reason: view.reason }) },
    inference_count: c.inferenceCount,
    inference_cache_hit_count: 0,
    inference_cache_hit_count_last_minute: 0,
    average_inference_time_ms: c.averageInferenceTimeMs,
    average_inference_time_ms_last_minute: c.averageInferenceTimeMsLastMinute,
    average_inference_time_ms_excluding_cache_hits: c.averageInferenceTimeMs,
    ...(c.lastAccess !== undefined && { last_access: c.lastAccess }),
    number_of_pending_requests: c.pendingRequests,
    error_count: c.errorCount,
    rejected_execution_count: c.rejectedExecutionCount,
    timeout_count: c.timeoutCount,
    start_time: view.startTime,
    threads_per_allocation: view.threadsPerAllocation,
    number_of_allocations: view.allocationCount,
    peak_throughput_per_minute: c.peakThroughputPerMinute,
    throughput_last_minute: c.throughputLastMinute,
  };
  return {
    deployment_id: view.deploymentId,
    model_id: view.modelId,
    threads_per_allocation: view.threadsPerAllocation,
    number_of_allocations: view.targetAllocations,
    ...(view.adaptiveAllocations && { adaptive_allocations: { ...view.adaptiveAllocations } }),
    queue_capacity: view.queueCapacity,
    state: view.state,
    ...(view.reason && { reason: view.reason }),
    allocation_status: {
      allocation_count: view.allocationCount,
      target_allocation_count: view.targetAllocations,
      state: allocationState(view),
    },
    cache_size: '0b',
    priority: 'normal',
    start_time: view.startTime,
    inference_count: c.inferenceCount,
    error_count: c.errorCount,
    rejected_execution_count: c.rejectedExecutionCount,
    timeout_count: c.timeoutCount,
    peak_throughput_per_minute: c.peakThroughputPerMinute,
    nodes: [nodeStats],
  };
}

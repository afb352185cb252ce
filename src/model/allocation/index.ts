export { AllocationPool, NUM_RESTART_ATTEMPTS } from './allocation-pool';
export { initialAllocationCount } from './deployment-allocations';
export type { AllocationPoolOptions, AllocationPoolStats, AllocationStatsSnapshot, BatchCompleted } from './allocation-pool';
export { ModelAllocation } from './model-allocation';
export type { AllocationState, AllocationStats, ModelAllocationOptions } from './model-allocation';
export type { AllocationSessionOptions, RunResult, TokenBatch } from './protocol';
export { readSharedModel } from './shared-model';
export { EMBEDDING_MAX_BATCH_SIZE } from './token-batches';
export { sanitizeToken, tokenWeights } from './text-expansion';

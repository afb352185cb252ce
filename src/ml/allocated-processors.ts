/**
 * How many of a deployment's allocations an ML node with `allocatedProcessors`
 * can run. Elasticsearch's documentation: a `threads_per_allocation` or
 * `number_of_allocations` above the hardware threads "will automatically be
 * changed to a value less than the number of hardware threads"; the assignment
 * planner then places only the allocations whose threads fit, leaving the
 * deployment `started` but not `fully_allocated`.
 */
export interface AllocationPlan {
  /** Threads each allocation actually runs with. */
  threadsPerAllocation: number;
  /** Allocations actually running (at most the target). */
  allocations: number;
}

const largestPowerOfTwoAtMost = (n: number) => 2 ** Math.floor(Math.log2(Math.max(1, n)));

export function planAllocations(targetAllocations: number, threadsPerAllocation: number, allocatedProcessors: number): AllocationPlan {
  const processors = Math.max(1, Math.floor(allocatedProcessors));
  const threads = Math.min(threadsPerAllocation, largestPowerOfTwoAtMost(processors));
  const fitting = Math.floor(processors / threads);
  return { threadsPerAllocation: threads, allocations: Math.min(targetAllocations, fitting) };
}

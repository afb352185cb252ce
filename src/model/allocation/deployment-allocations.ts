import type { StartDeploymentRequest } from '../../inference/deployments';

/**
 * How many allocations a deployment starts with: the requested number, else
 * with adaptive allocations their minimum; never fewer than one.
 */
export function initialAllocationCount(request: Pick<StartDeploymentRequest, 'numberOfAllocations' | 'adaptiveAllocations'>): number {
  if (request.numberOfAllocations !== undefined) return Math.max(1, request.numberOfAllocations);
  const adaptive = request.adaptiveAllocations;
  return Math.max(1, adaptive?.enabled ? (adaptive.min_number_of_allocations ?? 1) : 1);
}

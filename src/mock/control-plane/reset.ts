import type { TrainedModelDeployments } from '../../inference/deployments';
import type { EndpointRegistry } from '../../inference/endpoint-registry';
import type { InferenceApi } from '../../inference/inference-api';

export interface InferenceState {
  registry: EndpointRegistry;
  api: InferenceApi;
  deployments: TrainedModelDeployments;
}

/**
 * Deletes every stored endpoint through the delete API (so the store on disk ends up empty and
 * each deployment is stopped as a delete stops it), then stops the deployments left, such as
 * those of default endpoints. Answers how many endpoints were deleted.
 */
export async function deleteAllEndpoints({ registry, api, deployments }: InferenceState): Promise<number> {
  let deleted = 0;
  for (const endpoint of registry.list()) {
    if (registry.get(endpoint.inference_id) === undefined) continue;
    await api.delete('any', endpoint.inference_id, false, true);
    // An endpoint stored under an id the profile reserves (by a server run with another profile) outlives a forced delete.
    if (registry.get(endpoint.inference_id) !== undefined) await registry.delete(endpoint.inference_id);
    deleted++;
  }
  await deployments.stopAll();
  return deleted;
}

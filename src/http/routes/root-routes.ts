import type { BehaviourProfile } from '../../inference/profiles';
import type { RestController } from '../rest-controller';

export interface NodeIdentity {
  name: string;
  clusterName: string;
  clusterUuid: string;
}

/** `GET /` and `HEAD /`: the root information clients read the version from. */
export function registerRootRoutes(controller: RestController, profile: BehaviourProfile, node: NodeIdentity): void {
  controller.register('GET', '/', () => () => ({
    status: 200,
    body: {
      name: node.name,
      cluster_name: node.clusterName,
      cluster_uuid: node.clusterUuid,
      version: {
        number: profile.version.number,
        build_flavor: 'default',
        build_type: 'tar',
        build_hash: profile.version.build_hash,
        build_date: profile.version.build_date,
        build_snapshot: false,
        lucene_version: profile.version.lucene_version,
        minimum_wire_compatibility_version: profile.version.minimum_wire_compatibility_version,
        minimum_index_compatibility_version: profile.version.minimum_index_compatibility_version,
      },
      tagline: 'You Know, for Search',
    },
  }));
  controller.register('HEAD', '/', () => () => ({ status: 200 }));
}

import type { RootInfoResponse } from '../../inference/api-types';
import type { BehaviourProfile } from '../../inference/profiles';
import type { RestController } from '../rest-controller';
import type { RestRequest } from '../rest-request';

export interface NodeIdentity {
  name: string;
  clusterName: string;
  clusterUuid: string;
}

/** `GET /` and `HEAD /`: the root information clients read the version from. */
export function registerRootRoutes(controller: RestController, profile: BehaviourProfile, node: NodeIdentity): void {
  const body: RootInfoResponse = {
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
  };
  controller.register('GET', '/', () => () => ({ status: 200, body }));
  controller.register('HEAD', '/', () => () => ({ status: 200 }));
}

export interface NodeAddress {
  host: string;
  port: number;
  maxContentLength: number;
}

/**
 * `GET /_nodes[/{node_id}[/{metric}]]` for the one node this server is. Kibana's
 * version check reads `nodes.*.version`, `nodes.*.ip` and `nodes.*.http.publish_address`.
 */
export function registerNodesRoutes(
  controller: RestController,
  profile: BehaviourProfile,
  node: NodeIdentity,
  address: () => NodeAddress,
): void {
  const nodeId = node.clusterUuid.slice(0, 22);
  const handler = (request: RestRequest) => {
    request.param('timeout');
    request.param('flat_settings');
    const metrics = (request.pathParams.metric ?? request.pathParams.node_id_or_metric ?? '_all').split(',');
    const withHttp = metrics.includes('_all') || metrics.includes('http');
    return () => {
      const { host, port, maxContentLength } = address();
      const info: Record<string, unknown> = {
        name: node.name,
        transport_address: `${host}:9300`,
        host,
        ip: host,
        version: profile.version.number,
        build_flavor: 'default',
        build_type: 'tar',
        build_hash: profile.version.build_hash,
        roles: ['data', 'ingest', 'master', 'ml', 'remote_cluster_client', 'transform'],
        attributes: {},
      };
      if (withHttp)
        info.http = {
          bound_address: [`${host}:${port}`],
          publish_address: `${host}:${port}`,
          max_content_length_in_bytes: maxContentLength,
        };
      return {
        status: 200,
        body: { _nodes: { total: 1, successful: 1, failed: 0 }, cluster_name: node.clusterName, nodes: { [nodeId]: info } },
      };
    };
  };
  for (const path of ['/_nodes', '/_nodes/{node_id_or_metric}', '/_nodes/{node_id}/{metric}']) {
    controller.register('GET', path, handler, ['timeout', 'flat_settings']);
  }
}

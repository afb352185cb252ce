import * as http from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { EsVersion, GLOBAL_QUERY_PARAMETERS, PROFILES } from '../../inference/profiles';
import { createHttpApp } from '../app';
import { RestController } from '../rest-controller';
import { ClusterHealthStatus, registerClusterRoutes } from './cluster-routes';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const NODE = { name: 'elser-mock', clusterName: 'elser-mock', clusterUuid: 'zk-HjQtYQGyL3NFSSu7InA' };

const HEALTH_815 =
  '{"cluster_name":"elser-mock","status":"green","timed_out":false,"number_of_nodes":1,"number_of_data_nodes":1,' +
  '"active_primary_shards":0,"active_shards":0,"relocating_shards":0,"initializing_shards":0,"unassigned_shards":0,' +
  '"delayed_unassigned_shards":0,"number_of_pending_tasks":0,"number_of_in_flight_fetch":0,' +
  '"task_max_waiting_in_queue_millis":0,"active_shards_percent_as_number":100.0}';

function errorBody(type: string, reason: string, causedBy?: { type: string; reason: string }) {
  const error: Record<string, unknown> = { root_cause: [{ type, reason }], type, reason };
  if (causedBy) error.caused_by = causedBy;
  return { error, status: 400 };
}

describe.each<EsVersion>(['8.15', '9.1'])('GET /_cluster/health, profile %s', (esVersion) => {
  let server: Server;
  let url: string;
  let status: ClusterHealthStatus;
  let looks = 0;

  beforeAll(async () => {
    const controller = new RestController(GLOBAL_QUERY_PARAMETERS);
    registerClusterRoutes(controller, PROFILES[esVersion], NODE, {
      status: () => {
        looks++;
        return status;
      },
      pollIntervalMs: 10,
    });
    server = createHttpApp({ controller, profile: PROFILES[esVersion], maxContentLength: 1024 * 1024 }).listen(0, '127.0.0.1');
    await new Promise<void>((resolve) => server.once('listening', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  beforeEach(() => {
    status = 'green';
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const expectedText = (overrides: { status?: string; timedOut?: boolean } = {}) => {
    let text = HEALTH_815.replace('"status":"green"', `"status":"${overrides.status ?? 'green'}"`);
    if (overrides.timedOut) text = text.replace('"timed_out":false', '"timed_out":true');
    // `unassigned_primary_shards` arrived in 8.16.
    if (esVersion === '9.1')
      text = text.replace('"delayed_unassigned_shards"', '"unassigned_primary_shards":0,"delayed_unassigned_shards"');
    return text;
  };

  it('answers with the keys in Elasticsearch order and a Java double percentage', async () => {
    const response = await request(url).get('/_cluster/health');
    expect(response.status).toBe(200);
    expect(response.headers['x-elastic-product']).toBe('Elasticsearch');
    expect(response.text).toBe(expectedText());
  });

  it('reports the status the server maps its state to', async () => {
    status = 'yellow';
    const response = await request(url).get('/_cluster/health');
    expect(response.text).toBe(expectedText({ status: 'yellow' }));
  });

  it('waits for the status asked for, then answers 200', async () => {
    status = 'yellow';
    setTimeout(() => (status = 'green'), 150);
    const started = Date.now();
    const response = await request(url).get('/_cluster/health?wait_for_status=green&timeout=5s');
    expect(Date.now() - started).toBeGreaterThanOrEqual(100);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ status: 'green', timed_out: false });
  });

  it('is satisfied at once by a better status than the one waited for', async () => {
    const response = await request(url).get('/_cluster/health?wait_for_status=YELLOW&timeout=0');
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ status: 'green', timed_out: false });
  });

  it('answers 408 with timed_out once the timeout has passed', async () => {
    status = 'yellow';
    const started = Date.now();
    const response = await request(url).get('/_cluster/health?wait_for_status=green&timeout=200ms');
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    expect(response.status).toBe(408);
    expect(response.text).toBe(expectedText({ status: 'yellow', timedOut: true }));
  });

  it('stops waiting when the client leaves, even without a timeout', async () => {
    status = 'red';
    const waiting = http.get(`${url}/_cluster/health?wait_for_status=green&timeout=-1`);
    waiting.on('error', () => undefined);
    const start = looks;
    while (looks < start + 3) await sleep(5);
    waiting.destroy();
    await sleep(50);
    const afterLeaving = looks;
    await sleep(150);
    expect(looks).toBe(afterLeaving);
  });

  it('answers 408 at once with timeout=0 when a condition does not hold', async () => {
    const response = await request(url).get('/_cluster/health?wait_for_nodes=2&timeout=0');
    expect(response.status).toBe(408);
    expect(response.body).toMatchObject({ status: 'green', timed_out: true, number_of_nodes: 1 });
  });

  it.each(['1', '>=1', 'ge(1)', '<=3', 'le(1)', '<2', 'lt(2)', '>0', 'gt(0)'])('holds wait_for_nodes=%s for one node', async (nodes) => {
    const response = await request(url).get(`/_cluster/health?wait_for_nodes=${encodeURIComponent(nodes)}&timeout=0`);
    expect(response.status).toBe(200);
  });

  it('accepts the parameters clients send', async () => {
    const query = [
      'timeout=1s',
      'master_timeout=30s',
      'local=true',
      'level=cluster',
      'wait_for_status=yellow',
      'wait_for_nodes=1',
      'wait_for_events=languid',
      'wait_for_no_relocating_shards=true',
      'wait_for_no_initializing_shards',
      'wait_for_active_shards=all',
      'expand_wildcards=open,hidden',
      'ignore_unavailable=false',
      'allow_no_indices=true',
      'ignore_throttled=false',
      'pretty=false',
    ].join('&');
    const response = await request(url).get(`/_cluster/health?${query}`);
    expect(response.status).toBe(200);
    expect(response.body.timed_out).toBe(false);
  });

  it('adds the human-readable fields with human and the indices with level=indices', async () => {
    const response = await request(url).get('/_cluster/health?human&level=INDICES');
    const keys = Object.keys(response.body);
    expect(keys.slice(keys.indexOf('number_of_in_flight_fetch'))).toEqual([
      'number_of_in_flight_fetch',
      'task_max_waiting_in_queue',
      'task_max_waiting_in_queue_millis',
      'active_shards_percent',
      'active_shards_percent_as_number',
      'indices',
    ]);
    expect(response.body).toMatchObject({ task_max_waiting_in_queue: '0s', active_shards_percent: '100.0%', indices: {} });
  });

  it('answers for any index as for no index', async () => {
    for (const index of ['_all', 'logs-*,.ml-*', 'my-index']) {
      const response = await request(url).get(`/_cluster/health/${index}?wait_for_status=green&timeout=1s`);
      expect({ index, status: response.status, text: response.text }).toEqual({ index, status: 200, text: expectedText() });
    }
  });

  it.each([
    [
      'wait_for_status=blue',
      errorBody('illegal_argument_exception', 'No enum constant org.elasticsearch.cluster.health.ClusterHealthStatus.BLUE'),
    ],
    ['wait_for_events=soon', errorBody('illegal_argument_exception', 'No enum constant org.elasticsearch.common.Priority.SOON')],
    [
      'level=nodes',
      errorBody('illegal_argument_exception', 'level parameter must be one of [cluster] or [indices] or [shards] but was [nodes]'),
    ],
    ['local=yes', errorBody('illegal_argument_exception', 'Failed to parse value [yes] only [true] or [false] are allowed.')],
    [
      'wait_for_relocating_shards=0',
      errorBody(
        'illegal_argument_exception',
        'wait_for_relocating_shards has been removed, use wait_for_no_relocating_shards [true/false] instead',
      ),
    ],
    [
      'wait_for_active_shards=some',
      errorBody('illegal_argument_exception', 'cannot parse ActiveShardCount[some]', {
        type: 'number_format_exception',
        reason: 'For input string: "some"',
      }),
    ],
    ['wait_for_active_shards=-1', errorBody('illegal_argument_exception', 'shard count cannot be a negative value')],
    ['wait_for_nodes=many', errorBody('number_format_exception', 'For input string: "many"')],
    [
      'timeout=soon',
      errorBody('parse_exception', 'failed to parse setting [timeout] with value [soon] as a time value: unit is missing or unrecognized'),
    ],
    ['foo=bar', errorBody('illegal_argument_exception', 'request [/_cluster/health] contains unrecognized parameter: [foo]')],
  ])('refuses %s', async (query, body) => {
    const response = await request(url).get(`/_cluster/health?${query}`);
    expect({ status: response.status, body: response.body }).toEqual({ status: 400, body });
  });

  it('has no HEAD route, as Elasticsearch registers GET only', async () => {
    const response = await request(url).head('/_cluster/health');
    expect(response.status).toBe(405);
    expect(response.headers.allow).toBe('GET');
  });
});

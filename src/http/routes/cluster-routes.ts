import { ElasticsearchException, illegalArgument } from '../../errors/elasticsearch-exception';
import type { BehaviourProfile } from '../../inference/profiles';
import { TimeValue } from '../../java/time-value';
import type { RestController } from '../rest-controller';
import type { RestRequest } from '../rest-request';
import type { NodeIdentity } from './root-routes';

/** `ClusterHealthStatus`, best first: waiting for a status is satisfied by any status at least as good. */
export const CLUSTER_HEALTH_STATUSES = ['green', 'yellow', 'red'] as const;
export type ClusterHealthStatus = (typeof CLUSTER_HEALTH_STATUSES)[number];

export interface ClusterHealthOptions {
  /** The cluster's status now. This node holds no index, so only this can make it other than green. */
  status: () => ClusterHealthStatus;
  /** How often a request waiting for a condition looks at the cluster again. */
  pollIntervalMs?: number;
}

const DEFAULT_TIMEOUT = TimeValue.parse('30s', 'timeout');
const DEFAULT_POLL_INTERVAL_MS = 100;
const PRIORITIES = ['IMMEDIATE', 'URGENT', 'HIGH', 'NORMAL', 'LOW', 'LANGUID'];
const LEVELS = ['cluster', 'indices', 'shards'];
const EXPAND_WILDCARDS = ['open', 'closed', 'hidden', 'none', 'all'];

const PARAMETERS = [
  'index',
  'expand_wildcards',
  'ignore_unavailable',
  'allow_no_indices',
  'ignore_throttled',
  'local',
  'master_timeout',
  'timeout',
  'wait_for_status',
  'wait_for_no_relocating_shards',
  'wait_for_no_initializing_shards',
  'wait_for_active_shards',
  'wait_for_nodes',
  'wait_for_events',
  'level',
];

/** `ClusterHealthRequest`, as `RestClusterHealthAction.fromRequest` builds it. */
interface ClusterHealthRequest {
  indices: string[];
  timeout: TimeValue;
  waitForStatus?: ClusterHealthStatus;
  waitForNoRelocatingShards: boolean;
  waitForNoInitializingShards: boolean;
  /** 0 is `ActiveShardCount.NONE`: no wait. */
  waitForActiveShards: number | 'all';
  waitForNodes: string;
  level: string;
  human: boolean;
}

/** The cluster as this node sees it: one node holding every role and no shard. */
interface ClusterHealth {
  status: ClusterHealthStatus;
  numberOfNodes: number;
  activeShards: number;
  relocatingShards: number;
  initializingShards: number;
  unassignedShards: number;
}

/** `GET /_cluster/health[/{index}]`: the cluster health API, waiting as `wait_for_*` and `timeout` say. */
export function registerClusterRoutes(
  controller: RestController,
  profile: BehaviourProfile,
  node: NodeIdentity,
  options: ClusterHealthOptions,
): void {
  const pollIntervalMs = options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
  // `unassigned_primary_shards` arrived in 8.16 (elastic/elasticsearch#112024).
  const [major, minor] = profile.version.number.split('.').map(Number);
  const withUnassignedPrimaries = major > 8 || (major === 8 && minor >= 16);

  const handler = (request: RestRequest) => {
    const healthRequest = fromRequest(request);
    return async () => {
      const { health, timedOut } = await awaitHealth(healthRequest, options.status, pollIntervalMs, request.signal);
      return {
        status: timedOut ? 408 : 200,
        rawJson: healthJson(node.clusterName, health, timedOut, healthRequest, withUnassignedPrimaries),
      };
    };
  };
  controller.register('GET', '/_cluster/health', handler, PARAMETERS);
  controller.register('GET', '/_cluster/health/{index}', handler, PARAMETERS);
}

function fromRequest(request: RestRequest): ClusterHealthRequest {
  // Path parameters share `RestRequest.params` with the query string, and win over it.
  const indexParam = request.param('index');
  const indices = splitByComma(request.pathParams.index ?? indexParam);
  checkIndicesOptions(request);
  request.paramAsBoolean('local', false);
  request.paramAsTime('master_timeout');
  const timeout = request.paramAsTime('timeout') ?? DEFAULT_TIMEOUT;
  const waitForStatus = request.param('wait_for_status');
  const healthRequest: ClusterHealthRequest = {
    indices,
    timeout,
    waitForStatus:
      waitForStatus === undefined ? undefined : enumValue(CLUSTER_HEALTH_STATUSES, waitForStatus, 'cluster.health.ClusterHealthStatus'),
    waitForNoRelocatingShards: request.paramAsBoolean('wait_for_no_relocating_shards', false),
    waitForNoInitializingShards: request.paramAsBoolean('wait_for_no_initializing_shards', false),
    waitForActiveShards: 0,
    waitForNodes: '',
    level: 'cluster',
    human: ['', 'true'].includes(request.param('human') ?? 'false'),
  };
  if (request.hasParam('wait_for_relocating_shards')) {
    throw illegalArgument('wait_for_relocating_shards has been removed, use wait_for_no_relocating_shards [true/false] instead');
  }
  const waitForActiveShards = request.param('wait_for_active_shards');
  if (waitForActiveShards !== undefined) healthRequest.waitForActiveShards = parseActiveShardCount(waitForActiveShards);
  healthRequest.waitForNodes = request.param('wait_for_nodes') ?? '';
  const waitForEvents = request.param('wait_for_events');
  // Pending cluster state tasks of any priority are processed at once on this node: nothing to wait for.
  if (waitForEvents !== undefined) enumValue(PRIORITIES, waitForEvents, 'common.Priority');
  const level = request.param('level') ?? 'cluster';
  if (!LEVELS.includes(level.toLowerCase())) {
    throw illegalArgument(`level parameter must be one of [cluster] or [indices] or [shards] but was [${level}]`);
  }
  healthRequest.level = level.toLowerCase();
  return healthRequest;
}

/** `IndicesOptions.fromRequest`: read and checked, though this node has no index to apply them to. */
function checkIndicesOptions(request: RestRequest): void {
  // UNCONFIRMED: the messages of `IndicesOptions.WildcardOptions.parseParameters` and `XContentMapValues.nodeBooleanValue`.
  const expandWildcards = request.param('expand_wildcards');
  for (const state of splitByComma(expandWildcards)) {
    if (!EXPAND_WILDCARDS.includes(state)) throw illegalArgument(`No valid expand wildcard value [${state}]`);
  }
  for (const name of ['ignore_unavailable', 'allow_no_indices', 'ignore_throttled']) {
    const value = request.param(name);
    if (value !== undefined && value !== 'true' && value !== 'false') throw illegalArgument(`Could not convert [${name}] to boolean`);
  }
}

/** Java's `Enum.valueOf` on the upper-cased value, as the REST handler parses enum parameters. */
function enumValue<T extends string>(values: readonly T[], value: string, enumClass: string): T {
  const constant = value.toUpperCase();
  const found = values.find((candidate) => candidate.toUpperCase() === constant);
  if (found === undefined) throw illegalArgument(`No enum constant org.elasticsearch.${enumClass}.${constant}`);
  return found;
}

/** `ActiveShardCount.parseString`. */
function parseActiveShardCount(value: string): number | 'all' {
  if (value === 'all') return 'all';
  const count = parseJavaInt(value);
  if (count === undefined) {
    throw new ElasticsearchException(400, 'illegal_argument_exception', `cannot parse ActiveShardCount[${value}]`, numberFormat(value));
  }
  if (count < 0) throw illegalArgument('shard count cannot be a negative value');
  return count;
}

/** `Integer.parseInt`. */
function parseJavaInt(value: string): number | undefined {
  if (!/^[+-]?\d+$/.test(value)) return undefined;
  const number = Number(value);
  return number >= -(2 ** 31) && number < 2 ** 31 ? number : undefined;
}

function numberFormat(value: string): { type: string; reason: string } {
  return { type: 'number_format_exception', reason: `For input string: "${value}"` };
}

/** `Strings.splitStringByCommaToArray`. */
function splitByComma(value: string | undefined): string[] {
  return value === undefined || value === '' ? [] : value.split(',').filter((part) => part.length > 0);
}

/**
 * `TransportClusterHealthAction`: answers once every requested condition holds, or when the
 * timeout has passed (`timed_out`, 408). A timeout of 0 answers with the state as it is.
 */
async function awaitHealth(
  request: ClusterHealthRequest,
  status: () => ClusterHealthStatus,
  pollIntervalMs: number,
  signal: AbortSignal,
): Promise<{ health: ClusterHealth; timedOut: boolean }> {
  const conditions = waitCount(request);
  // UNCONFIRMED: a timeout of -1 waits without limit, as elsewhere in Elasticsearch.
  const deadline = request.timeout.millis < 0 ? Infinity : Date.now() + request.timeout.millis;
  for (;;) {
    // A client that left has nobody waiting for the answer.
    signal.throwIfAborted();
    const health = currentHealth(status());
    const met = conditionsMet(request, health) === conditions;
    if (met || request.timeout.millis === 0 || Date.now() >= deadline) return { health, timedOut: !met };
    await sleep(Math.min(pollIntervalMs, deadline - Date.now()));
  }
}

function currentHealth(status: ClusterHealthStatus): ClusterHealth {
  return { status, numberOfNodes: 1, activeShards: 0, relocatingShards: 0, initializingShards: 0, unassignedShards: 0 };
}

function waitCount(request: ClusterHealthRequest): number {
  return [
    request.waitForStatus !== undefined,
    request.waitForNoRelocatingShards,
    request.waitForNoInitializingShards,
    request.waitForActiveShards !== 0,
    request.waitForNodes !== '',
    request.indices.length > 0,
  ].filter(Boolean).length;
}

/** `TransportClusterHealthAction.prepareResponse`: how many of the conditions hold. */
function conditionsMet(request: ClusterHealthRequest, health: ClusterHealth): number {
  let met = 0;
  const rank = (status: ClusterHealthStatus) => CLUSTER_HEALTH_STATUSES.indexOf(status);
  if (request.waitForStatus !== undefined && rank(health.status) <= rank(request.waitForStatus)) met++;
  if (request.waitForNoRelocatingShards && health.relocatingShards === 0) met++;
  if (request.waitForNoInitializingShards && health.initializingShards === 0) met++;
  if (request.waitForActiveShards === 'all') {
    if (health.unassignedShards === 0 && health.initializingShards === 0) met++;
  } else if (request.waitForActiveShards !== 0 && health.activeShards >= request.waitForActiveShards) {
    met++;
  }
  // The mock holds no index, and answers every index expression as one resolving to none (as `_all` and
  // wildcards do), not as Elasticsearch answers a missing index: `red`, after waiting for the whole timeout.
  if (request.indices.length > 0) met++;
  if (request.waitForNodes !== '' && nodesConditionHolds(request.waitForNodes, health.numberOfNodes)) met++;
  return met;
}

/** `wait_for_nodes`: `N`, `>=N`, `<=N`, `>N`, `<N` or `ge(N)`, `le(N)`, `gt(N)`, `lt(N)`. */
function nodesConditionHolds(expression: string, nodes: number): boolean {
  const comparisons: [string, string, (expected: number) => boolean][] = [
    ['>=', '', (expected) => nodes >= expected],
    ['ge(', ')', (expected) => nodes >= expected],
    ['<=', '', (expected) => nodes <= expected],
    ['le(', ')', (expected) => nodes <= expected],
    ['>', '', (expected) => nodes > expected],
    ['gt(', ')', (expected) => nodes > expected],
    ['<', '', (expected) => nodes < expected],
    ['lt(', ')', (expected) => nodes < expected],
  ];
  for (const [prefix, suffix, holds] of comparisons) {
    if (expression.startsWith(prefix)) return holds(parseNodeCount(expression.slice(prefix.length, expression.length - suffix.length)));
  }
  return nodes === parseNodeCount(expression);
}

function parseNodeCount(value: string): number {
  const count = parseJavaInt(value);
  // UNCONFIRMED: the transport action's NumberFormatException reaches the client as a 400 of its own type.
  if (count === undefined) throw new ElasticsearchException(400, 'number_format_exception', numberFormat(value).reason);
  return count;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

/** `ClusterHealthResponse.toXContent`; written by hand so that the percentage keeps Java's `100.0`. */
function healthJson(
  clusterName: string,
  health: ClusterHealth,
  timedOut: boolean,
  request: ClusterHealthRequest,
  withUnassignedPrimaries: boolean,
): string {
  const activeShardsPercent = 100;
  const fields: [string, string][] = [
    ['cluster_name', JSON.stringify(clusterName)],
    ['status', JSON.stringify(health.status)],
    ['timed_out', String(timedOut)],
    ['number_of_nodes', String(health.numberOfNodes)],
    ['number_of_data_nodes', String(health.numberOfNodes)],
    ['active_primary_shards', String(health.activeShards)],
    ['active_shards', String(health.activeShards)],
    ['relocating_shards', String(health.relocatingShards)],
    ['initializing_shards', String(health.initializingShards)],
    ['unassigned_shards', String(health.unassignedShards)],
    ...(withUnassignedPrimaries ? [['unassigned_primary_shards', '0'] as [string, string]] : []),
    ['delayed_unassigned_shards', '0'],
    ['number_of_pending_tasks', '0'],
    ['number_of_in_flight_fetch', '0'],
    ...(request.human ? [['task_max_waiting_in_queue', '"0s"'] as [string, string]] : []),
    ['task_max_waiting_in_queue_millis', '0'],
    ...(request.human ? [['active_shards_percent', `"${activeShardsPercent.toFixed(1)}%"`] as [string, string]] : []),
    ['active_shards_percent_as_number', javaDouble(activeShardsPercent)],
    ...(request.level === 'cluster' ? [] : [['indices', '{}'] as [string, string]]),
  ];
  return `{${fields.map(([name, value]) => `"${name}":${value}`).join(',')}}`;
}

/** `Double.toString` for the values written here. */
function javaDouble(value: number): string {
  return Number.isInteger(value) ? value.toFixed(1) : String(value);
}

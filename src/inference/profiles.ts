import { TimeValue } from '../java/time-value';
import type { TaskType } from './task-type';

export type EsVersion = '8.15' | '9.1';
export const ES_VERSIONS: readonly EsVersion[] = ['8.15', '9.1'];

/**
 * Everything that differs between the Elasticsearch versions elser-mock
 * emulates, kept as data so that handlers stay version-agnostic.
 */
export interface BehaviourProfile {
  esVersion: EsVersion;
  version: {
    number: string;
    build_hash: string;
    build_date: string;
    lucene_version: string;
    minimum_wire_compatibility_version: string;
    minimum_index_compatibility_version: string;
  };
  taskTypes: readonly TaskType[];
  /** Service names accepted by PUT. */
  services: readonly string[];
  /** The service name an endpoint is stored and shown under. */
  storedServiceName(requested: string): string;
  /** 8.15 checks `task_settings` and names the requested service in unknown-settings errors; 8.16+ names `elasticsearch`. */
  legacyElserService: boolean;
  /** 8.16+ echoes the default `model_id` it filled in; 8.15's documented response does not. */
  echoesDefaultModelId: boolean;
  /** `"task_settings": {}` in responses (omitted from 8.16 on). */
  emptyTaskSettingsInResponse: boolean;
  chunkingSettings: boolean;
  /** Smallest accepted `min_number_of_allocations` (scale to zero arrived in 8.16). */
  minAllocationsFloor: 0 | 1;
  /**
   * The 8.15 ELSER page's adaptive-allocations example omits `num_threads` and is
   * documented as succeeding; the 8.15 profile honours the page and uses 1.
   */
  defaultNumThreadsWithAdaptiveAllocations?: number;
  deprecationWarnings: boolean;
  updateApi: boolean;
  /** DELETE responses carry `indexes` (8.16+). */
  deleteResponseIndexes: boolean;
  /** Query parameters each operation accepts besides the global ones. */
  queryParameters: Record<'put' | 'get' | 'delete' | 'inference' | 'update', readonly string[]>;
  defaultEndpointIds: readonly string[];
  deploymentTimeoutMessage(timeout: TimeValue, deploymentId: string): string;
  /**
   * Idle time after which adaptive allocations with a minimum of 0 scale to zero;
   * undefined before scale to zero existed (8.16).
   */
  scaleToZeroAfter?: TimeValue;
  /** GET shows the running deployment's allocations as `num_allocations` (8.16+; UNCONFIRMED exact version). */
  liveNumAllocations: boolean;
  /**
   * The inference request parses `top_n` and `return_documents` and rejects them outside rerank, and
   * rejects an empty rerank `query` (8.18+ in the source; UNCONFIRMED exact version, taken as 9.1 only).
   */
  rerankRequestFields: boolean;
  /**
   * A request whose path has no task type goes through `InferenceActionProxy` (8.18+), which looks the
   * endpoint up before it parses and validates the body; with a task type the body comes first.
   */
  looksUpEndpointWithoutTaskType: boolean;
  /** `service_settings.deployment_id` attaches a new endpoint to an existing deployment (8.16+). */
  attachesToDeployments: boolean;
}

const PROFILE_8_15: BehaviourProfile = {
  esVersion: '8.15',
  version: {
    number: '8.15.5',
    build_hash: '0000000000000000000000000000000000000000',
    build_date: '2024-11-26T13:38:31.770230549Z',
    lucene_version: '9.11.1',
    minimum_wire_compatibility_version: '7.17.0',
    minimum_index_compatibility_version: '7.0.0',
  },
  taskTypes: ['text_embedding', 'sparse_embedding', 'rerank', 'completion', 'any'],
  services: ['elser', 'elasticsearch'],
  storedServiceName: (requested) => requested,
  legacyElserService: true,
  echoesDefaultModelId: false,
  emptyTaskSettingsInResponse: true,
  chunkingSettings: false,
  minAllocationsFloor: 1,
  defaultNumThreadsWithAdaptiveAllocations: 1,
  deprecationWarnings: false,
  updateApi: false,
  deleteResponseIndexes: false,
  // UNCONFIRMED: `timeout` on perform-inference predates its JSON spec entry; 8.15 is assumed to accept it.
  queryParameters: { put: [], get: [], delete: ['dry_run', 'force'], inference: ['timeout'], update: [] },
  defaultEndpointIds: [],
  liveNumAllocations: false,
  rerankRequestFields: false,
  looksUpEndpointWithoutTaskType: false,
  attachesToDeployments: false,
  deploymentTimeoutMessage: (timeout) =>
    `Timed out after [${timeout}] waiting for model deployment to start. Use the trained model stats API to track the state of the deployment.`,
};

const PROFILE_9_1: BehaviourProfile = {
  esVersion: '9.1',
  version: {
    number: '9.1.0',
    build_hash: '0000000000000000000000000000000000000000',
    build_date: '2025-07-09T22:10:13.578182715Z',
    lucene_version: '10.2.2',
    minimum_wire_compatibility_version: '8.19.0',
    minimum_index_compatibility_version: '8.0.0',
  },
  taskTypes: ['text_embedding', 'sparse_embedding', 'rerank', 'completion', 'any', 'chat_completion'],
  services: ['elser', 'elasticsearch'],
  storedServiceName: () => 'elasticsearch',
  legacyElserService: false,
  echoesDefaultModelId: true,
  emptyTaskSettingsInResponse: false,
  chunkingSettings: true,
  minAllocationsFloor: 0,
  deprecationWarnings: true,
  updateApi: true,
  deleteResponseIndexes: true,
  queryParameters: { put: ['timeout'], get: [], delete: ['dry_run', 'force'], inference: ['timeout'], update: [] },
  defaultEndpointIds: ['.elser-2-elasticsearch'],
  liveNumAllocations: true,
  rerankRequestFields: true,
  looksUpEndpointWithoutTaskType: true,
  attachesToDeployments: true,
  // Configurable from 9.1 on (scale_to_zero_time) with a 24 h default.
  scaleToZeroAfter: TimeValue.parse('24h', 'scale_to_zero_time'),
  deploymentTimeoutMessage: (timeout, deploymentId) =>
    `Timed out after [${timeout}] waiting for trained model deployment [${deploymentId}] to start. Use the trained model stats API to track the state of the deployment and try again once it has started.`,
};

export const PROFILES: Record<EsVersion, BehaviourProfile> = { '8.15': PROFILE_8_15, '9.1': PROFILE_9_1 };

/** Parameters every Elasticsearch REST handler accepts. */
export const GLOBAL_QUERY_PARAMETERS = ['pretty', 'human', 'error_trace', 'filter_path'] as const;

export const DEFAULT_DEPLOYMENT_TIMEOUT = TimeValue.ofMillis(30_000);

import type { TaskType } from './task-type';

export interface AdaptiveAllocations {
  enabled: boolean;
  min_number_of_allocations?: number;
  max_number_of_allocations?: number;
}

export interface ServiceSettings {
  num_allocations?: number;
  num_threads: number;
  /** The trained model this endpoint deploys; always known once parsed. */
  model_id: string;
  /** Whether the request named `model_id` itself (8.15 echoes it only then). */
  model_id_given: boolean;
  adaptive_allocations?: AdaptiveAllocations;
  /** Set when the endpoint uses another endpoint's deployment instead of starting its own. */
  deployment_id?: string;
}

export type ChunkingSettings =
  { strategy: 'sentence'; max_chunk_size: number; sentence_overlap: 0 | 1 } | { strategy: 'word'; max_chunk_size: number; overlap: number };

/** An inference endpoint as the registry stores it. */
export interface InferenceEndpoint {
  inference_id: string;
  task_type: TaskType;
  /** The service name the endpoint is stored under (`elser` or `elasticsearch`). */
  service: string;
  service_settings: ServiceSettings;
  chunking_settings?: ChunkingSettings;
}

/** Whether the endpoint uses another endpoint's deployment (`service_settings.deployment_id`) instead of its own. */
export const isAttached = (endpoint: InferenceEndpoint): boolean => endpoint.service_settings.deployment_id !== undefined;

/** The deployment an endpoint runs on: its own (named after it) or the one it attached to. */
export const deploymentIdOf = (endpoint: InferenceEndpoint): string => endpoint.service_settings.deployment_id ?? endpoint.inference_id;

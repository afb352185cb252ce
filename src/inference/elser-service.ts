import { badRequest, illegalArgument, statusException, ValidationErrors, validationException } from '../errors/elasticsearch-exception';
import { isJavaMap, JavaMap } from '../java/values';
import { removeAdaptiveAllocations } from './adaptive-allocations';
import { parseChunkingSettings } from './chunking-settings';
import type { DeploymentDescription } from './deployments';
import type { ChunkingSettings, InferenceEndpoint, ServiceSettings } from './endpoint';
import type { BehaviourProfile } from './profiles';
import {
  castString,
  extractOptionalPositiveInteger,
  extractOptionalString,
  extractRequiredPositiveInteger,
  removeMap,
  removeMapOrThrowIfNull,
  throwIfNotEmpty,
} from './settings-map';
import { TaskType, unsupportedTaskTypeMessage } from './task-type';

export const ELSER_V1_MODEL = '.elser_model_1';
export const ELSER_V2_MODEL = '.elser_model_2';
export const ELSER_V2_MODEL_LINUX_X86 = '.elser_model_2_linux-x86_64';
export const ELSER_MODEL_IDS = [ELSER_V1_MODEL, ELSER_V2_MODEL, ELSER_V2_MODEL_LINUX_X86] as const;

/** `ElasticsearchInternalService.supportedTaskTypes()`; others are stored, then fail to start. */
const ELASTICSEARCH_SERVICE_TASK_TYPES: readonly TaskType[] = ['rerank', 'sparse_embedding', 'text_embedding'];

/** Whether the service can run an endpoint of this task type at all. */
export const serviceRunsTaskType = (taskType: TaskType): boolean => ELASTICSEARCH_SERVICE_TASK_TYPES.includes(taskType);

/** The ELSER variant Elasticsearch picks for its ML nodes' platform. */
export function platformElserModelId(platform = process.platform, arch = process.arch): string {
  return platform === 'linux' && arch === 'x64' ? ELSER_V2_MODEL_LINUX_X86 : ELSER_V2_MODEL;
}

export interface ParsedEndpoint {
  endpoint: InferenceEndpoint;
  /** Deprecation warnings, sent as `Warning` headers where the profile does. */
  warnings: string[];
}

export interface ParseContext {
  inferenceId: string;
  taskType: TaskType;
  requestedService: string;
  profile: BehaviourProfile;
  defaultModelId: string;
  /** Collects deprecation warnings as they are raised, so that an error after them still carries them. */
  warnings: string[];
  /** The deployment stats of `deployment_id`, for an endpoint that attaches to an existing deployment. */
  describeDeployment(deploymentId: string): DeploymentDescription | undefined;
}

const SCOPE = 'service_settings';

/** `ElasticsearchInternalServiceSettings.fromMap`, collecting every field error before failing. */
function parseServiceSettings(
  map: JavaMap,
  profile: BehaviourProfile,
): Omit<ServiceSettings, 'model_id' | 'model_id_given'> & { model_id?: string } {
  const errors = new ValidationErrors();
  if (
    profile.defaultNumThreadsWithAdaptiveAllocations !== undefined &&
    !map.has('num_threads') &&
    isJavaMap(map.get('adaptive_allocations'))
  ) {
    map.set('num_threads', profile.defaultNumThreadsWithAdaptiveAllocations);
  }
  const numAllocations = extractOptionalPositiveInteger(map, 'num_allocations', SCOPE, errors);
  const numThreads = extractRequiredPositiveInteger(map, 'num_threads', SCOPE, errors);
  const adaptive = removeAdaptiveAllocations(map, 'adaptive_allocations', profile.minAllocationsFloor, errors);
  const modelId = extractOptionalString(map, 'model_id', SCOPE, errors);
  // A non-null deployment_id took the attach path before; a null one is read and dropped (8.16+).
  if (profile.attachesToDeployments) extractOptionalString(map, 'deployment_id', SCOPE, errors);
  if (numAllocations === undefined && adaptive === undefined) {
    errors.add(`[${SCOPE}] does not contain one of the required settings [num_allocations, adaptive_allocations]`);
  }
  if (modelId !== undefined && profile.legacyElserService && !(ELSER_MODEL_IDS as readonly string[]).includes(modelId)) {
    // UNCONFIRMED: Java prints an unordered Set here; the declaration order is used.
    throw validationException([`Unknown ELSER model ID [${modelId}]. Valid models are [${ELSER_MODEL_IDS.join(', ')}]`]);
  }
  errors.throwIfAny();
  const settings: Omit<ServiceSettings, 'model_id' | 'model_id_given'> & { model_id?: string } = { num_threads: numThreads as number };
  if (numAllocations !== undefined) settings.num_allocations = numAllocations;
  if (modelId !== undefined) settings.model_id = modelId;
  if (adaptive !== undefined) settings.adaptive_allocations = adaptive;
  return settings;
}

function endpointOf(
  context: ParseContext,
  settings: ReturnType<typeof parseServiceSettings>,
  modelId: string,
  chunking?: InferenceEndpoint['chunking_settings'],
): InferenceEndpoint {
  const { num_allocations, num_threads, adaptive_allocations } = settings;
  const serviceSettings: ServiceSettings = { num_threads, model_id: modelId, model_id_given: settings.model_id !== undefined };
  if (num_allocations !== undefined) serviceSettings.num_allocations = num_allocations;
  if (adaptive_allocations !== undefined) serviceSettings.adaptive_allocations = adaptive_allocations;
  return endpointWith(context, serviceSettings, chunking);
}

function endpointWith(context: ParseContext, serviceSettings: ServiceSettings, chunking?: ChunkingSettings): InferenceEndpoint {
  const endpoint: InferenceEndpoint = {
    inference_id: context.inferenceId,
    task_type: context.taskType,
    service: context.profile.storedServiceName(context.requestedService),
    service_settings: serviceSettings,
  };
  if (chunking) endpoint.chunking_settings = chunking;
  return endpoint;
}

/** `ElserInternalService.parseRequestConfig` as of 8.15. */
function parseLegacyElser(context: ParseContext, config: JavaMap): ParsedEndpoint {
  const serviceName = context.requestedService;
  const serviceSettingsMap = removeMapOrThrowIfNull(config, 'service_settings');
  const settings = parseServiceSettings(serviceSettingsMap, context.profile);
  const taskSettingsMap = config.has('task_settings') ? removeMapOrThrowIfNull(config, 'task_settings') : undefined;
  if (context.taskType !== 'sparse_embedding') {
    throw badRequest(unsupportedTaskTypeMessage(context.taskType, serviceName));
  }
  throwIfNotEmpty(config, serviceName);
  throwIfNotEmpty(serviceSettingsMap, serviceName);
  throwIfNotEmpty(taskSettingsMap, serviceName);
  return { endpoint: endpointOf(context, settings, settings.model_id ?? context.defaultModelId), warnings: context.warnings };
}

/** `ElasticsearchInternalService.parseRequestConfig` (8.16+), which also serves the deprecated `elser` service. */
function parseElasticsearchService(context: ParseContext, config: JavaMap): ParsedEndpoint {
  const serviceSettingsMap = removeMapOrThrowIfNull(config, 'service_settings');
  removeMap(config, 'task_settings');
  const chunking =
    context.profile.chunkingSettings && (context.taskType === 'text_embedding' || context.taskType === 'sparse_embedding')
      ? parseChunkingSettings(removeMap(config, 'chunking_settings'))
      : undefined;
  throwIfNotEmpty(config, 'elasticsearch');

  const modelId = castString(serviceSettingsMap.get('model_id'));
  const deploymentId = castString(serviceSettingsMap.get('deployment_id'));
  if (deploymentId !== undefined && context.profile.attachesToDeployments) {
    return { endpoint: attachedEndpoint(context, deploymentId, modelId, chunking), warnings: context.warnings };
  }
  const warnings = context.warnings;
  const isElserService = context.requestedService === 'elser';
  if (modelId === undefined) {
    if (!isElserService) throw illegalArgument('Error parsing service settings, model_id must be provided');
    warnings.push(
      'Putting elasticsearch service inference endpoints (including elser service) without a model_id field is deprecated and will be removed in a future release. Please specify a model_id field.',
    );
  } else if (!(ELSER_MODEL_IDS as readonly string[]).includes(modelId)) {
    // elser-mock deploys ELSER only: any other model is answered as an Eland model absent from the cluster.
    throw illegalArgument(
      `Error parsing request config, model id does not match any models available on this platform. Was [${modelId}]. You may need to load it into the cluster using eland.`,
    );
  }

  const settings = parseServiceSettings(serviceSettingsMap, context.profile);
  const defaultModelId = context.defaultModelId;
  if (settings.model_id !== undefined && settings.model_id !== defaultModelId && settings.model_id !== ELSER_V2_MODEL) {
    throw illegalArgument(
      `Error parsing request config, model id does not match any models available on this platform. Was [${settings.model_id}]. You may need to use a platform agnostic model.`,
    );
  }
  if (isElserService) {
    warnings.push(
      `The [elser] service is deprecated and will be removed in a future release. Use the [elasticsearch] service instead, with [model_id] set to [${defaultModelId}] in the [service_settings]`,
    );
  }
  throwIfNotEmpty(config, 'elasticsearch');
  throwIfNotEmpty(serviceSettingsMap, 'elasticsearch');
  return { endpoint: endpointOf(context, settings, settings.model_id ?? defaultModelId, chunking), warnings };
}

/**
 * `ElasticsearchInternalService.validateAgainstDeployment`: an endpoint on an existing deployment takes
 * its model, threads and allocations from the deployment, whatever else `service_settings` says.
 */
function attachedEndpoint(
  context: ParseContext,
  deploymentId: string,
  modelId: string | undefined,
  chunking?: ChunkingSettings,
): InferenceEndpoint {
  const deployment = context.describeDeployment(deploymentId);
  // The deployment named after this very id can only be one whose endpoint is being deleted.
  if (!deployment || deploymentId === context.inferenceId) throw statusException(404, `Cannot find deployment [${deploymentId}]`);
  if (modelId !== undefined && modelId !== deployment.modelId) {
    throw badRequest(
      `Deployment [${deploymentId}] uses model [${deployment.modelId}] which does not match the model [${modelId}] in the request.`,
    );
  }
  // Every deployment here runs ELSER, whose inference config is text_expansion.
  if (context.taskType !== 'sparse_embedding') {
    throw badRequest(
      `Deployed model [${deployment.modelId}] with type [text_expansion] does not match the requested task type [${context.taskType}]`,
    );
  }
  const serviceSettings: ServiceSettings = {
    num_allocations: deployment.numberOfAllocations,
    num_threads: deployment.threadsPerAllocation,
    model_id: deployment.modelId,
    model_id_given: true,
    deployment_id: deploymentId,
  };
  if (deployment.adaptiveAllocations !== undefined) serviceSettings.adaptive_allocations = { ...deployment.adaptiveAllocations };
  return endpointWith(context, serviceSettings, chunking);
}

/** Parses a create request body (with `service` and `task_type` already removed) into an endpoint. */
export function parseEndpointConfig(context: ParseContext, config: JavaMap): ParsedEndpoint {
  if (context.profile.legacyElserService && context.requestedService === 'elser') return parseLegacyElser(context, config);
  return parseElasticsearchService(context, config);
}

import {
  actionRequestValidation,
  ValidationErrors,
  badRequest,
  ElasticsearchException,
  parseException,
  resourceNotFound,
  statusException,
} from '../errors/elasticsearch-exception';
import { JsonSyntaxError, ParsedJson, readJson } from '../java/json-reader';
import { TimeValue } from '../java/time-value';
import { isJavaMap, JavaMap, javaToString, JavaValue } from '../java/values';
import type { DeleteInferenceResponse, ElserServiceSettingsInfo, GetInferenceResponse, InferenceEndpointInfo } from './api-types';
import { removeAdaptiveAllocations } from './adaptive-allocations';
import { DEFAULT_CHUNKING_SETTINGS } from './chunking-settings';
import { TrainedModelDeployments } from './deployments';
import { parseEndpointConfig, serviceRunsTaskType } from './elser-service';
import { deploymentIdOf, InferenceEndpoint, isAttached } from './endpoint';
import { EndpointRegistry } from './endpoint-registry';
import { isAllOrWildcard, validateInferenceIdForCreate } from './inference-id';
import type { BehaviourProfile } from './profiles';
import { castString } from './settings-map';
import { sparseEmbeddingResponseJson } from './sparse-embedding';
import { isAnyOrSame, parseTaskType, TaskType, unsupportedTaskTypeMessage } from './task-type';

/** What a REST action answers: a JSON-able body, or JSON text already written. */
export interface ActionResult {
  status: number;
  body?: unknown;
  rawJson?: string;
  warnings?: string[];
}

export interface InferenceApiOptions {
  profile: BehaviourProfile;
  registry: EndpointRegistry;
  deployments: TrainedModelDeployments;
  /** The ELSER variant this node's platform gets by default. */
  defaultModelId: string;
  /** How long create and inference wait for a deployment when the request sets no timeout. */
  deploymentTimeout: TimeValue;
  /** Each deployment's `queue_capacity`. */
  queueCapacity?: number;
}

const notFound = (id: string) => resourceNotFound(`Inference endpoint not found [${id}]`);

/** Parses a request body into a map as `XContentHelper.convertToMap` does for the create API. */
function bodyAsMap(body: string | undefined): JavaMap {
  let parsed: ParsedJson;
  try {
    parsed = readJson(requireBody(body));
  } catch (error) {
    if (error instanceof JsonSyntaxError) {
      // UNCONFIRMED: malformed create bodies are reported as the map conversion's parse failure.
      throw parseException('Failed to parse content to map', { type: 'json_parse_exception', reason: error.message });
    }
    throw error;
  }
  if (!isJavaMap(parsed.value)) {
    throw parseException('Failed to parse content to map', {
      type: 'x_content_parse_exception',
      reason: `[${parsed.rootLocation.line}:${parsed.rootLocation.column}] Failed to parse object: expecting token of type [START_OBJECT] but found [${tokenName(parsed.value)}]`,
    });
  }
  return parsed.value;
}

function tokenName(value: JavaValue): string {
  if (Array.isArray(value)) return 'START_ARRAY';
  if (typeof value === 'string') return 'VALUE_STRING';
  if (typeof value === 'boolean') return 'VALUE_BOOLEAN';
  if (value === null) return 'VALUE_NULL';
  return 'VALUE_NUMBER';
}

function requireBody(body: string | undefined): string {
  if (body === undefined || body.length === 0) throw parseException('request body is required');
  return body;
}

/**
 * The inference API's actions, independent of HTTP: each takes the parsed path
 * and query and the raw body, and answers as Elasticsearch's transport actions do.
 */
export class InferenceApi {
  constructor(private readonly options: InferenceApiOptions) {}

  private get profile(): BehaviourProfile {
    return this.options.profile;
  }

  parseTaskType(text: string): TaskType {
    return parseTaskType(text, this.profile.taskTypes);
  }

  /** `PUT /_inference/{task_type}/{inference_id}` and `PUT /_inference/{inference_id}`. */
  async put(pathTaskType: TaskType, inferenceId: string, body: string | undefined, timeout: TimeValue | undefined): Promise<ActionResult> {
    requireBody(body);
    validateInferenceIdForCreate(inferenceId);
    const config = bodyAsMap(body);

    const service = castString(config.get('service'));
    config.delete('service');
    if (service === undefined) throw badRequest('Inference endpoint configuration is missing the [service] setting');
    if (!this.profile.services.includes(service)) throw badRequest(`Unknown service [${service}]`);
    const taskType = this.resolveTaskType(pathTaskType, config);

    const collected: string[] = [];
    const warnings = () => (this.profile.deprecationWarnings ? collected : []);
    try {
      const { endpoint } = parseEndpointConfig(
        {
          inferenceId,
          taskType,
          requestedService: service,
          profile: this.profile,
          defaultModelId: this.options.defaultModelId,
          warnings: collected,
          describeDeployment: (deploymentId) => this.options.deployments.describe(deploymentId),
        },
        config,
      );
      if (this.isDefaultEndpointId(inferenceId)) {
        throw badRequest(`[${inferenceId}] is a reserved inference ID. Cannot create a new inference endpoint with a reserved ID.`);
      }
      await this.options.registry.create(endpoint);
      // An endpoint on an existing deployment has nothing to start.
      if (!isAttached(endpoint)) {
        await this.startDeployment(endpoint, timeout ?? this.options.deploymentTimeout);
      }
      return { status: 200, body: this.endpointInfo(endpoint), warnings: warnings() };
    } catch (error) {
      // Elasticsearch sends the request's deprecation warnings with its error responses too.
      if (error instanceof ElasticsearchException) throw error.withWarnings(warnings());
      throw error;
    }
  }

  /** `ServiceUtils.resolveTaskType`: the path and body task types must agree. */
  private resolveTaskType(pathTaskType: TaskType, config: JavaMap): TaskType {
    const bodyTaskType = castString(config.get('task_type'));
    config.delete('task_type');
    if (bodyTaskType === undefined) {
      if (pathTaskType === 'any') throw badRequest('model is missing required setting [task_type]');
      return pathTaskType;
    }
    const parsed = this.parseTaskType(bodyTaskType);
    if (parsed === 'any') throw badRequest('task_type [any] is not valid type for inference');
    if (!isAnyOrSame(parsed, pathTaskType)) {
      throw badRequest(
        `Cannot resolve conflicting task_type parameter in the request URL [${pathTaskType}] and the request body [${bodyTaskType}]`,
      );
    }
    return parsed;
  }

  private async startDeployment(endpoint: InferenceEndpoint, timeout: TimeValue): Promise<void> {
    if (!serviceRunsTaskType(endpoint.task_type)) {
      // `BaseElasticsearchInternalService.start`: the endpoint is already stored when this fails.
      throw new ElasticsearchException(500, 'illegal_state_exception', unsupportedTaskTypeMessage(endpoint.task_type, 'elasticsearch'));
    }
    const settings = endpoint.service_settings;
    await this.options.deployments.start({
      deploymentId: endpoint.inference_id,
      modelId: settings.model_id,
      numberOfAllocations: settings.num_allocations,
      threadsPerAllocation: settings.num_threads,
      adaptiveAllocations: settings.adaptive_allocations,
      timeout,
      queueCapacity: this.options.queueCapacity,
    });
  }

  /**
   * Starts the deployments of stored endpoints after a restart, as Elasticsearch
   * restores its assignments; resolves with the ids whose deployment could not start.
   */
  async restoreDeployments(): Promise<{ inferenceId: string; error: unknown }[]> {
    const endpoints = this.options.registry.list().filter((endpoint) => !isAttached(endpoint) && serviceRunsTaskType(endpoint.task_type));
    const outcomes = await Promise.allSettled(
      endpoints.map((endpoint) => this.startDeployment(endpoint, TimeValue.parse('-1', 'timeout'))),
    );
    return outcomes.flatMap((outcome, i) =>
      outcome.status === 'rejected' ? [{ inferenceId: endpoints[i].inference_id, error: outcome.reason }] : [],
    );
  }

  /** `GET /_inference[/{task_type}][/{inference_id}]`. */
  get(taskType: TaskType, inferenceId: string | undefined): ActionResult {
    if (isAllOrWildcard(inferenceId)) {
      const endpoints = this.allEndpoints().filter((endpoint) => taskType === 'any' || endpoint.task_type === taskType);
      const body: GetInferenceResponse = { endpoints: endpoints.map((endpoint) => this.endpointInfo(endpoint, true)) };
      return { status: 200, body };
    }
    const endpoint = this.findEndpoint(inferenceId as string);
    if (!endpoint) throw notFound(inferenceId as string);
    this.checkRequestedTaskType(taskType, endpoint);
    const body: GetInferenceResponse = { endpoints: [this.endpointInfo(endpoint, true)] };
    return { status: 200, body };
  }

  /** `DELETE /_inference[/{task_type}]/{inference_id}`. */
  async delete(taskType: TaskType, inferenceId: string, dryRun: boolean, force: boolean): Promise<ActionResult> {
    const endpoint = this.findEndpoint(inferenceId);
    if (!endpoint) throw notFound(inferenceId);
    this.checkRequestedTaskType(taskType, endpoint);
    const answer = (acknowledged: boolean): ActionResult => {
      const body: DeleteInferenceResponse = { acknowledged, pipelines: [] };
      if (this.profile.deleteResponseIndexes) body.indexes = [];
      // Nothing here references endpoints, so a dry run's would-be error text is empty.
      if (!acknowledged && this.profile.deleteResponseIndexes) body.error_message = '';
      return { status: 200, body };
    };
    if (dryRun) return answer(false);
    if (this.isDefaultEndpointId(inferenceId)) {
      if (!force) {
        throw badRequest(
          `[${inferenceId}] is a reserved inference endpoint. Use the force=true query parameter to delete the inference endpoint.`,
        );
      }
      // Default endpoints are re-created on their next use, so a forced delete only stops the deployment.
      await this.options.deployments.stop(inferenceId);
      return answer(true);
    }
    await this.options.registry.delete(inferenceId);
    // UNCONFIRMED: deleting an endpoint stops the deployment it started even when other endpoints use it
    // (the inference service stops with force), but never one it attached to.
    if (!isAttached(endpoint)) await this.options.deployments.stop(inferenceId);
    return answer(true);
  }

  /** `POST /_inference[/{task_type}]/{inference_id}`. */
  async infer(taskType: TaskType, inferenceId: string, body: string | undefined, timeout: TimeValue | undefined): Promise<ActionResult> {
    // Parsing and validation are synchronous, so one lookup serves both orders of the checks.
    const endpoint = this.findEndpoint(inferenceId);
    if (!endpoint && taskType === 'any' && this.profile.looksUpEndpointWithoutTaskType) throw notFound(inferenceId);
    const request = parseInferenceRequest(requireBody(body), this.profile);
    // The request validates itself against the path's task type before the transport action looks the endpoint up.
    const invalid = validationErrorOf(request, taskType, this.profile);
    if (invalid !== undefined) throw actionRequestValidation([invalid]);
    if (!endpoint) throw notFound(inferenceId);
    if (!isAnyOrSame(taskType, endpoint.task_type)) {
      throw badRequest(`Incompatible task_type, the requested type [${taskType}] does not match the model type [${endpoint.task_type}]`);
    }

    if (!serviceRunsTaskType(endpoint.task_type)) {
      throw badRequest(unsupportedTaskTypeMessage(endpoint.task_type, 'elasticsearch'));
    }
    const effectiveTimeout = timeout ?? this.options.deploymentTimeout;
    const deploymentId = deploymentIdOf(endpoint);
    if (!this.options.deployments.has(deploymentId)) {
      // UNCONFIRMED: without its deployment the id is looked up as a trained model, which does not exist.
      if (isAttached(endpoint)) throw resourceNotFound(`Could not find trained model [${deploymentId}]`);
      await this.startDeployment(endpoint, effectiveTimeout);
    }
    const results = await this.options.deployments.infer(deploymentId, request.input as string[], effectiveTimeout);
    return { status: 200, rawJson: sparseEmbeddingResponseJson(results) };
  }

  /** `PUT /_inference[/{task_type}]/{inference_id}/_update` (8.17+). */
  async update(taskType: TaskType, inferenceId: string, body: string | undefined): Promise<ActionResult> {
    if (body === undefined || body.length === 0) throw badRequest('Request body is empty');
    const config = bodyAsMap(body);
    if (config.size === 0) throw badRequest('Request body is empty');
    const disallowed = new Map([...config].filter(([key]) => !['task_type', 'service_settings', 'task_settings'].includes(key)));
    if (disallowed.size > 0) {
      throw badRequest(`Request contained fields which cannot be updated, remove these fields and try again [${javaToString(disallowed)}]`);
    }
    const endpoint = this.options.registry.get(inferenceId);
    if (!endpoint) throw statusException(404, `The inference endpoint [${inferenceId}] does not exist and cannot be updated`);
    const bodyTaskType = castString(config.get('task_type'));
    if ((taskType !== 'any' && taskType !== endpoint.task_type) || (bodyTaskType !== undefined && bodyTaskType !== endpoint.task_type)) {
      throw badRequest('Task type must match the task type of the existing endpoint');
    }
    const settings = config.get('service_settings');
    const updated: InferenceEndpoint = { ...endpoint, service_settings: { ...endpoint.service_settings } };
    if (isJavaMap(settings)) {
      const attachedTo = endpoint.service_settings.deployment_id;
      // UNCONFIRMED: checked only when the update changes service settings, which is when it touches the deployment.
      if (attachedTo !== undefined) {
        throw badRequest(
          `Cannot update inference endpoint [${inferenceId}] for model deployment [${attachedTo}] as it was created by another inference endpoint. The model can only be updated using inference endpoint id [${attachedTo}].`,
        );
      }
      if (settings.has('num_threads')) throw badRequest('[num_threads] cannot be updated');
      const numAllocations = settings.get('num_allocations');
      const errors = new ValidationErrors();
      const adaptive = removeAdaptiveAllocations(settings, 'adaptive_allocations', this.profile.minAllocationsFloor, errors);
      errors.throwIfAny();
      if (numAllocations !== undefined) {
        if (typeof numAllocations !== 'number' || !Number.isInteger(numAllocations)) {
          throw badRequest(`Failed to parse [num_allocations] of update request [${inferenceId}]`);
        }
        if ((adaptive ?? endpoint.service_settings.adaptive_allocations)?.enabled) {
          throw badRequest('[num_allocations] cannot be set if [adaptive_allocations] is set');
        }
        if (numAllocations < 1) throw actionRequestValidation(['[number_of_allocations] must be a positive integer']);
        updated.service_settings.num_allocations = numAllocations;
      }
      if (adaptive !== undefined) {
        updated.service_settings.adaptive_allocations = adaptive;
        if (adaptive.enabled) delete updated.service_settings.num_allocations;
      }
      if (this.options.deployments.has(inferenceId)) {
        await this.options.deployments.updateDeployment(inferenceId, {
          numberOfAllocations: numAllocations === undefined ? undefined : updated.service_settings.num_allocations,
          adaptiveAllocations: adaptive,
        });
      }
    }
    await this.options.registry.replace(updated);
    return { status: 200, body: this.endpointInfo(updated) };
  }

  private checkRequestedTaskType(taskType: TaskType, endpoint: InferenceEndpoint): void {
    if (taskType !== 'any' && taskType !== endpoint.task_type) {
      throw badRequest(`Requested task type [${taskType}] does not match the inference endpoint's task type [${endpoint.task_type}]`);
    }
  }

  private isDefaultEndpointId(id: string): boolean {
    return this.profile.defaultEndpointIds.includes(id);
  }

  private defaultEndpoints(): InferenceEndpoint[] {
    return this.profile.defaultEndpointIds.map((id) => ({
      inference_id: id,
      task_type: 'sparse_embedding',
      service: 'elasticsearch',
      service_settings: {
        num_threads: 1,
        model_id: this.options.defaultModelId,
        model_id_given: true,
        adaptive_allocations: { enabled: true, min_number_of_allocations: 0, max_number_of_allocations: 32 },
      },
      chunking_settings: { ...DEFAULT_CHUNKING_SETTINGS },
    }));
  }

  private findEndpoint(id: string): InferenceEndpoint | undefined {
    return this.options.registry.get(id) ?? this.defaultEndpoints().find((endpoint) => endpoint.inference_id === id);
  }

  private allEndpoints(): InferenceEndpoint[] {
    const stored = this.options.registry.list();
    const defaults = this.defaultEndpoints().filter((endpoint) => !stored.some((s) => s.inference_id === endpoint.inference_id));
    return [...stored, ...defaults].sort((a, b) => (a.inference_id < b.inference_id ? -1 : a.inference_id > b.inference_id ? 1 : 0));
  }

  /** The endpoint as `ModelConfigurations.toFilteredXContent` writes it, in the profile's shape. */
  endpointInfo(endpoint: InferenceEndpoint, withLiveAllocations = false): InferenceEndpointInfo {
    const settings = endpoint.service_settings;
    // Only GET fills in the running deployment's allocations (`updateModelsWithDynamicFields`).
    const live =
      withLiveAllocations && this.profile.liveNumAllocations
        ? this.options.deployments.targetAllocations(deploymentIdOf(endpoint))
        : undefined;
    const numAllocations = live ?? settings.num_allocations;
    const serviceSettings: ElserServiceSettingsInfo = {
      ...(numAllocations !== undefined && { num_allocations: numAllocations }),
      num_threads: settings.num_threads,
    };
    if (this.profile.echoesDefaultModelId || settings.model_id_given) {
      serviceSettings.model_id = settings.model_id as ElserServiceSettingsInfo['model_id'];
    }
    if (settings.adaptive_allocations) serviceSettings.adaptive_allocations = { ...settings.adaptive_allocations };
    if (settings.deployment_id !== undefined) serviceSettings.deployment_id = settings.deployment_id;
    const info: InferenceEndpointInfo = {
      inference_id: endpoint.inference_id,
      task_type: endpoint.task_type as InferenceEndpointInfo['task_type'],
      service: endpoint.service as InferenceEndpointInfo['service'],
      service_settings: serviceSettings,
    };
    if (this.profile.emptyTaskSettingsInResponse) info.task_settings = {};
    if (this.profile.chunkingSettings && endpoint.chunking_settings) info.chunking_settings = { ...endpoint.chunking_settings };
    return info;
  }
}

interface InferenceRequest {
  input?: string[];
  inputType?: string;
  query?: string;
  returnDocuments?: boolean;
  topN?: number;
}

const INFERENCE_PARSER_NAME = 'cluster:internal/xpack/inference';
const INFERENCE_FIELDS = ['input', 'task_settings', 'query', 'input_type', 'timeout'];
const RERANK_FIELDS = ['return_documents', 'top_n'];
/** `InputType.isInternalTypeOrUnspecified`: the values any task type accepts. */
const UNRESTRICTED_INPUT_TYPES = ['unspecified', 'internal_search', 'internal_ingest'];

/**
 * `InferenceAction.Request.validate`, against the path's task type: the first failed check only,
 * and `any` (a path without a task type) skips the checks that depend on it.
 */
function validationErrorOf(request: InferenceRequest, taskType: TaskType, profile: BehaviourProfile): string | undefined {
  if (request.input === undefined) return 'Field [input] cannot be null';
  if (request.input.length === 0) return 'Field [input] cannot be an empty array';
  if (taskType === 'rerank') {
    if (request.query === undefined) return 'Field [query] cannot be null for task type [rerank]';
    if (request.query.length === 0 && profile.rerankRequestFields) return 'Field [query] cannot be empty for task type [rerank]';
  } else if (taskType !== 'any') {
    if (request.returnDocuments !== undefined) return `Field [return_documents] cannot be specified for task type [${taskType}]`;
    if (request.topN !== undefined) return `Field [top_n] cannot be specified for task type [${taskType}]`;
  }
  const inputType = request.inputType?.trim().toLowerCase();
  if (
    !profile.legacyElserService &&
    taskType !== 'text_embedding' &&
    taskType !== 'any' &&
    inputType !== undefined &&
    !UNRESTRICTED_INPUT_TYPES.includes(inputType)
  ) {
    return `Field [input_type] cannot be specified for task type [${taskType}]`;
  }
  return undefined;
}

/** `InferenceAction.Request.parseRequest`: an ObjectParser over the body. */
function parseInferenceRequest(body: string, profile: BehaviourProfile): InferenceRequest {
  let parsed: ParsedJson;
  try {
    parsed = readJson(body);
  } catch (error) {
    if (error instanceof JsonSyntaxError) {
      throw new ElasticsearchException(400, 'x_content_parse_exception', `[${error.line}:${error.column}] ${error.detail}`);
    }
    throw error;
  }
  const at = (field: string) => {
    const location = parsed.topLevelFieldLocations.get(field) ?? parsed.rootLocation;
    return `[${location.line}:${location.column}]`;
  };
  if (!isJavaMap(parsed.value)) {
    throw new ElasticsearchException(
      400,
      'x_content_parse_exception',
      `[${parsed.rootLocation.line}:${parsed.rootLocation.column}] [${INFERENCE_PARSER_NAME}] Expected START_OBJECT but was: ${tokenName(parsed.value)}`,
    );
  }
  const fields = profile.rerankRequestFields ? [...INFERENCE_FIELDS, ...RERANK_FIELDS] : INFERENCE_FIELDS;
  const request: InferenceRequest = {};
  for (const [field, value] of parsed.value) {
    if (!fields.includes(field)) {
      const suggestion = suggestFields(field, fields);
      throw new ElasticsearchException(
        400,
        'x_content_parse_exception',
        `${at(field)} [${INFERENCE_PARSER_NAME}] unknown field [${field}]${suggestion}`,
      );
    }
    const failed = () =>
      new ElasticsearchException(
        400,
        'x_content_parse_exception',
        `${at(field)} [${INFERENCE_PARSER_NAME}] failed to parse field [${field}]`,
      );
    if (field === 'input') {
      if (value === null) continue;
      const items = Array.isArray(value) ? value : [value];
      if (items.some((item) => item === null || isJavaMap(item) || Array.isArray(item))) throw failed();
      request.input = items.map((item) => javaToString(item));
    } else if (field === 'input_type') {
      if (typeof value !== 'string') throw failed();
      request.inputType = value;
    } else if (field === 'task_settings' && value !== null && !isJavaMap(value)) {
      throw failed();
    } else if (field === 'query' && value !== null) {
      if (isJavaMap(value) || Array.isArray(value)) throw failed();
      request.query = javaToString(value);
    } else if (field === 'return_documents' && value !== null) {
      // ObjectParser's boolean fields take true/false as JSON booleans or strings.
      if (value !== true && value !== false && value !== 'true' && value !== 'false') throw failed();
      request.returnDocuments = value === true || value === 'true';
    } else if (field === 'top_n' && value !== null) {
      const number = typeof value === 'string' && /^[+-]?\d+$/.test(value.trim()) ? Number(value) : value;
      if (typeof number !== 'number' || !Number.isInteger(number) || number < -(2 ** 31) || number >= 2 ** 31) throw failed();
      request.topN = number;
    }
  }
  return request;
}

/** ObjectParser's " did you mean" hint, from Lucene's normalized Levenshtein similarity above 0.5. */
export function suggestFields(field: string, candidates: readonly string[]): string {
  const scored = candidates
    .map((candidate) => ({ candidate, score: levenshteinSimilarity(field, candidate) }))
    .filter(({ score }) => score > 0.5)
    .sort((a, b) => b.score - a.score || (a.candidate < b.candidate ? -1 : 1))
    .map(({ candidate }) => candidate);
  if (scored.length === 0) return '';
  return scored.length === 1 ? ` did you mean [${scored[0]}]?` : ` did you mean any of [${scored.join(', ')}]?`;
}

export function levenshteinSimilarity(a: string, b: string): number {
  // Runs over every character of a request's unknown field or parameter name (a megabyte, for
  // all the client cares): typed rows and plain comparisons, not Math.min, keep that linear and cheap.
  const previous = new Int32Array(b.length + 1);
  for (let j = 0; j <= b.length; j++) previous[j] = j;
  for (let i = 1; i <= a.length; i++) {
    let diagonal = previous[0];
    previous[0] = i;
    const code = a.charCodeAt(i - 1);
    for (let j = 1; j <= b.length; j++) {
      const above = previous[j];
      const substitution = diagonal + (code === b.charCodeAt(j - 1) ? 0 : 1);
      const deletion = above + 1;
      const insertion = previous[j - 1] + 1;
      previous[j] =
        substitution < deletion ? (substitution < insertion ? substitution : insertion) : deletion < insertion ? deletion : insertion;
      diagonal = above;
    }
  }
  const longest = Math.max(a.length, b.length);
  return longest === 0 ? 1 : 1 - previous[b.length] / longest;
}

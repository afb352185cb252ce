import type { InferenceApi } from '../../inference/inference-api';
import type { BehaviourProfile } from '../../inference/profiles';
import type { TaskType } from '../../inference/task-type';
import type { RestController } from '../rest-controller';
import type { RestRequest } from '../rest-request';

/**
 * The `_inference` routes as Elasticsearch registers them: generic
 * `{task_type_or_id}` segments whose meaning depends on how many there are.
 */
export function registerInferenceRoutes(controller: RestController, api: InferenceApi, profile: BehaviourProfile): void {
  const params = profile.queryParameters;

  /** Two segments name a task type and an id; one segment names an id of any task type. */
  const target = (request: RestRequest): { taskType: TaskType; id: string } => {
    const { task_type_or_id: first, inference_id: second } = request.pathParams;
    if (second === undefined) return { taskType: 'any', id: first };
    return { taskType: api.parseTaskType(first), id: second };
  };

  const timeoutParam = (request: RestRequest, allowed: readonly string[]) =>
    allowed.includes('timeout') ? request.paramAsTime('timeout') : undefined;

  for (const path of ['/_inference/{task_type_or_id}', '/_inference/{task_type_or_id}/{inference_id}']) {
    controller.register(
      'PUT',
      path,
      (request) => {
        const { taskType, id } = target(request);
        const timeout = timeoutParam(request, params.put);
        const body = request.requiredContent();
        return () => api.put(taskType, id, body, timeout);
      },
      params.put,
    );
    controller.register(
      'GET',
      path,
      (request) => {
        const { taskType, id } = target(request);
        return () => api.get(taskType, id);
      },
      params.get,
    );
    controller.register(
      'DELETE',
      path,
      (request) => {
        const { taskType, id } = target(request);
        const dryRun = request.paramAsBoolean('dry_run', false);
        const force = request.paramAsBoolean('force', false);
        return () => api.delete(taskType, id, dryRun, force);
      },
      params.delete,
    );
    controller.register(
      'POST',
      path,
      (request) => {
        const { taskType, id } = target(request);
        const timeout = timeoutParam(request, params.inference);
        const body = request.requiredContent();
        return () => api.infer(taskType, id, body, timeout);
      },
      params.inference,
    );
  }

  controller.register('GET', '/_inference', () => () => api.get('any', undefined), params.get);
  controller.register('GET', '/_inference/_all', () => () => api.get('any', undefined), params.get);

  if (profile.updateApi) {
    const update = (request: RestRequest) => {
      const { taskType, id } = target(request);
      return () => api.update(taskType, id, request.body);
    };
    controller.register('PUT', '/_inference/{task_type_or_id}/_update', update, params.update);
    controller.register('PUT', '/_inference/{task_type_or_id}/{inference_id}/_update', update, params.update);
  }
}

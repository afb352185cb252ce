import type { TrainedModelsApi } from '../../ml/trained-models-api';
import type { RestController } from '../rest-controller';

/** The trained-model APIs clients use to follow a download and a deployment: `GET _ml/trained_models[/<id>][/_stats]`. */
export function registerMlRoutes(controller: RestController, api: TrainedModelsApi): void {
  const getParameters = ['include', 'allow_no_match', 'from', 'size', 'decompress_definition', 'exclude_generated', 'tags'];
  for (const path of ['/_ml/trained_models', '/_ml/trained_models/{model_id}']) {
    controller.register(
      'GET',
      path,
      (request) => {
        const include = request.param('include');
        const allowNoMatch = request.paramAsBoolean('allow_no_match', true);
        request.consume(['from', 'size', 'decompress_definition', 'exclude_generated', 'tags']);
        return () => api.get(request.pathParams.model_id, include, allowNoMatch);
      },
      getParameters,
    );
  }
  for (const path of ['/_ml/trained_models/_stats', '/_ml/trained_models/{model_id}/_stats']) {
    controller.register(
      'GET',
      path,
      (request) => {
        const allowNoMatch = request.paramAsBoolean('allow_no_match', true);
        request.consume(['from', 'size']);
        return () => api.stats(request.pathParams.model_id, allowNoMatch);
      },
      ['allow_no_match', 'from', 'size'],
    );
  }
}

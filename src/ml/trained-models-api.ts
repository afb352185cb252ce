import type { ActionResult } from '../inference/inference-api';
import { trainedModelConfig, TrainedModelView } from './trained-model-config';
import { deploymentStats, DeploymentView, NodeView } from './deployment-stats';
import { matchIds } from './id-expression';

export interface TrainedModelsApiOptions {
  models(): TrainedModelView[];
  deployments(): DeploymentView[];
  node: NodeView;
  versionNumber: string;
}

/** `GET _ml/trained_models/<id>` and `GET _ml/trained_models/<id>/_stats` for the models this server holds. */
export class TrainedModelsApi {
  constructor(private readonly options: TrainedModelsApiOptions) {}

  get(expression: string | undefined, include: string | undefined, allowNoMatch: boolean): ActionResult {
    const models = matchIds(expression, this.sortedModels(), (m) => [m.modelId], allowNoMatch);
    const definitionStatus = (include ?? '').split(',').includes('definition_status');
    return {
      status: 200,
      body: {
        count: models.length,
        trained_model_configs: models.map((model) => trainedModelConfig(model, definitionStatus, this.options.versionNumber)),
      },
    };
  }

  /**
   * One entry per deployment: all deployments of a model matched by its id,
   * only the named ones when matched by deployment id; one entry without
   * `deployment_stats` for a matched model that has no deployment.
   */
  stats(expression: string | undefined, allowNoMatch: boolean): ActionResult {
    const deployments = this.options.deployments().sort((a, b) => (a.deploymentId < b.deploymentId ? -1 : 1));
    const models = this.sortedModels();
    const resources = [
      ...models.map((model) => ({ id: model.modelId, model, deployments: deployments.filter((d) => d.modelId === model.modelId) })),
      ...deployments.map((deployment) => ({
        id: deployment.deploymentId,
        model: models.find((m) => m.modelId === deployment.modelId),
        deployments: [deployment],
      })),
    ];
    const matched = matchIds(expression, resources, (r) => [r.id], allowNoMatch);
    const entries = models.flatMap((model) => {
      const hits = matched.filter((r) => r.model === model);
      if (hits.length === 0) return [];
      const ids = new Set(hits.flatMap((r) => r.deployments.map((d) => d.deploymentId)));
      const own = deployments.filter((d) => d.modelId === model.modelId && ids.has(d.deploymentId));
      const base = {
        model_id: model.modelId,
        model_size_stats: { model_size_bytes: model.sizeBytes, required_native_memory_bytes: requiredNativeMemory(model.sizeBytes) },
        pipeline_count: 0,
      };
      if (own.length === 0) return [base];
      return own.map((deployment) => ({
        ...base,
        inference_stats: {
          failure_count: deployment.counters.errorCount,
          inference_count: deployment.counters.inferenceCount,
          cache_miss_count: 0,
          missing_all_fields_count: 0,
          timestamp: deployment.counters.lastAccess ?? deployment.startTime,
        },
        deployment_stats: deploymentStats(deployment, this.options.node),
      }));
    });
    // `count` counts models, not deployments: a model with two deployments is one, with two entries.
    const count = new Set(entries.map((entry) => entry.model_id)).size;
    return { status: 200, body: { count, trained_model_stats: entries } };
  }

  private sortedModels(): TrainedModelView[] {
    return [...this.options.models()].sort((a, b) => (a.modelId < b.modelId ? -1 : 1));
  }
}

/** Elasticsearch's estimate for a PyTorch model: twice its size plus a fixed 240 MB overhead (0 while the size is unknown). */
function requiredNativeMemory(sizeBytes: number): number {
  return sizeBytes === 0 ? 0 : 2 * sizeBytes + 240 * 1024 * 1024;
}

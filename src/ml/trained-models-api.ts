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

  /** One entry per deployment of a matched model (or matched deployment), and one per undeployed model. */
  stats(expression: string | undefined, allowNoMatch: boolean): ActionResult {
    const deployments = this.options.deployments();
    const models = matchIds(
      expression,
      this.sortedModels(),
      (m) => [m.modelId, ...deployments.filter((d) => d.modelId === m.modelId).map((d) => d.deploymentId)],
      allowNoMatch,
    );
    const entries = models.flatMap((model) => {
      const own = deployments.filter((d) => d.modelId === model.modelId).sort((a, b) => (a.deploymentId < b.deploymentId ? -1 : 1));
      const base = {
        model_id: model.modelId,
        model_size_stats: { model_size_bytes: model.sizeBytes, required_native_memory_bytes: requiredNativeMemory(model.sizeBytes) },
        pipeline_count: 0,
      };
      if (own.length === 0) return [base];
      return own.map((deployment) => ({ ...base, deployment_stats: deploymentStats(deployment, this.options.node) }));
    });
    return { status: 200, body: { count: models.length, trained_model_stats: entries } };
  }

  private sortedModels(): TrainedModelView[] {
    return [...this.options.models()].sort((a, b) => (a.modelId < b.modelId ? -1 : 1));
  }
}

/** Elasticsearch's estimate for a PyTorch model: twice its size plus a fixed 240 MB overhead. */
function requiredNativeMemory(sizeBytes: number): number {
  return 2 * sizeBytes + 240 * 1024 * 1024;
}

import type { ModelCache } from '../model/repository';
import { ELSER_TOKENIZATION } from '../model/repository/model-package';
import type { TrainedModelView } from './trained-model-config';

const DESCRIPTIONS: Record<string, string> = {
  '.elser_model_1': 'Elastic Learned Sparse EncodeR v1',
  '.elser_model_2': 'Elastic Learned Sparse EncodeR v2',
  '.elser_model_2_linux-x86_64': 'Elastic Learned Sparse EncodeR v2, optimized for linux-x86_64',
};

const withDot = (modelId: string) => (modelId.startsWith('.') ? modelId : `.${modelId}`);

/**
 * The trained model configurations this node holds: a model exists from the
 * moment its download is first asked for (as Elasticsearch's `PUT
 * _ml/trained_models/<id>` creates the config before the definition arrives)
 * and is `fully_defined` once the cache has it verified.
 */
export class TrainedModelDefinitions {
  private readonly created = new Map<string, number>();

  constructor(private readonly cache: ModelCache) {}

  /** Records that a deployment asked for the model. */
  noteRequested(modelId: string): void {
    const id = withDot(modelId);
    if (!this.created.has(id)) this.created.set(id, Date.now());
  }

  views(): TrainedModelView[] {
    return [...this.created].map(([modelId, createTime]) => {
      const state = this.cache.state(modelId);
      return {
        modelId,
        description: DESCRIPTIONS[modelId],
        sizeBytes: state.totalBytes ?? 0,
        tokenization: { ...ELSER_TOKENIZATION },
        createTime,
        fullyDefined: state.status === 'fully_defined',
        tags: modelId.startsWith('.elser') ? ['elastic'] : [],
      };
    });
  }
}

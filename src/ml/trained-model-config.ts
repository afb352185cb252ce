/** What this server knows about a trained model definition. */
export interface TrainedModelView {
  modelId: string;
  description?: string;
  /** Bytes of the model definition. */
  sizeBytes: number;
  tokenization: Record<string, unknown>;
  createTime: number;
  fullyDefined: boolean;
  tags: string[];
}

export const NATIVE_INFERENCE_INDEX = '.ml-inference-native-000002';

/** One entry of `trained_model_configs`, as `GET _ml/trained_models/<id>` writes it. */
export function trainedModelConfig(
  model: TrainedModelView,
  includeDefinitionStatus: boolean,
  versionNumber: string,
): Record<string, unknown> {
  const config: Record<string, unknown> = {
    model_id: model.modelId,
    model_type: 'pytorch',
    created_by: 'api_user',
    version: versionNumber,
    create_time: model.createTime,
    model_size_bytes: model.sizeBytes,
    estimated_operations: 0,
    license_level: 'platinum',
    description: model.description ?? '',
    tags: model.tags,
    input: { field_names: ['text_field'] },
    inference_config: {
      text_expansion: {
        vocabulary: { index: NATIVE_INFERENCE_INDEX },
        tokenization: { bert: model.tokenization },
      },
    },
    location: { index: { name: NATIVE_INFERENCE_INDEX } },
  };
  if (includeDefinitionStatus) config.fully_defined = model.fullyDefined;
  return config;
}

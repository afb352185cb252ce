import type { components } from '../generated/openapi';

/** The wire types of the inference API, generated from `openapi/elser-mock.yaml`. */
type Schemas = components['schemas'];

export type InferenceEndpointInfo = Schemas['InferenceEndpointInfo'];
export type ElserServiceSettingsInfo = Schemas['ElserServiceSettings'];
export type GetInferenceResponse = Schemas['GetInferenceResponse'];
export type DeleteInferenceResponse = Schemas['DeleteInferenceResponse'];
export type SparseEmbeddingResponse = Schemas['SparseEmbeddingResponse'];
export type RootInfoResponse = Schemas['RootInfoResponse'];
export type ErrorResponse = Schemas['ErrorResponse'];
export type RouteErrorResponse = Schemas['RouteErrorResponse'];

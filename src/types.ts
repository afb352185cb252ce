/** The types generated from `openapi/elser-mock.yaml`. */
export type { components, operations, paths } from './generated/openapi';

import { start, RunningServer, StartOptions } from '../../src/server';
import type { EsVersion } from '../../src/inference/profiles';

/** Starts an in-memory server on a free port, quiet, for one test file. */
export function startTestServer(esVersion: EsVersion, options: StartOptions = {}): Promise<RunningServer> {
  return start({ port: 0, inMemory: true, esVersion, logLevel: 'silent', modelRepository: process.env.TEST_MODEL_REPOSITORY, ...options });
}

export interface EsErrorExpectation {
  status: number;
  type: string;
  reason: string;
}

/** The Elasticsearch error envelope for a given status, type and reason. */
export function errorEnvelope({ status, type, reason }: EsErrorExpectation) {
  return { error: { root_cause: [{ type, reason }], type, reason }, status };
}

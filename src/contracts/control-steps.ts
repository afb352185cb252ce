import type { CaseRequest, MockFixture } from './case-model';

/**
 * Steps addressed to the runner rather than to the target: paths under `/__contracts/`. They
 * are never sent; the runner acts and answers `200 {"acknowledged":true}` itself. No Elasticsearch
 * API starts with a double underscore, so these paths cannot shadow a real one.
 */

export const CONTROL_PREFIX = '/__contracts/';

export interface ControlStep {
  method: CaseRequest['method'];
  /** The fixture that must be requested for the step to make sense. */
  fixture: MockFixture;
  description: string;
}

export const CONTROL_STEPS: Record<string, ControlStep> = {
  'release-download': {
    method: 'POST',
    fixture: 'slow-model-repository',
    description: 'lets the slow model repository send the rest of the model file it is holding back',
  },
};

export function isControlRequest(request: CaseRequest): boolean {
  return request.path.startsWith(CONTROL_PREFIX);
}

/** The control step a request names, or why it names none. */
export function controlStepOf(request: CaseRequest): { name: string; step: ControlStep } | { error: string } {
  const name = request.path.slice(CONTROL_PREFIX.length);
  const step = CONTROL_STEPS[name];
  const known = Object.entries(CONTROL_STEPS)
    .map(([key, s]) => `${s.method} ${CONTROL_PREFIX}${key}`)
    .join(', ');
  if (!step) return { error: `unknown control step [${request.path}]; the runner knows ${known}` };
  if (request.method !== step.method) return { error: `control step [${request.path}] takes ${step.method}, not ${request.method}` };
  return { name, step };
}

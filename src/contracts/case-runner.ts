import type { CaseRequest, Expect, LoadedCase, Step } from './case-model';
import { CONTROL_PREFIX, controlStepOf, isControlRequest } from './control-steps';
import { curlCommand } from './curl';
import { allHold, Check, checkAnswer, checkSuccess, describeFailedChecks, diffChecks, ObservedAnswer } from './expectations';
import type { HttpClient } from './http-client';
import type { ResponseValidator } from './response-validator';
import type { CaseFailure, CaseResult } from './results';
import type { CaseEnvironment, Target } from './targets';
import type { CaseIds } from './templating';
import { templateExpect, templateRequest } from './templating';

/**
 * Runs one case: setup steps, the request, then steps, whatever happens the teardown, and
 * finally removal of the endpoints the case left behind. Every answer of a setup, request or
 * then step is checked against the OpenAPI document as well as against the case.
 */

export interface CaseRunContext {
  target: Target;
  ids: CaseIds;
  validator: ResponseValidator;
}

const DEFAULT_RETRY_ATTEMPTS = 20;
const DEFAULT_RETRY_INTERVAL_MS = 250;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

class CaseSession {
  readonly failures: CaseFailure[] = [];
  private readonly sent: string[] = [];

  constructor(
    private readonly environment: CaseEnvironment,
    private readonly context: CaseRunContext,
    private readonly id: string,
  ) {
    if (environment.reproductionNote) this.sent.push(environment.reproductionNote);
  }

  private curl(request: CaseRequest): string {
    const { options } = this.environment.client;
    return curlCommand(request, { baseUrl: options.baseUrl, credentials: options.credentials?.kind, tls: options.tls });
  }

  private fail(step: string, kind: CaseFailure['kind'], message: string, diff?: string): void {
    this.failures.push({ step, kind, message, diff, reproduction: [...this.sent] });
  }

  private control(label: string, request: CaseRequest): ObservedAnswer {
    const control = controlStepOf(request);
    if ('error' in control) throw new Error(control.error);
    if (control.name === 'release-download') {
      if (!this.environment.releaseDownload) throw new Error(`${request.path}: no model download is held back for this case`);
      this.environment.releaseDownload();
    }
    this.sent.push(`# ${label}: runner step ${request.method} ${CONTROL_PREFIX}${control.name} (${control.step.description})`);
    return { status: 200, headers: { 'content-type': 'application/json' }, text: '{"acknowledged":true}', body: { acknowledged: true } };
  }

  private async send(label: string, request: CaseRequest, attempt: number): Promise<ObservedAnswer> {
    if (isControlRequest(request)) return this.control(label, request);
    const command = this.curl(request);
    // A retried request is reproduced once.
    if (attempt === 1) this.sent.push(command);
    const exchange = await this.environment.client.send(request);
    const check = this.context.validator.check(
      {
        method: request.method,
        path: request.path,
        query: request.query ?? {},
        status: exchange.status,
        headers: exchange.headers,
        body: exchange.body,
        text: exchange.text,
      },
      this.context.target.profile,
    );
    if (check.outcome === 'violation') {
      const message = `${check.operation} answered ${exchange.status}: ${check.problems.join('; ')}`;
      if (!this.failures.some((f) => f.step === label && f.message === message)) this.fail(label, 'spec-violation', message);
    }
    return exchange;
  }

  /** Runs a step; `false` when its expectations did not hold, which ends the case. */
  async step(label: string, step: Step, requireSuccess: boolean): Promise<boolean> {
    const request = templateRequest(step.request, this.id);
    const expect: Expect | undefined = step.expect ? templateExpect(step.expect, this.id) : undefined;
    const attempts = step.retry ? (step.retry.attempts ?? DEFAULT_RETRY_ATTEMPTS) : 1;
    const intervalMs = step.retry?.intervalMs ?? DEFAULT_RETRY_INTERVAL_MS;
    let checks: Check[] = [];
    for (let attempt = 1; attempt <= attempts; attempt++) {
      const answer = await this.send(label, request, attempt);
      checks = expect ? checkAnswer(expect, answer) : requireSuccess ? checkSuccess(answer) : [];
      if (allHold(checks)) return true;
      if (attempt < attempts) await sleep(intervalMs);
    }
    const suffix = attempts > 1 ? ` (after ${attempts} attempts)` : '';
    this.fail(label, 'expectation', `${describeFailedChecks(checks).join('; ')}${suffix}`, diffChecks(checks));
    return false;
  }

  error(label: string, error: unknown): void {
    this.fail(label, 'error', error instanceof Error ? error.message : String(error));
  }

  async teardown(requests: readonly CaseRequest[]): Promise<void> {
    for (const request of requests) {
      await this.environment.client.send(templateRequest(request, this.id)).catch(() => undefined);
    }
  }
}

/** Deletes the endpoints whose id starts with `prefix`; returns the ids deleted and the errors met. */
export async function deleteEndpoints(client: HttpClient, prefix: string): Promise<{ deleted: string[]; errors: string[] }> {
  const deleted: string[] = [];
  const errors: string[] = [];
  const listing = await client.send({ method: 'GET', path: '/_inference/_all' }).catch((error: Error) => error);
  if (listing instanceof Error || listing.status !== 200) {
    errors.push(`listing endpoints: ${listing instanceof Error ? listing.message : `${listing.status} ${listing.text.slice(0, 200)}`}`);
    return { deleted, errors };
  }
  const endpoints = (listing.body as { endpoints?: Array<{ inference_id?: unknown }> }).endpoints ?? [];
  for (const { inference_id: id } of endpoints) {
    if (typeof id !== 'string' || !id.startsWith(prefix)) continue;
    const answer = await client
      .send({ method: 'DELETE', path: `/_inference/${id}`, query: { force: true } })
      .catch((error: Error) => error);
    if (answer instanceof Error || answer.status !== 200) {
      errors.push(`deleting ${id}: ${answer instanceof Error ? answer.message : `${answer.status} ${answer.text.slice(0, 200)}`}`);
    } else {
      deleted.push(id);
    }
  }
  return { deleted, errors };
}

export async function runCase(entry: LoadedCase, context: CaseRunContext): Promise<CaseResult> {
  const started = Date.now();
  const { case: contractCase, area } = entry;
  const id = context.ids.for(area, contractCase.name);
  const result: CaseResult = {
    area,
    name: contractCase.name,
    profile: context.target.profile,
    origin: entry.origin,
    status: 'passed',
    durationMs: 0,
    inferenceId: id,
    failures: [],
  };
  let environment: CaseEnvironment;
  try {
    environment = await context.target.environmentFor(contractCase.requires?.mock ?? [], entry.freshServer);
  } catch (error) {
    result.failures.push({ step: 'case', kind: 'error', message: `preparing the fixtures: ${(error as Error).message}`, reproduction: [] });
    result.status = 'failed';
    result.durationMs = Date.now() - started;
    return result;
  }
  const session = new CaseSession(environment, context, id);
  let label = 'case';
  try {
    let ok = true;
    for (const [index, step] of (contractCase.setup ?? []).entries()) {
      label = `setup[${index}]`;
      if (!(ok = await session.step(label, step, true))) break;
    }
    if (ok) {
      label = 'request';
      ok = await session.step(label, { request: contractCase.request, expect: contractCase.expect }, false);
    }
    if (ok) {
      for (const [index, step] of (contractCase.then ?? []).entries()) {
        label = `then[${index}]`;
        if (!(await session.step(label, step, true))) break;
      }
    }
  } catch (error) {
    session.error(label, error);
  } finally {
    // A download still held back would keep the teardown's deletes waiting on it.
    environment.releaseDownload?.();
    await session.teardown(contractCase.teardown ?? []);
    if (!environment.dedicated) await deleteEndpoints(environment.client, id);
    await environment.close();
  }
  result.failures = session.failures;
  result.status = result.failures.length > 0 ? 'failed' : 'passed';
  result.durationMs = Date.now() - started;
  return result;
}

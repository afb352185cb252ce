import type { LoadedCase } from './case-model';
import type { Baseline } from './baseline';
import { skipReason } from './case-plan';
import { deleteEndpoints, runCase } from './case-runner';
import type { ResponseValidator } from './response-validator';
import type { CaseResult, CleanupReport } from './results';
import type { Target } from './targets';
import type { CaseIds } from './templating';

/** Runs cases one after another on a target, applies the baseline, and removes what the run left behind. */

export interface SuiteRunOptions {
  target: Target;
  cases: readonly LoadedCase[];
  ids: CaseIds;
  validator: ResponseValidator;
  baseline?: Baseline;
  onResult?: (result: CaseResult) => void;
}

export function skippedResult(entry: LoadedCase, target: Pick<Target, 'profile'>, reason: string): CaseResult {
  return {
    area: entry.area,
    name: entry.case.name,
    profile: target.profile,
    origin: entry.origin,
    status: 'skipped',
    durationMs: 0,
    skipReason: reason,
    failures: [],
  };
}

export async function runSuite(options: SuiteRunOptions): Promise<{ results: CaseResult[]; cleanup: CleanupReport }> {
  const { target } = options;
  const results: CaseResult[] = [];
  for (const entry of options.cases) {
    const reason = skipReason(entry.case, target);
    let result =
      reason !== undefined
        ? skippedResult(entry, target, reason)
        : await runCase(entry, { target, ids: options.ids, validator: options.validator });
    if (result.status === 'failed') {
      const accepted = options.baseline?.accept(result.area, result.name, result.profile);
      if (accepted) result = { ...result, status: 'accepted', acceptedReason: accepted.reason };
    }
    results.push(result);
    options.onResult?.(result);
  }
  const cleanup = await deleteEndpoints(target.client, options.ids.prefix);
  return { results, cleanup };
}

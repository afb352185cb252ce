import type { CaseOrigin, Profile } from './case-model';

/** What running a case produced, as reporters read it. */

export type CaseStatus = 'passed' | 'failed' | 'skipped' | 'accepted';

export interface CaseFailure {
  /** `setup[0]`, `request`, `then[2]`, or `case` for problems outside a step. */
  step: string;
  kind: 'expectation' | 'spec-violation' | 'error';
  message: string;
  diff?: string;
  /** curl commands for every request of the case up to this one; the last is the one that failed. */
  reproduction: string[];
}

export interface CaseResult {
  area: string;
  name: string;
  profile: Profile;
  origin: CaseOrigin;
  status: CaseStatus;
  durationMs: number;
  /** The `{{id}}` of the case in this run. */
  inferenceId?: string;
  skipReason?: string;
  acceptedReason?: string;
  failures: CaseFailure[];
}

export interface CleanupReport {
  deleted: string[];
  errors: string[];
}

export interface RunReport {
  target: string;
  runId: string;
  startedAt: Date;
  durationMs: number;
  results: CaseResult[];
  cleanup: CleanupReport;
  /** Baseline entries whose case passed: they can go. */
  staleBaseline: Array<{ area: string; case: string; reason: string; profile?: Profile }>;
}

export interface Tally {
  area: string;
  profile: Profile;
  passed: number;
  failed: number;
  skipped: number;
  accepted: number;
  durationMs: number;
}

/** Counts per area and profile, in the order the results came. */
export function tally(results: readonly CaseResult[]): Tally[] {
  const rows = new Map<string, Tally>();
  for (const result of results) {
    const key = `${result.area}\0${result.profile}`;
    let row = rows.get(key);
    if (!row) {
      row = { area: result.area, profile: result.profile, passed: 0, failed: 0, skipped: 0, accepted: 0, durationMs: 0 };
      rows.set(key, row);
    }
    row[result.status]++;
    row.durationMs += result.durationMs;
  }
  return [...rows.values()];
}

export function totals(results: readonly CaseResult[]): Omit<Tally, 'area' | 'profile'> {
  const sum = { passed: 0, failed: 0, skipped: 0, accepted: 0, durationMs: 0 };
  for (const result of results) {
    sum[result.status]++;
    sum.durationMs += result.durationMs;
  }
  return sum;
}

export const caseTitle = (result: Pick<CaseResult, 'area' | 'name' | 'profile'>) => `${result.area} › ${result.name} [${result.profile}]`;

export function formatOrigin(origin: CaseOrigin): string {
  return origin.line === undefined ? origin.file : `${origin.file}:${origin.line}`;
}

/** A failure as the console and the reports print it. */
export function formatFailure(failure: CaseFailure): string {
  const lines = [`${failure.step}: ${failure.kind === 'spec-violation' ? 'spec violation: ' : ''}${failure.message}`];
  if (failure.reproduction.length > 0) {
    lines.push('reproduce:');
    lines.push(...failure.reproduction.map((command) => `  ${command}`));
  }
  if (failure.diff) lines.push(failure.diff);
  return lines.join('\n');
}

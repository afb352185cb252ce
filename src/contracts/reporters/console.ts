import type { CaseResult, RunReport } from '../results';
import { caseTitle, formatFailure, formatOrigin, tally, totals } from '../results';

/** What a CLI run prints: a line per case as it finishes, the details of each failure, and a summary table. */

export type Write = (text: string) => void;

const LABEL: Record<CaseResult['status'], string> = { passed: 'PASS', failed: 'FAIL', skipped: 'SKIP', accepted: 'ACCEPTED' };

function indent(text: string, by = '    '): string {
  return text
    .split('\n')
    .map((line) => `${by}${line}`)
    .join('\n');
}

export function caseLine(result: CaseResult): string {
  const suffix =
    result.status === 'skipped'
      ? ` — ${result.skipReason}`
      : result.status === 'accepted'
        ? ` — accepted: ${result.acceptedReason}`
        : ` (${result.durationMs} ms)`;
  return `${LABEL[result.status].padEnd(8)} ${caseTitle(result)}${suffix}`;
}

export function printResult(write: Write, result: CaseResult): void {
  write(`${caseLine(result)}\n`);
  if (result.status !== 'failed') return;
  write(`${indent(`defined in ${formatOrigin(result.origin)}`)}\n`);
  for (const failure of result.failures) write(`${indent(formatFailure(failure))}\n`);
}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  return rows
    .map((row) => row.map((value, column) => (column === 0 ? value.padEnd(widths[column]) : value.padStart(widths[column]))).join('  '))
    .join('\n');
}

export function printSummary(write: Write, report: RunReport): void {
  const rows = [['area', 'profile', 'cases', 'passed', 'failed', 'skipped', 'accepted']];
  for (const row of tally(report.results)) {
    const count = row.passed + row.failed + row.skipped + row.accepted;
    rows.push([row.area, row.profile, String(count), String(row.passed), String(row.failed), String(row.skipped), String(row.accepted)]);
  }
  const sum = totals(report.results);
  rows.push([
    'total',
    '',
    String(report.results.length),
    String(sum.passed),
    String(sum.failed),
    String(sum.skipped),
    String(sum.accepted),
  ]);
  write(`\n${table(rows)}\n`);
  for (const entry of report.staleBaseline) {
    write(
      `baseline entry no longer needed (the case passed): ${entry.area} › ${entry.case}${entry.profile ? ` [${entry.profile}]` : ''}\n`,
    );
  }
  if (report.cleanup.deleted.length > 0)
    write(`deleted ${report.cleanup.deleted.length} leftover endpoint(s): ${report.cleanup.deleted.join(', ')}\n`);
  for (const error of report.cleanup.errors) write(`cleanup: ${error}\n`);
  write(
    `\n${sum.failed === 0 ? 'passed' : 'FAILED'}: ${sum.passed} passed, ${sum.failed} failed, ${sum.skipped} skipped, ${sum.accepted} accepted (${(report.durationMs / 1000).toFixed(1)} s)\n`,
  );
}

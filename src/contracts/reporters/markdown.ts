import type { CaseResult, RunReport } from '../results';
import { caseTitle, formatOrigin, tally, totals } from '../results';

/** A Markdown summary: counts per area, then every failure with its reproduction and diff. */

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function fence(text: string, language = ''): string {
  const longest = Math.max(2, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const marks = '`'.repeat(longest + 1);
  return `${marks}${language}\n${text}\n${marks}`;
}

function failureSection(result: CaseResult): string[] {
  const lines = [
    `### ${cell(caseTitle(result))}`,
    '',
    `Defined in \`${formatOrigin(result.origin)}\`; id \`${result.inferenceId ?? ''}\`.`,
    '',
  ];
  if (result.status === 'accepted') lines.push(`Accepted: ${result.acceptedReason}`, '');
  for (const failure of result.failures) {
    lines.push(`**${failure.step}** — ${failure.kind === 'spec-violation' ? 'spec violation: ' : ''}${cell(failure.message)}`, '');
    if (failure.reproduction.length > 0) lines.push(fence(failure.reproduction.join('\n'), 'sh'), '');
    if (failure.diff) lines.push(fence(failure.diff, 'diff'), '');
  }
  return lines;
}

export function markdownReport(report: RunReport): string {
  const sum = totals(report.results);
  const lines = [
    '# Contract run',
    '',
    `- Target: ${report.target}`,
    `- Run: \`${report.runId}\`, started ${report.startedAt.toISOString()}, ${(report.durationMs / 1000).toFixed(1)} s`,
    `- Result: **${sum.failed === 0 ? 'passed' : 'failed'}** — ${sum.passed} passed, ${sum.failed} failed, ${sum.skipped} skipped, ${sum.accepted} accepted`,
    '',
    '## Summary',
    '',
    '| Area | Profile | Cases | Passed | Failed | Skipped | Accepted |',
    '|---|---|---:|---:|---:|---:|---:|',
  ];
  for (const row of tally(report.results)) {
    const count = row.passed + row.failed + row.skipped + row.accepted;
    lines.push(`| ${cell(row.area)} | ${row.profile} | ${count} | ${row.passed} | ${row.failed} | ${row.skipped} | ${row.accepted} |`);
  }
  lines.push(`| **Total** | | ${report.results.length} | ${sum.passed} | ${sum.failed} | ${sum.skipped} | ${sum.accepted} |`, '');

  const failed = report.results.filter((r) => r.status === 'failed');
  lines.push('## Failures', '');
  if (failed.length === 0) lines.push('None.', '');
  for (const result of failed) lines.push(...failureSection(result));

  const accepted = report.results.filter((r) => r.status === 'accepted');
  if (accepted.length > 0) {
    lines.push('## Accepted differences', '');
    for (const result of accepted) lines.push(...failureSection(result));
  }
  if (report.staleBaseline.length > 0) {
    lines.push('## Baseline entries no longer needed', '', 'These cases passed; their baseline entries can be removed.', '');
    for (const entry of report.staleBaseline)
      lines.push(`- ${cell(`${entry.area} › ${entry.case}`)}${entry.profile ? ` [${entry.profile}]` : ''}: ${cell(entry.reason)}`);
    lines.push('');
  }
  const skipped = report.results.filter((r) => r.status === 'skipped');
  if (skipped.length > 0) {
    lines.push('## Skipped', '', '<details><summary>' + `${skipped.length} case(s)` + '</summary>', '');
    for (const result of skipped) lines.push(`- ${cell(caseTitle(result))}: ${cell(result.skipReason ?? '')}`);
    lines.push('', '</details>', '');
  }
  if (report.cleanup.deleted.length > 0 || report.cleanup.errors.length > 0) {
    lines.push('## Cleanup', '');
    if (report.cleanup.deleted.length > 0)
      lines.push(`Deleted leftover endpoints: ${report.cleanup.deleted.map((id) => `\`${id}\``).join(', ')}`, '');
    for (const error of report.cleanup.errors) lines.push(`- ${cell(error)}`);
    lines.push('');
  }
  return lines.join('\n');
}

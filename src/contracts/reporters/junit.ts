import type { RunReport } from '../results';
import { formatFailure, formatOrigin, tally } from '../results';

/** JUnit XML: one testsuite per area and profile, one testcase per case; accepted failures are skipped with their reason. */

// XML 1.0 does not allow most control characters, even escaped.
const INVALID_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

export function escapeXml(text: string): string {
  return text
    .replace(INVALID_XML, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

const seconds = (ms: number) => (ms / 1000).toFixed(3);

export function junitXml(report: RunReport): string {
  const lines = ['<?xml version="1.0" encoding="UTF-8"?>'];
  const results = report.results;
  const failures = results.filter((r) => r.status === 'failed').length;
  const skipped = results.filter((r) => r.status === 'skipped' || r.status === 'accepted').length;
  lines.push(
    `<testsuites name="elser-mock contracts" tests="${results.length}" failures="${failures}" errors="0" skipped="${skipped}" time="${seconds(report.durationMs)}">`,
  );
  for (const row of tally(results)) {
    const cases = results.filter((r) => r.area === row.area && r.profile === row.profile);
    lines.push(
      `  <testsuite name="${escapeXml(`${row.area} [${row.profile}]`)}" tests="${cases.length}" failures="${row.failed}" errors="0" ` +
        `skipped="${row.skipped + row.accepted}" time="${seconds(row.durationMs)}" timestamp="${report.startedAt.toISOString()}">`,
    );
    lines.push('    <properties>');
    lines.push(`      <property name="target" value="${escapeXml(report.target)}"/>`);
    lines.push(`      <property name="profile" value="${row.profile}"/>`);
    lines.push(`      <property name="run" value="${report.runId}"/>`);
    lines.push('    </properties>');
    for (const result of cases) {
      const open = `    <testcase classname="${escapeXml(`contracts.${result.area}`)}" name="${escapeXml(result.name)}" file="${escapeXml(formatOrigin(result.origin))}" time="${seconds(result.durationMs)}"`;
      const details = result.failures.map(formatFailure).join('\n\n');
      if (result.status === 'passed') {
        lines.push(`${open}/>`);
      } else if (result.status === 'skipped') {
        lines.push(`${open}>`, `      <skipped message="${escapeXml(result.skipReason ?? '')}"/>`, '    </testcase>');
      } else if (result.status === 'accepted') {
        lines.push(
          `${open}>`,
          `      <skipped message="${escapeXml(`accepted difference: ${result.acceptedReason ?? ''}`)}"/>`,
          `      <system-out>${escapeXml(details)}</system-out>`,
          '    </testcase>',
        );
      } else {
        const first = result.failures[0];
        const message = first ? `${first.step}: ${first.message}` : 'failed';
        const type = first?.kind ?? 'expectation';
        lines.push(
          `${open}>`,
          `      <failure message="${escapeXml(message)}" type="${type}">${escapeXml(details)}</failure>`,
          '    </testcase>',
        );
      }
    }
    lines.push('  </testsuite>');
  }
  lines.push('</testsuites>');
  return `${lines.join('\n')}\n`;
}

import type { CaseResult, RunReport } from '../results';
import { printResult, printSummary } from './console';
import { escapeXml, junitXml } from './junit';
import { markdownReport } from './markdown';

const failure = {
  step: 'request',
  kind: 'expectation' as const,
  message: 'status: expected status 404, got 200 <& "quoted">',
  diff: '--- expected\n+++ actual\n- status: 404\n+ status: 200',
  reproduction: [`curl -sS -i 'http://localhost:9200/_inference/ct-abcde-get-missing'`],
};

function result(partial: Partial<CaseResult> & Pick<CaseResult, 'area' | 'name' | 'status'>): CaseResult {
  return {
    profile: '9.1',
    origin: { file: 'contracts/get.yaml', line: 3 },
    durationMs: 12,
    failures: [],
    inferenceId: 'ct-abcde-x',
    ...partial,
  };
}

const REPORT: RunReport = {
  target: 'http://localhost:9200 (version 9.1.0, profile 9.1)',
  runId: 'abcde',
  startedAt: new Date('2026-01-02T03:04:05.000Z'),
  durationMs: 1500,
  results: [
    result({ area: 'get', name: 'lists', status: 'passed' }),
    result({ area: 'get', name: 'missing | piped', status: 'failed', failures: [failure] }),
    result({
      area: 'get',
      name: 'old',
      status: 'skipped',
      skipReason: 'applies to profile 8.15; the target runs profile 9.1',
      durationMs: 0,
    }),
    result({ area: 'delete', name: 'drift', status: 'accepted', acceptedReason: 'the cluster has pipelines', failures: [failure] }),
  ],
  cleanup: { deleted: ['ct-abcde-left'], errors: [] },
  staleBaseline: [{ area: 'get', case: 'lists', reason: 'fixed in 9.1.1' }],
};

describe('JUnit XML', () => {
  const xml = junitXml(REPORT);

  it('has one testsuite per area and profile with its counts', () => {
    expect(xml).toContain('<testsuites name="elser-mock contracts" tests="4" failures="1" errors="0" skipped="2" time="1.500">');
    expect(xml).toContain(
      '<testsuite name="get [9.1]" tests="3" failures="1" errors="0" skipped="1" time="0.024" timestamp="2026-01-02T03:04:05.000Z">',
    );
    expect(xml).toContain('<testsuite name="delete [9.1]" tests="1" failures="0" errors="0" skipped="1"');
    expect(xml).toContain('<property name="target" value="http://localhost:9200 (version 9.1.0, profile 9.1)"/>');
  });

  it('writes each case with its failure, curl and diff, or its skip reason', () => {
    expect(xml).toContain('<testcase classname="contracts.get" name="lists" file="contracts/get.yaml:3" time="0.012"/>');
    expect(xml).toContain(
      '<failure message="request: status: expected status 404, got 200 &lt;&amp; &quot;quoted&quot;&gt;" type="expectation">request: status: expected status 404',
    );
    expect(xml).toContain('curl -sS -i &apos;http://localhost:9200/_inference/ct-abcde-get-missing&apos;');
    expect(xml).toContain('- status: 404\n+ status: 200</failure>');
    expect(xml).toContain('<skipped message="applies to profile 8.15; the target runs profile 9.1"/>');
    expect(xml).toContain('<skipped message="accepted difference: the cluster has pipelines"/>');
    expect(xml).toMatch(/<system-out>request: status: expected status 404[^<]*<\/system-out>/);
  });

  it('is well formed: tags balance and no control characters survive', () => {
    const opened = (xml.match(/<(testsuites|testsuite|testcase|failure|properties|system-out)[ >]/g) ?? []).length;
    const closed = (xml.match(/<\/(testsuites|testsuite|testcase|failure|properties|system-out)>/g) ?? []).length;
    const selfClosed = (xml.match(/<testcase [^>]*\/>/g) ?? []).length;
    expect(opened).toBe(closed + selfClosed);
    expect(escapeXml('a\u0000b\u001bc&')).toBe('abc&amp;');
  });
});

describe('Markdown report', () => {
  const markdown = markdownReport(REPORT);

  it('summarises pass, fail, skip and accepted per area', () => {
    expect(markdown).toContain('| Area | Profile | Cases | Passed | Failed | Skipped | Accepted |');
    expect(markdown).toContain('| get | 9.1 | 3 | 1 | 1 | 1 | 0 |');
    expect(markdown).toContain('| delete | 9.1 | 1 | 0 | 0 | 0 | 1 |');
    expect(markdown).toContain('| **Total** | | 4 | 1 | 1 | 1 | 1 |');
    expect(markdown).toContain('- Result: **failed** — 1 passed, 1 failed, 1 skipped, 1 accepted');
  });

  it('lists each failure with where it is defined, its curl and its diff', () => {
    expect(markdown).toContain('### get › missing \\| piped [9.1]');
    expect(markdown).toContain('Defined in `contracts/get.yaml:3`; id `ct-abcde-x`.');
    expect(markdown).toContain("```sh\ncurl -sS -i 'http://localhost:9200/_inference/ct-abcde-get-missing'\n```");
    expect(markdown).toContain('```diff\n--- expected\n+++ actual\n- status: 404\n+ status: 200\n```');
    expect(markdown).toContain('## Accepted differences');
    expect(markdown).toContain('Accepted: the cluster has pipelines');
    expect(markdown).toContain('- get › lists: fixed in 9.1.1');
    expect(markdown).toContain('Deleted leftover endpoints: `ct-abcde-left`');
  });

  it('says so when nothing failed', () => {
    const passed = markdownReport({ ...REPORT, results: [REPORT.results[0]], staleBaseline: [], cleanup: { deleted: [], errors: [] } });
    expect(passed).toContain('## Failures\n\nNone.');
    expect(passed).toContain('- Result: **passed**');
  });
});

describe('console output', () => {
  it('prints a line per case, failures with their reproduction, and a summary table', () => {
    let out = '';
    const write = (text: string) => (out += text);
    for (const r of REPORT.results) printResult(write, r);
    printSummary(write, REPORT);
    expect(out).toContain('PASS     get › lists [9.1] (12 ms)');
    expect(out).toContain(
      'FAIL     get › missing | piped [9.1] (12 ms)\n    defined in contracts/get.yaml:3\n    request: status: expected status 404',
    );
    expect(out).toContain("      curl -sS -i 'http://localhost:9200/_inference/ct-abcde-get-missing'");
    expect(out).toContain('SKIP     get › old [9.1] — applies to profile 8.15');
    expect(out).toContain('ACCEPTED delete › drift [9.1] — accepted: the cluster has pipelines');
    expect(out).toMatch(/area\s+profile\s+cases\s+passed\s+failed\s+skipped\s+accepted\nget\s+9\.1\s+3\s+1\s+1\s+1\s+0\n/);
    expect(out).toContain('baseline entry no longer needed (the case passed): get › lists');
    expect(out).toContain('FAILED: 1 passed, 1 failed, 1 skipped, 1 accepted (1.5 s)');
  });
});

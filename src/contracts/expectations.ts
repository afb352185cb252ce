import type { Expect, Matcher } from './case-model';
import { lookup, parsePath } from './json-path';
import { compact, deepEqual, isPlainObject, parseJson, pretty, sortKeys } from './json-values';
import { lineDiff } from './line-diff';
import { describeMatcher, matchValue } from './matchers';

/**
 * Compares a response with an `expect` block. Each expectation becomes a check that shows,
 * for the diff, what was expected and what came; a check that holds shows the actual value on
 * both sides, so the diff only marks what differs.
 */

export interface ObservedAnswer {
  status: number;
  headers: Record<string, string>;
  text: string;
  body: unknown;
}

export interface Check {
  label: string;
  ok: boolean;
  expected: string;
  actual: string;
  problems: string[];
}

const MAX_INLINE = 400;

function inline(value: unknown): string {
  const text = compact(value);
  return text.length > MAX_INLINE ? `${text.slice(0, MAX_INLINE)}... (${text.length} chars)` : text;
}

function matcherCheck(label: string, matcher: Matcher, found: { present: boolean; value?: unknown }): Check {
  const problems = matchValue(matcher, found.value, found.present);
  return {
    label,
    ok: problems.length === 0,
    expected: `matches ${describeMatcher(matcher)}`,
    actual: found.present ? inline(found.value) : '<absent>',
    problems,
  };
}

function equalityCheck(label: string, expected: unknown, found: { present: boolean; value?: unknown }): Check {
  const ok = found.present && deepEqual(found.value, expected);
  return {
    label,
    ok,
    expected: inline(expected),
    actual: found.present ? inline(found.value) : '<absent>',
    problems: ok ? [] : [`expected ${inline(expected)}, got ${found.present ? inline(found.value) : 'nothing'}`],
  };
}

function at(body: unknown, path: string): { present: boolean; value?: unknown } {
  const found = lookup(body, parsePath(path));
  return found.present ? { present: true, value: found.value } : { present: false };
}

function actualBody(answer: ObservedAnswer, sorted: boolean): string {
  if (answer.body !== undefined) return pretty(sorted ? sortKeys(answer.body) : answer.body);
  return answer.text === '' ? '<empty body>' : answer.text;
}

function bodyTextCheck(expected: string, answer: ObservedAnswer): Check {
  const ok = answer.text === expected;
  const expectedJson = parseJson(expected);
  let shownExpected = expected;
  let shownActual = answer.text;
  if (expectedJson !== undefined && answer.body !== undefined && pretty(expectedJson) !== pretty(answer.body)) {
    shownExpected = pretty(expectedJson);
    shownActual = pretty(answer.body);
  }
  return {
    label: 'body text',
    ok,
    expected: shownExpected,
    actual: ok ? expected : shownActual,
    problems: ok ? [] : ['the body text differs'],
  };
}

export function checkAnswer(expect: Expect, answer: ObservedAnswer): Check[] {
  const checks: Check[] = [];
  if (expect.status !== undefined) checks.push(statusCheck(String(expect.status), answer.status === expect.status, answer.status));
  for (const [name, expected] of Object.entries(expect.headers ?? {})) {
    const value = answer.headers[name.toLowerCase()];
    const found = value === undefined ? { present: false } : { present: true, value };
    checks.push(
      typeof expected === 'string'
        ? equalityCheck(`header ${name.toLowerCase()}`, expected, found)
        : matcherCheck(`header ${name.toLowerCase()}`, expected, found),
    );
  }
  if ('body' in expect) {
    const ordered = expect.keyOrder === true;
    const equal = answer.body !== undefined && deepEqual(answer.body, expect.body);
    const ok = equal && (!ordered || JSON.stringify(answer.body) === JSON.stringify(expect.body));
    checks.push({
      label: 'body',
      ok,
      // Without keyOrder both sides are shown sorted, so that order alone makes no diff.
      expected: pretty(ordered ? expect.body : sortKeys(expect.body)),
      actual: actualBody(answer, !ordered),
      problems: ok
        ? []
        : [equal ? 'the body has the expected content with its keys in another order' : 'the body differs from the expected one'],
    });
  }
  if (expect.bodyText !== undefined) checks.push(bodyTextCheck(expect.bodyText, answer));
  if (expect.error) {
    const { type, reason } = expect.error;
    const body = isPlainObject(answer.body) ? answer.body : undefined;
    checks.push(equalityCheck('body.status', answer.status, at(body, 'status')));
    for (const prefix of ['error', 'error.root_cause.0']) {
      checks.push(equalityCheck(`body.${prefix}.type`, type, at(body, `${prefix}.type`)));
      const found = at(body, `${prefix}.reason`);
      checks.push(
        typeof reason === 'string'
          ? equalityCheck(`body.${prefix}.reason`, reason, found)
          : matcherCheck(`body.${prefix}.reason`, reason, found),
      );
    }
  }
  for (const [path, matcher] of Object.entries(expect.match ?? {})) {
    checks.push(matcherCheck(path === '' ? 'body' : `body.${path}`, matcher, at(answer.body, path)));
  }
  return checks;
}

function statusCheck(expected: string, ok: boolean, actual: number): Check {
  return { label: 'status', ok, expected, actual: String(actual), problems: ok ? [] : [`expected status ${expected}, got ${actual}`] };
}

/** What a step without its own expectations must do: answer 2xx. */
export function checkSuccess(answer: ObservedAnswer): Check[] {
  return [statusCheck('2xx', answer.status >= 200 && answer.status < 300, answer.status)];
}

export const allHold = (checks: readonly Check[]) => checks.every((check) => check.ok);

/** One line per failed check: `status: expected status 404, got 200`. */
export function describeFailedChecks(checks: readonly Check[]): string[] {
  return checks.filter((check) => !check.ok).map((check) => `${check.label}: ${check.problems.join('; ')}`);
}

function render(label: string, text: string): string[] {
  return text.includes('\n') ? [`${label}:`, ...text.split('\n').map((line) => `  ${line}`)] : [`${label}: ${text}`];
}

export function diffChecks(checks: readonly Check[]): string {
  const expected = checks.flatMap((check) => render(check.label, check.ok ? check.actual : check.expected));
  const actual = checks.flatMap((check) => render(check.label, check.actual));
  return lineDiff(expected.join('\n'), actual.join('\n'));
}

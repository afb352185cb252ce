/**
 * A line diff of expected against actual: `-` lines are expected only, `+` lines actual only.
 * Runs of unchanged lines longer than twice the context are shortened.
 */

/** Above this table size the diff shows both sides in bulk instead of aligning them. */
const MAX_CELLS = 4_000_000;
const BULK_LINES = 200;

type Op = { kind: ' ' | '-' | '+'; line: string };

function diffOps(expected: string[], actual: string[]): Op[] {
  const n = expected.length;
  const m = actual.length;
  // Longest common subsequence table, filled from the end.
  const lcs: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i][j] = expected[i] === actual[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
    }
  }
  const ops: Op[] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (expected[i] === actual[j]) {
      ops.push({ kind: ' ', line: expected[i] });
      i++;
      j++;
    } else if (lcs[i + 1][j] >= lcs[i][j + 1]) {
      ops.push({ kind: '-', line: expected[i++] });
    } else {
      ops.push({ kind: '+', line: actual[j++] });
    }
  }
  while (i < n) ops.push({ kind: '-', line: expected[i++] });
  while (j < m) ops.push({ kind: '+', line: actual[j++] });
  return ops;
}

/** Returns the diff as text, or an empty string when both sides are equal. */
export function lineDiff(expected: string, actual: string, context = 3): string {
  const expectedLines = expected.split('\n');
  const actualLines = actual.split('\n');
  if (expectedLines.length * actualLines.length > MAX_CELLS) return bulkDiff(expectedLines, actualLines);
  const ops = diffOps(expectedLines, actualLines);
  if (ops.every((op) => op.kind === ' ')) return '';
  const out: string[] = ['--- expected', '+++ actual'];
  let index = 0;
  while (index < ops.length) {
    if (ops[index].kind !== ' ') {
      out.push(`${ops[index].kind} ${ops[index].line}`);
      index++;
      continue;
    }
    let end = index;
    while (end < ops.length && ops[end].kind === ' ') end++;
    const run = ops.slice(index, end);
    const keepHead = index === 0 ? 0 : context;
    const keepTail = end === ops.length ? 0 : context;
    if (run.length > keepHead + keepTail + 1) {
      for (const op of run.slice(0, keepHead)) out.push(`  ${op.line}`);
      out.push(`  ... ${run.length - keepHead - keepTail} unchanged line(s)`);
      for (const op of run.slice(run.length - keepTail)) out.push(`  ${op.line}`);
    } else {
      for (const op of run) out.push(`  ${op.line}`);
    }
    index = end;
  }
  return out.join('\n');
}

function bulkDiff(expected: string[], actual: string[]): string {
  if (expected.join('\n') === actual.join('\n')) return '';
  const side = (kind: string, lines: string[]) => [
    ...lines.slice(0, BULK_LINES).map((line) => `${kind} ${line}`),
    ...(lines.length > BULK_LINES ? [`${kind} ... ${lines.length - BULK_LINES} more line(s)`] : []),
  ];
  return ['--- expected', '+++ actual', ...side('-', expected), ...side('+', actual)].join('\n');
}

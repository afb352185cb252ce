import type { ProcessMemory } from './memory';
import type { BenchResults, Check } from './harness';

const fixed = (value: number | undefined, digits = 1) => (value === undefined || !Number.isFinite(value) ? '–' : value.toFixed(digits));
const percent = (value: number) => (Number.isFinite(value) ? `${(value * 100).toFixed(1)} %` : '–');

function table(header: string[], rows: string[][]): string {
  const lines = [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`];
  for (const row of rows) lines.push(`| ${row.join(' | ')} |`);
  return lines.join('\n');
}

function checkValue(check: Check): string {
  if (check.unit === '×') return fixed(check.value, 3);
  return `${fixed(check.value, check.unit === 'ms' ? 2 : 0)} ${check.unit}`;
}

function checkTarget(check: Check): string {
  const target = check.unit === '×' ? `${check.target}` : `${check.target} ${check.unit}`;
  return `${check.kind === 'min' ? '≥' : '≤'} ${target}`;
}

const memoryCell = (memory?: ProcessMemory) =>
  memory
    ? `${fixed(memory.rssMb, 0)} (PSS ${fixed(memory.pssMb, 0)}, anon ${fixed(memory.anonMb, 0)}, file ${fixed(memory.fileMb, 0)})`
    : '–';

/** The results as Markdown: targets first, then every measurement. */
export function markdownReport(results: BenchResults): string {
  const parts: string[] = [];
  parts.push(`# elser-mock benchmark${results.quick ? ' (quick)' : ''}`);
  parts.push(
    [
      `${results.startedAt}, ${results.durationSeconds.toFixed(0)} s; ${results.machine.cpu}, ${results.machine.logicalCpus} logical CPUs, ` +
        `${results.machine.memoryGb.toFixed(0)} GB; Node ${results.machine.node}, onnxruntime-node ${results.machine.onnxruntime}.`,
      `Load average before ${results.machine.loadAverageBefore.map((value) => value.toFixed(2)).join(' ')}, ` +
        `after ${results.machine.loadAverageAfter.map((value) => value.toFixed(2)).join(' ')}.`,
      `${results.config.seconds} s per measurement, ${results.config.rounds} raw/HTTP alternation(s) per cell (median kept), ` +
        `${results.config.clientsPerAllocation} HTTP callers per allocation, one input per request.`,
    ].join('\n'),
  );

  parts.push('## Targets');
  parts.push(
    table(
      ['measure', 'value', 'target', 'met'],
      results.checks.map((check) => [
        check.name + (check.note ? ` (${check.note})` : ''),
        checkValue(check),
        checkTarget(check),
        check.met ? 'yes' : '**no**',
      ]),
    ),
  );

  parts.push('## Throughput: raw ONNX Runtime vs the server over HTTP');
  parts.push(
    table(
      [
        'model',
        'tokens',
        'layout',
        'raw seq/s',
        'raw p50 / p99 ms',
        'raw peak RSS MB',
        'HTTP seq/s',
        'HTTP p50 / p99 ms',
        'server peak RSS MB',
        'HTTP / raw',
        'HTTP GFLOP/s',
      ],
      results.throughput.map((row) => [
        row.model,
        String(row.tokens),
        row.layout,
        fixed(row.raw.throughput, 2),
        `${fixed(row.raw.p50Ms)} / ${fixed(row.raw.p99Ms)}`,
        fixed(row.raw.peakRssMb, 0),
        fixed(row.http.throughput, 2),
        `${fixed(row.http.p50Ms)} / ${fixed(row.http.p99Ms)}`,
        fixed(row.http.peakRssMb, 0),
        percent(row.ratio),
        fixed(row.httpGflops),
      ]),
    ),
  );
  const diagnosed = results.throughput.filter((row) => row.rawServerOptions);
  if (diagnosed.length > 0) {
    parts.push(
      table(
        ['model', 'tokens', 'layout', 'raw seq/s', "raw, server's session options", 'HTTP seq/s', 'options / raw', 'HTTP / options'],
        diagnosed.map((row) => [
          row.model,
          String(row.tokens),
          row.layout,
          fixed(row.raw.throughput, 2),
          fixed(row.rawServerOptions!.throughput, 2),
          fixed(row.http.throughput, 2),
          percent(row.rawServerOptions!.throughput / row.raw.throughput),
          percent(row.http.throughput / row.rawServerOptions!.throughput),
        ]),
      ),
    );
  }
  parts.push(
    'Raw: the same ONNX file in worker threads (one per allocation, same intra-op threads), prepared feeds, runs back to back, ' +
      'ORT defaults otherwise (arena on, spinning on). HTTP: keep-alive clients on loopback in a separate process. ' +
      'Peak RSS covers every length of a layout. Throughput is (completions − 1) / (last − first completion).',
  );

  parts.push('## MatMul ceiling and FLOP efficiency');
  parts.push(
    table(
      ['layout', 'MatMul shape', 'GFLOP/s'],
      results.ceiling.map((row) => [row.layout, `[${row.shape.m}x${row.shape.k}]·[${row.shape.k}x${row.shape.n}]`, fixed(row.gflops)]),
    ),
  );
  if (results.efficiency.length > 0) {
    parts.push(
      table(
        ['model', 'tokens', 'layout', 'HTTP GFLOP/s', 'raw GFLOP/s', 'ceiling GFLOP/s', 'HTTP / ceiling'],
        results.efficiency.map((row) => [
          row.model,
          String(row.tokens),
          row.layout,
          fixed(row.httpGflops),
          fixed(row.rawGflops),
          fixed(row.ceilingGflops),
          percent(row.ratio),
        ]),
      ),
    );
    parts.push('FLOPs per sequence: F(S) = S·(218·10⁶ + 36 864·S).');
  }

  if (results.int8.speedup.length > 0 || results.int8.topOverlap) {
    parts.push('## int8 vs fp32 (bert-base, over HTTP)');
    if (results.int8.speedup.length > 0) {
      parts.push(
        table(
          ['tokens', 'layout', 'fp32 seq/s', 'int8 seq/s', 'int8 / fp32'],
          results.int8.speedup.map((row) => [String(row.tokens), row.layout, fixed(row.fp32, 2), fixed(row.int8, 2), fixed(row.ratio, 2)]),
        ),
      );
    }
    const overlap = results.int8.topOverlap;
    if (overlap)
      parts.push(
        `Top-20 token overlap of int8 with fp32 over ${overlap.texts} inputs: mean ${percent(overlap.mean)}, min ${percent(overlap.min)}.`,
      );
  }

  if (results.dynamicBatching.length > 0) {
    parts.push('## Dynamic batching');
    parts.push(
      table(
        [
          'model',
          'layout',
          'clients',
          'on: q/s',
          'on: p50 / p99 ms',
          'off: q/s',
          'off: p50 / p99 ms',
          'on / off',
          'raw: batched / single q/s',
          'raw gain',
        ],
        results.dynamicBatching.map((row) => [
          row.model,
          row.layout,
          String(row.clients),
          fixed(row.on.throughput),
          `${fixed(row.on.p50Ms)} / ${fixed(row.on.p99Ms)}`,
          fixed(row.off.throughput),
          `${fixed(row.off.p50Ms)} / ${fixed(row.off.p99Ms)}`,
          fixed(row.ratio, 2),
          `${fixed(row.raw.batched)} / ${fixed(row.raw.single)}`,
          fixed(row.raw.ratio, 2),
        ]),
      ),
    );
    parts.push(
      'Queries of 4 to 16 tokens (uniformly), one per request. Raw: the same queries run by the raw baseline one at a time, and ' +
        'sorted by length in batches of ten padded to their longest; its gain is what batching can give on this machine, ' +
        'since a batch is as fast as the model runs it.',
    );
  }

  if (results.latency.length > 0) {
    parts.push('## Built-in model: one query at a time');
    parts.push(
      table(
        ['layout', 'tokens', 'HTTP p50 / p99 ms', 'raw p50 / p99 ms', 'requests'],
        results.latency.map((row) => [
          row.layout,
          String(row.tokens),
          `${fixed(row.http.p50Ms, 2)} / ${fixed(row.http.p99Ms, 2)}`,
          `${fixed(row.raw.p50Ms, 2)} / ${fixed(row.raw.p99Ms, 2)}`,
          String(row.http.count),
        ]),
      ),
    );
    parts.push(
      'One client, one query at a time; raw and HTTP alternate as many times as a throughput cell, and percentiles pool the rounds.',
    );
  }

  parts.push('## Process');
  const lines: string[] = [];
  if (results.coldStart) {
    lines.push(
      `- Cold start of \`node dist/cli.js --port 0 --in-memory\` to its "listening" line: median ${fixed(results.coldStart.medianMs, 0)} ms (${results.coldStart.samplesMs.map((sample) => sample.toFixed(0)).join(', ')}).`,
    );
  }
  if (results.idle) {
    lines.push(`- RSS MB before any endpoint: ${memoryCell(results.idle.beforeEndpoint)}.`);
    lines.push(
      `- RSS MB with one idle built-in endpoint (1 allocation × 1 thread, after one inference): ${memoryCell(results.idle.idleEndpoint)}.`,
    );
  }
  const second = results.secondAllocation;
  if (second) {
    lines.push(
      `- Second allocation of ${second.model} (MB): ${second.steps.map((step) => `${step.label}: ${memoryCell(step.memory)}`).join('; ')}.`,
    );
    lines.push(
      `- First allocation +${fixed(second.firstMb.rss, 0)} RSS / +${fixed(second.firstMb.pss, 0)} PSS / +${fixed(second.firstMb.anon, 0)} anon; ` +
        `second +${fixed(second.secondMb.rss, 0)} / +${fixed(second.secondMb.pss, 0)} / +${fixed(second.secondMb.anon, 0)}; ` +
        `ratio ${percent(second.ratio.rss)} / ${percent(second.ratio.pss)} / ${percent(second.ratio.anon)}.`,
    );
  }
  parts.push(lines.join('\n'));
  return `${parts.join('\n\n')}\n`;
}

/** A short summary for the terminal. */
export function consoleSummary(results: BenchResults): string {
  const lines = ['', 'targets:'];
  for (const check of results.checks) {
    lines.push(`  ${check.met ? 'ok  ' : 'MISS'} ${check.name}: ${checkValue(check)} (${checkTarget(check)})`);
  }
  return lines.join('\n');
}

import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { env as ortEnv } from 'onnxruntime-node';
import { sessionOptionsFor } from '../model/allocation/session-options';
import { loadBertUncasedVocabulary } from '../model/vocabulary';
import { HttpClient, runLoad } from './http-client';
import { matMulFeeds, matMulFlops, matMulModel, MatMulShape } from './matmul-model';
import { processMemory, ProcessMemory } from './memory';
import { BenchModel, BenchModelName, ensureModels } from './models';
import { BenchOptions, Layout, layoutName } from './options';
import { RawRunner, ServerProcess, startCli, stopProcess } from './processes';
import type { FeedSet } from './protocol';
import { MeasuredRound, Sample, combineRounds, median, sampleOf } from './stats';
import { BenchText, TextFactory } from './texts';

/** FLOPs of one BERT-base + MLM head forward pass over `tokens` tokens (reference §3.1). */
export const bertBaseFlops = (tokens: number) => tokens * (218e6 + 36_864 * tokens);

export const TARGETS = {
  httpVsRaw: 0.95,
  flopEfficiency: 0.75,
  int8Speedup: 2.5,
  int8TopOverlap: 0.9,
  dynamicBatching: 2,
  builtinP50Ms: 2,
  coldStartMs: 1500,
  idleRssMb: 200,
  secondAllocation: 0.25,
} as const;

const ENDPOINT = 'bench';
const INFER_PATH = `/_inference/sparse_embedding/${ENDPOINT}`;
const TEXTS_PER_LENGTH = 32;
const LATENCY_TOKENS = 10;
const TOP_K = 20;
/** Measurements go on past `--seconds` until each allocation (or raw worker) completed this many runs. */
const MIN_COMPLETIONS_PER_SERVER = 6;

export interface Measured extends Sample {
  peakRssMb?: number;
}

export interface ThroughputRow {
  model: BenchModelName;
  tokens: number;
  layout: string;
  raw: Measured;
  /** With `--diagnose`: the raw baseline under the server's session options. */
  rawServerOptions?: Measured;
  http: Measured;
  /** HTTP throughput / raw throughput. */
  ratio: number;
  /** Achieved FLOP rate end to end (BERT-base models only), GFLOP/s. */
  httpGflops?: number;
  rawGflops?: number;
}

export interface CeilingRow {
  layout: string;
  shape: MatMulShape;
  gflops: number;
}

export interface Check {
  name: string;
  value: number;
  target: number;
  /** `min`: value must be at least the target; `max`: at most. */
  kind: 'min' | 'max';
  unit: string;
  met: boolean;
  note?: string;
}

export interface LatencyRow {
  model: BenchModelName;
  layout: string;
  tokens: number;
  http: Sample;
  raw: Sample;
}

export interface MemoryStep {
  label: string;
  memory?: ProcessMemory;
}

export interface BenchResults {
  schema: 1;
  startedAt: string;
  durationSeconds: number;
  quick: boolean;
  config: {
    models: BenchModelName[];
    lengths: number[];
    seconds: number;
    rounds: number;
    layouts: string[];
    clientsPerAllocation: number;
    batchingClients: number;
  };
  machine: {
    cpu: string;
    logicalCpus: number;
    memoryGb: number;
    node: string;
    onnxruntime: string;
    loadAverageBefore: number[];
    loadAverageAfter: number[];
  };
  throughput: ThroughputRow[];
  ceiling: CeilingRow[];
  efficiency: {
    layout: string;
    tokens: number;
    model: BenchModelName;
    httpGflops: number;
    rawGflops: number;
    ceilingGflops: number;
    ratio: number;
  }[];
  int8: {
    speedup: { layout: string; tokens: number; fp32: number; int8: number; ratio: number }[];
    topOverlap?: { texts: number; mean: number; min: number };
  };
  dynamicBatching: {
    model: BenchModelName;
    layout: string;
    clients: number;
    on: Sample;
    off: Sample;
    ratio: number;
    /** The same queries run by the raw baseline one at a time and in batches of ten alike in length: what batching can gain here. */
    raw: { single: number; batched: number; ratio: number };
  }[];
  latency: LatencyRow[];
  coldStart?: { samplesMs: number[]; medianMs: number };
  idle?: { beforeEndpoint?: ProcessMemory; idleEndpoint?: ProcessMemory };
  secondAllocation?: {
    model: BenchModelName;
    steps: MemoryStep[];
    firstMb: { rss: number; pss: number; anon: number };
    secondMb: { rss: number; pss: number; anon: number };
    ratio: { rss: number; pss: number; anon: number };
  };
  checks: Check[];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One `[texts, longest]` feed, padded like the server pads a batch. */
function batchFeedsOf(texts: readonly BenchText[]): FeedSet {
  const width = Math.max(...texts.map((text) => text.ids.length));
  const ids = new BigInt64Array(texts.length * width);
  const mask = new BigInt64Array(texts.length * width);
  texts.forEach((text, row) =>
    text.ids.forEach((id, column) => {
      ids[row * width + column] = BigInt(id);
      mask[row * width + column] = 1n;
    }),
  );
  const dims = [texts.length, width];
  return {
    input_ids: { type: 'int64', data: ids, dims },
    attention_mask: { type: 'int64', data: mask, dims },
    token_type_ids: { type: 'int64', data: new BigInt64Array(texts.length * width), dims },
  };
}

const feedsOf = (text: BenchText): FeedSet => batchFeedsOf([text]);

const bodyOf = (texts: readonly BenchText[]) => JSON.stringify({ input: texts.map((text) => text.text) });

function endpointBody(model: BenchModel, layout: Layout): string {
  return JSON.stringify({
    service: 'elasticsearch',
    service_settings: { model_id: model.modelId, num_allocations: layout.allocations, num_threads: layout.threads },
  });
}

/** A server with one endpoint deployed for `model` in `layout`. */
async function deployedServer(model: BenchModel, layout: Layout, clients: number, dynamicBatching = true) {
  const server = await ServerProcess.start({
    modelRepository: model.repository,
    allocatedProcessors: Math.max(availableParallelism(), layout.allocations * layout.threads),
    dynamicBatching,
  });
  const client = new HttpClient(server.url, clients + 2);
  try {
    await client.ok('PUT', `/_inference/sparse_embedding/${ENDPOINT}?timeout=300s`, endpointBody(model, layout));
  } catch (error) {
    client.close();
    await server.stop();
    throw error;
  }
  return { server, client };
}

type Deployed = Awaited<ReturnType<typeof deployedServer>>;

async function stopDeployed(deployed: Deployed): Promise<void> {
  deployed.client.close();
  await deployed.server.stop();
}

/** Starts two things at once; if either fails, stops the other and rethrows. */
async function startedTogether<A, B>(
  a: Promise<A>,
  b: Promise<B>,
  stopA: (value: A) => Promise<void>,
  stopB: (value: B) => Promise<void>,
): Promise<[A, B]> {
  const [first, second] = await Promise.allSettled([a, b]);
  if (first.status === 'fulfilled' && second.status === 'fulfilled') return [first.value, second.value];
  if (first.status === 'fulfilled') await stopA(first.value);
  if (second.status === 'fulfilled') await stopB(second.value);
  throw first.status === 'rejected' ? first.reason : (second as PromiseRejectedResult).reason;
}

/** The top-k tokens of each embedding of a response (by weight; JSON.parse reorders numeric keys). */
function topTokens(responseBody: string, k: number): string[][] {
  const parsed = JSON.parse(responseBody) as { sparse_embedding: { embedding: Record<string, number> }[] };
  return parsed.sparse_embedding.map((item) =>
    Object.entries(item.embedding)
      .sort((a, b) => b[1] - a[1])
      .slice(0, k)
      .map(([token]) => token),
  );
}

function check(name: string, value: number, target: number, kind: 'min' | 'max', unit: string, note?: string): Check {
  const met = Number.isFinite(value) && (kind === 'min' ? value >= target : value <= target);
  return { name, value, target, kind, unit, met, ...(note ? { note } : {}) };
}

/** How long memory readings wait for the process to settle. */
const settleMs = (options: BenchOptions) => (options.quick ? 300 : 1000);

const warmupFor = (seconds: number) => Math.max(0.1, Math.min(2, seconds / 4));

export async function runBench(options: BenchOptions, log: (line: string) => void = () => undefined): Promise<BenchResults> {
  const startedAt = new Date();
  const loadAverageBefore = loadavg();
  const names = [...new Set<BenchModelName>(['builtin', ...options.models])];
  const models = await ensureModels(names, options.modelsDir, log);
  const byName = new Map(models.map((model) => [model.name, model]));
  const factory = new TextFactory(loadBertUncasedVocabulary());
  const textsByLength = new Map(options.lengths.map((tokens) => [tokens, factory.texts(tokens, TEXTS_PER_LENGTH, tokens)]));
  const warmupSeconds = warmupFor(options.seconds);

  const results: BenchResults = {
    schema: 1,
    startedAt: startedAt.toISOString(),
    durationSeconds: 0,
    quick: options.quick,
    config: {
      models: options.models,
      lengths: options.lengths,
      seconds: options.seconds,
      rounds: options.rounds,
      layouts: options.layouts.map(layoutName),
      clientsPerAllocation: options.clientsPerAllocation,
      batchingClients: options.batchingClients,
    },
    machine: {
      cpu: cpus()[0]?.model ?? 'unknown',
      logicalCpus: availableParallelism(),
      memoryGb: totalmem() / 1e9,
      node: process.version,
      onnxruntime: ortEnv.versions.node ?? 'unknown',
      loadAverageBefore,
      loadAverageAfter: [],
    },
    throughput: [],
    ceiling: [],
    efficiency: [],
    int8: { speedup: [] },
    dynamicBatching: [],
    latency: [],
    checks: [],
  };

  // Top-k tokens per model, for the int8/fp32 overlap.
  const topByModel = new Map<BenchModelName, string[][]>();
  const overlapTexts = [...textsByLength.values()].flatMap((texts) => texts.slice(0, 8));

  for (const model of options.models.map((name) => byName.get(name)!)) {
    for (const [layoutIndex, layout] of options.layouts.entries()) {
      const clients = layout.allocations * options.clientsPerAllocation;
      log(`${model.name} ${layoutName(layout)}: loading the raw baseline and the server`);
      const [runner, deployed] = await startedTogether(
        RawRunner.start({ model: model.file, workers: layout.allocations, threads: layout.threads }).then((started) => started.runner),
        deployedServer(model, layout, Math.max(clients, 1)),
        (started) => started.stop(),
        (started) => stopDeployed(started),
      );
      const serverOptionsRunner = options.diagnose
        ? await RawRunner.start({
            model: model.file,
            workers: layout.allocations,
            threads: layout.threads,
            extras: { ...sessionOptionsFor(layout.threads) },
          })
            .then((started) => started.runner)
            .catch(async (error: unknown) => {
              await Promise.all([stopDeployed(deployed), runner.stop()]);
              throw error;
            })
        : undefined;
      try {
        const { client } = deployed;
        const rowsOfLayout: ThroughputRow[] = [];
        for (const tokens of options.lengths) {
          const texts = textsByLength.get(tokens)!;
          const feeds = texts.map(feedsOf);
          const bodies = texts.map((text) => bodyOf([text]));
          const rawRounds: MeasuredRound[] = [];
          const diagnosticRounds: MeasuredRound[] = [];
          const httpRounds: MeasuredRound[] = [];
          for (let round = 0; round < options.rounds; round++) {
            const raw = await runner.measure({ feeds, seconds: options.seconds, warmupSeconds, minRuns: MIN_COMPLETIONS_PER_SERVER });
            rawRounds.push({ sample: sampleOf(raw.instants, raw.latenciesMs, layout.allocations), latenciesMs: raw.latenciesMs });
            await sleep(200);
            if (serverOptionsRunner) {
              const diagnostic = await serverOptionsRunner.measure({
                feeds,
                seconds: options.seconds,
                warmupSeconds,
                minRuns: MIN_COMPLETIONS_PER_SERVER,
              });
              diagnosticRounds.push({
                sample: sampleOf(diagnostic.instants, diagnostic.latenciesMs, layout.allocations),
                latenciesMs: diagnostic.latenciesMs,
              });
              await sleep(200);
            }
            const http = await runLoad(client, {
              method: 'POST',
              path: INFER_PATH,
              bodies,
              concurrency: clients,
              seconds: options.seconds,
              warmupSeconds,
              minCompletions: MIN_COMPLETIONS_PER_SERVER * layout.allocations,
            });
            httpRounds.push({ sample: sampleOf(http.instants, http.latenciesMs, layout.allocations), latenciesMs: http.latenciesMs });
            await sleep(200);
          }
          const raw = combineRounds(rawRounds);
          const http = combineRounds(httpRounds);
          const row: ThroughputRow = {
            model: model.name,
            tokens,
            layout: layoutName(layout),
            raw,
            http,
            ratio: http.throughput / raw.throughput,
          };
          if (serverOptionsRunner) row.rawServerOptions = combineRounds(diagnosticRounds);
          if (model.bertBase) {
            row.httpGflops = (http.throughput * bertBaseFlops(tokens)) / 1e9;
            row.rawGflops = (raw.throughput * bertBaseFlops(tokens)) / 1e9;
          }
          log(
            `  ${tokens} tokens: raw ${raw.throughput.toFixed(2)}/s, ` +
              (row.rawServerOptions ? `raw with the server's options ${row.rawServerOptions.throughput.toFixed(2)}/s, ` : '') +
              `http ${http.throughput.toFixed(2)}/s (${(row.ratio * 100).toFixed(1)} %), http p50 ${http.p50Ms.toFixed(1)} ms`,
          );
          rowsOfLayout.push(row);
        }

        if (model.name === 'builtin') {
          const text = factory.texts(LATENCY_TOKENS, 16, 7);
          const seconds = options.quick ? Math.min(1, options.seconds) : Math.max(1, options.seconds / 2);
          const feeds = text.map(feedsOf);
          const bodies = text.map((item) => bodyOf([item]));
          const rawRounds: MeasuredRound[] = [];
          const httpRounds: MeasuredRound[] = [];
          // Alternating rounds, as for throughput, so that a slow stretch of the machine weighs on both sides.
          for (let round = 0; round < options.rounds; round++) {
            const raw = await runner.measure({ feeds, seconds, warmupSeconds: 0.3, workers: 1 });
            rawRounds.push({ sample: sampleOf(raw.instants, raw.latenciesMs), latenciesMs: raw.latenciesMs });
            const http = await runLoad(client, { method: 'POST', path: INFER_PATH, bodies, concurrency: 1, seconds, warmupSeconds: 0.3 });
            httpRounds.push({ sample: sampleOf(http.instants, http.latenciesMs), latenciesMs: http.latenciesMs });
          }
          const row: LatencyRow = {
            model: model.name,
            layout: layoutName(layout),
            tokens: LATENCY_TOKENS,
            http: combineRounds(httpRounds),
            raw: combineRounds(rawRounds),
          };
          results.latency.push(row);
          log(`  one ${LATENCY_TOKENS}-token query: http p50 ${row.http.p50Ms.toFixed(2)} ms, raw p50 ${row.raw.p50Ms.toFixed(2)} ms`);
        }

        if (layoutIndex === 0 && model.bertBase) {
          const response = await client.ok('POST', INFER_PATH, bodyOf(overlapTexts));
          topByModel.set(model.name, topTokens(response.body, TOP_K));
        }

        const serverPeak = deployed.server.memory()?.peakRssMb;
        const rawPeak = runner.memory()?.peakRssMb;
        for (const row of rowsOfLayout) {
          row.http.peakRssMb = serverPeak;
          row.raw.peakRssMb = rawPeak;
        }
        results.throughput.push(...rowsOfLayout);
      } finally {
        await Promise.all([stopDeployed(deployed), runner.stop(), serverOptionsRunner?.stop()]);
      }
    }
  }

  await measureCeiling(options, results, log);
  computeEfficiency(results);
  computeInt8(results, topByModel);
  await measureDynamicBatching(options, byName, factory, results, log);
  await measureBuiltinProcess(options, byName.get('builtin')!, factory, results, log);
  await measureSecondAllocation(options, byName, factory, results, log);

  results.checks = checks(results);
  results.machine.loadAverageAfter = loadavg();
  results.durationSeconds = (Date.now() - startedAt.getTime()) / 1000;
  return results;
}

/** The FLOP rate of one `[S, 768] · [768, 3072]` MatMul (a BERT-base feed-forward layer) per layout and length. */
async function measureCeiling(options: BenchOptions, results: BenchResults, log: (line: string) => void): Promise<void> {
  const lengths = options.quick ? [Math.max(...options.lengths)] : options.lengths;
  for (const layout of options.layouts) {
    for (const tokens of lengths) {
      const shape: MatMulShape = { m: tokens, k: 768, n: 3072 };
      const model = matMulModel(options.modelsDir, shape);
      const { runner } = await RawRunner.start({ model, workers: layout.allocations, threads: layout.threads });
      try {
        const seconds = Math.min(options.seconds, 3);
        const timings = await runner.measure({ feeds: [matMulFeeds(shape)], seconds, warmupSeconds: warmupFor(seconds) });
        const gflops = (sampleOf(timings.instants, timings.latenciesMs, layout.allocations).throughput * matMulFlops(shape)) / 1e9;
        results.ceiling.push({ layout: layoutName(layout), shape, gflops });
        log(`MatMul [${tokens}x768]·[768x3072] ${layoutName(layout)}: ${gflops.toFixed(1)} GFLOP/s`);
      } finally {
        await runner.stop();
      }
    }
  }
}

function computeEfficiency(results: BenchResults): void {
  for (const row of results.throughput) {
    if (row.model !== 'bert-base-fp32' || row.httpGflops === undefined || row.rawGflops === undefined) continue;
    const ceiling = results.ceiling.find((candidate) => candidate.layout === row.layout && candidate.shape.m === row.tokens);
    if (!ceiling) continue;
    results.efficiency.push({
      layout: row.layout,
      tokens: row.tokens,
      model: row.model,
      httpGflops: row.httpGflops,
      rawGflops: row.rawGflops,
      ceilingGflops: ceiling.gflops,
      ratio: row.httpGflops / ceiling.gflops,
    });
  }
}

function computeInt8(results: BenchResults, topByModel: Map<BenchModelName, string[][]>): void {
  for (const fp32 of results.throughput.filter((row) => row.model === 'bert-base-fp32')) {
    const int8 = results.throughput.find(
      (row) => row.model === 'bert-base-int8' && row.layout === fp32.layout && row.tokens === fp32.tokens,
    );
    if (!int8) continue;
    results.int8.speedup.push({
      layout: fp32.layout,
      tokens: fp32.tokens,
      fp32: fp32.http.throughput,
      int8: int8.http.throughput,
      ratio: int8.http.throughput / fp32.http.throughput,
    });
  }
  const reference = topByModel.get('bert-base-fp32');
  const quantized = topByModel.get('bert-base-int8');
  if (reference && quantized) {
    const overlaps = reference.map((tokens, i) => {
      const other = new Set(quantized[i]);
      const shared = tokens.filter((token) => other.has(token)).length;
      return shared / Math.max(1, Math.min(TOP_K, tokens.length));
    });
    results.int8.topOverlap = {
      texts: overlaps.length,
      mean: overlaps.reduce((a, b) => a + b, 0) / overlaps.length,
      min: Math.min(...overlaps),
    };
  }
}

/** ≤ 16-token queries from many concurrent callers, with the pool's dynamic batching on and off. */
async function measureDynamicBatching(
  options: BenchOptions,
  byName: Map<BenchModelName, BenchModel>,
  factory: TextFactory,
  results: BenchResults,
  log: (line: string) => void,
): Promise<void> {
  // Both bert-base precisions when benchmarked: the gain depends on how far a single query is from the
  // compute ceiling, and int8 (ELSER's optimized variant, Elasticsearch's default on linux-x86_64) is further.
  const batchingModels = (['bert-base-int8', 'bert-base-fp32'] as const).flatMap((name) => byName.get(name) ?? []);
  for (const model of batchingModels.length > 0 ? batchingModels : [byName.get(options.models[0])!]) {
    await measureDynamicBatchingOf(model, options, factory, results, log);
  }
}

async function measureDynamicBatchingOf(
  model: BenchModel,
  options: BenchOptions,
  factory: TextFactory,
  results: BenchResults,
  log: (line: string) => void,
): Promise<void> {
  const layouts = options.quick ? options.layouts.slice(0, 1) : options.layouts;
  const queries = factory.mixed(4, 16, 250, 16);
  const bodies = queries.map((text) => bodyOf([text]));
  const byLength = [...queries].sort((a, b) => a.ids.length - b.ids.length);
  const batches = Array.from({ length: byLength.length / RAW_BATCH }, (_, i) =>
    batchFeedsOf(byLength.slice(i * RAW_BATCH, (i + 1) * RAW_BATCH)),
  );
  for (const layout of layouts) {
    const raw = await rawBatchingGain(model, layout, queries.map(feedsOf), batches, options);
    const [on, off] = await startedTogether(
      deployedServer(model, layout, options.batchingClients, true),
      deployedServer(model, layout, options.batchingClients, false),
      stopDeployed,
      stopDeployed,
    );
    try {
      const rounds: Record<'on' | 'off', MeasuredRound[]> = { on: [], off: [] };
      for (let round = 0; round < options.rounds; round++) {
        for (const [label, target] of [
          ['on', on],
          ['off', off],
        ] as const) {
          const timings = await runLoad(target.client, {
            method: 'POST',
            path: INFER_PATH,
            bodies,
            concurrency: options.batchingClients,
            seconds: options.seconds,
            warmupSeconds: warmupFor(options.seconds),
          });
          rounds[label].push({
            sample: sampleOf(timings.instants, timings.latenciesMs, layout.allocations),
            latenciesMs: timings.latenciesMs,
          });
          await sleep(200);
        }
      }
      const entry = {
        model: model.name,
        layout: layoutName(layout),
        clients: options.batchingClients,
        on: combineRounds(rounds.on),
        off: combineRounds(rounds.off),
        ratio: 0,
        raw,
      };
      entry.ratio = entry.on.throughput / entry.off.throughput;
      results.dynamicBatching.push(entry);
      log(
        `dynamic batching ${model.name} ${entry.layout}, ${entry.clients} clients: on ${entry.on.throughput.toFixed(1)}/s, off ${entry.off.throughput.toFixed(1)}/s` +
          ` (raw: ${raw.batched.toFixed(1)}/s in batches of ${RAW_BATCH}, ${raw.single.toFixed(1)}/s one at a time)`,
      );
    } finally {
      await Promise.all([stopDeployed(on), stopDeployed(off)]);
    }
  }
}

/** Queries per model call in the raw batching reference: the most the server's pool puts in one. */
const RAW_BATCH = 10;

/** Queries per second of the raw baseline on `singles` one at a time and on `batches` of RAW_BATCH. */
async function rawBatchingGain(
  model: BenchModel,
  layout: Layout,
  singles: FeedSet[],
  batches: FeedSet[],
  options: BenchOptions,
): Promise<{ single: number; batched: number; ratio: number }> {
  const { runner } = await RawRunner.start({ model: model.file, workers: layout.allocations, threads: layout.threads });
  try {
    const rate = async (feeds: FeedSet[], queriesPerRun: number) => {
      const timings = await runner.measure({ feeds, seconds: options.seconds, warmupSeconds: warmupFor(options.seconds), minRuns: 3 });
      return sampleOf(timings.instants, timings.latenciesMs, layout.allocations).throughput * queriesPerRun;
    };
    const single = await rate(singles, 1);
    const batched = await rate(batches, RAW_BATCH);
    return { single, batched, ratio: batched / single };
  } finally {
    await runner.stop();
  }
}

/** Cold start of `node dist/cli.js` and its RSS with one idle endpoint of the built-in model. */
async function measureBuiltinProcess(
  options: BenchOptions,
  builtin: BenchModel,
  factory: TextFactory,
  results: BenchResults,
  log: (line: string) => void,
): Promise<void> {
  const args = ['--port', '0', '--in-memory', '--log-level', 'warn'];
  const samples: number[] = [];
  for (let i = 0; i < options.coldStarts; i++) {
    const { child, startupMs } = await startCli(args);
    samples.push(startupMs);
    await stopProcess(child);
  }
  results.coldStart = { samplesMs: samples, medianMs: median(samples) };
  log(`cold start of node dist/cli.js: median ${results.coldStart.medianMs.toFixed(0)} ms`);

  const { child, url } = await startCli(args);
  const client = new HttpClient(url, 2);
  try {
    await sleep(settleMs(options));
    const beforeEndpoint = child.pid === undefined ? undefined : processMemory(child.pid);
    await client.ok('PUT', `/_inference/sparse_embedding/${ENDPOINT}`, endpointBody(builtin, { allocations: 1, threads: 1 }));
    await client.ok('POST', INFER_PATH, bodyOf(factory.texts(LATENCY_TOKENS, 1, 3)));
    await sleep(2 * settleMs(options));
    const idleEndpoint = child.pid === undefined ? undefined : processMemory(child.pid);
    results.idle = { beforeEndpoint, idleEndpoint };
    log(`RSS with one idle endpoint: ${idleEndpoint?.rssMb.toFixed(0)} MB (before the endpoint ${beforeEndpoint?.rssMb.toFixed(0)} MB)`);
  } finally {
    client.close();
    await stopProcess(child);
  }
}

/** The memory a second allocation of a model adds, against the first. */
async function measureSecondAllocation(
  options: BenchOptions,
  byName: Map<BenchModelName, BenchModel>,
  factory: TextFactory,
  results: BenchResults,
  log: (line: string) => void,
): Promise<void> {
  const model = byName.get('bert-base-fp32') ?? byName.get('builtin')!;
  const server = await ServerProcess.start({ modelRepository: model.repository, allocatedProcessors: 2, dynamicBatching: true });
  const client = new HttpClient(server.url, 4);
  const steps: MemoryStep[] = [];
  const note = async (label: string) => {
    await server.collectGarbage(settleMs(options));
    steps.push({ label, memory: server.memory() });
  };
  try {
    const bodies = factory.texts(128, 4, 11).map((text) => bodyOf([text]));
    await note('server started, no endpoint');
    await client.ok('PUT', `/_inference/sparse_embedding/${ENDPOINT}?timeout=300s`, endpointBody(model, { allocations: 1, threads: 1 }));
    for (const body of bodies.slice(0, 2)) await client.ok('POST', INFER_PATH, body);
    await note('one allocation, after two inferences');
    await client.ok(
      'PUT',
      `/_inference/sparse_embedding/${ENDPOINT}/_update`,
      JSON.stringify({ service_settings: { num_allocations: 2 } }),
    );
    // Concurrent requests, so that both allocations run at least once.
    await Promise.all(bodies.map((body) => client.ok('POST', INFER_PATH, body)));
    await Promise.all(bodies.map((body) => client.ok('POST', INFER_PATH, body)));
    await note('two allocations, after concurrent inferences');
  } finally {
    client.close();
    await server.stop();
  }
  const [base, one, two] = steps.map((step) => step.memory);
  if (!base || !one || !two) return;
  const delta = (after: ProcessMemory, before: ProcessMemory) => ({
    rss: after.rssMb - before.rssMb,
    pss: (after.pssMb ?? Number.NaN) - (before.pssMb ?? Number.NaN),
    anon: after.anonMb - before.anonMb,
  });
  const firstMb = delta(one, base);
  const secondMb = delta(two, one);
  results.secondAllocation = {
    model: model.name,
    steps,
    firstMb,
    secondMb,
    ratio: { rss: secondMb.rss / firstMb.rss, pss: secondMb.pss / firstMb.pss, anon: secondMb.anon / firstMb.anon },
  };
  log(
    `second allocation of ${model.name}: RSS +${secondMb.rss.toFixed(0)} MB vs +${firstMb.rss.toFixed(0)} MB, ` +
      `PSS +${secondMb.pss.toFixed(0)} MB vs +${firstMb.pss.toFixed(0)} MB`,
  );
}

function checks(results: BenchResults): Check[] {
  const list: Check[] = [];
  for (const row of results.throughput) {
    if (!row.model.startsWith('bert-base') || (row.tokens !== 128 && row.tokens !== 256)) continue;
    list.push(check(`HTTP/raw throughput, ${row.model}, ${row.tokens} tokens, ${row.layout}`, row.ratio, TARGETS.httpVsRaw, 'min', '×'));
  }
  for (const row of results.efficiency) {
    if (row.tokens !== Math.max(...results.efficiency.map((candidate) => candidate.tokens))) continue;
    list.push(
      check(
        `bert-base fp32 FLOP rate / MatMul ceiling, ${row.tokens} tokens, ${row.layout}`,
        row.ratio,
        TARGETS.flopEfficiency,
        'min',
        '×',
      ),
    );
  }
  for (const row of results.int8.speedup) {
    if (row.tokens !== 256) continue;
    list.push(check(`int8/fp32 throughput, ${row.tokens} tokens, ${row.layout}`, row.ratio, TARGETS.int8Speedup, 'min', '×'));
  }
  if (results.int8.topOverlap) {
    list.push(
      check(
        `int8 top-${TOP_K} token overlap with fp32 (mean of ${results.int8.topOverlap.texts})`,
        results.int8.topOverlap.mean,
        TARGETS.int8TopOverlap,
        'min',
        '×',
      ),
    );
  }
  for (const row of results.dynamicBatching) {
    list.push(
      check(
        `dynamic batching on/off, ${row.model}, ${row.clients} clients, ≤16 tokens, ${row.layout}`,
        row.ratio,
        TARGETS.dynamicBatching,
        'min',
        '×',
      ),
    );
  }
  for (const row of results.latency) {
    list.push(
      check(
        `built-in model, one ${row.tokens}-token query over HTTP, p50, ${row.layout}`,
        row.http.p50Ms,
        TARGETS.builtinP50Ms,
        'max',
        'ms',
      ),
    );
  }
  if (results.coldStart)
    list.push(
      check('cold start of node dist/cli.js to "listening" (median)', results.coldStart.medianMs, TARGETS.coldStartMs, 'max', 'ms'),
    );
  const idle = results.idle?.idleEndpoint?.rssMb;
  if (idle !== undefined) list.push(check('RSS with one idle built-in endpoint', idle, TARGETS.idleRssMb, 'max', 'MB'));
  const second = results.secondAllocation;
  if (second) {
    list.push(check(`second allocation / first, ${second.model}, PSS`, second.ratio.pss, TARGETS.secondAllocation, 'max', '×'));
    list.push(
      check(
        `second allocation / first, ${second.model}, RSS`,
        second.ratio.rss,
        TARGETS.secondAllocation,
        'max',
        '×',
        'RSS counts a file page mapped by two sessions twice',
      ),
    );
  }
  return list;
}

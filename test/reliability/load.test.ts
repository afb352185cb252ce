import * as http from 'node:http';
import { platformElserModelId } from '../../src/inference/elser-service';
import { EMBEDDING_MAX_BATCH_SIZE } from '../../src/model/allocation';
import { ensureBuiltCli } from '../support/built-cli';
import { CliServer, startCliServer } from '../support/cli-server';
import { Answer, parseJson, quantile, seededRandom, send, sleep } from '../support/raw-http';
import { ProbeReading, readProbe, WITH_PROBE } from '../support/server-probe';

/*
 * A bounded load test on loopback against the `elser-mock` command: CLIENTS
 * keep-alive clients for SECONDS mix inferences on a shared endpoint with
 * creates, gets, inferences and deletes of endpoints of their own. The server
 * runs in its own process so that its event loop is measured without the load
 * generator in it; a preloaded probe reports its event-loop delay and RSS.
 *
 * CI runs a small size; LOAD_SECONDS, LOAD_CLIENTS and LOAD_SEED make a run
 * longer, wider or a replay.
 */
const SECONDS = Number(process.env.LOAD_SECONDS ?? 20);
const CLIENTS = Number(process.env.LOAD_CLIENTS ?? 200);
const SEED = Number(process.env.LOAD_SEED ?? 0x5eed);
/** Long enough for the allocator and the memory arenas to reach the sizes the mix of batches needs. */
const WARM_UP_SECONDS = Math.min(8, SECONDS * 0.4);
/** Inputs waiting per deployment before 429s: low enough for the clients to reach it. */
const QUEUE_CAPACITY = 48;
/** Own endpoints alive at once, over all clients: each one is a deployment with a worker thread. */
const MAX_OWN_ENDPOINTS = 1;
/** Clients pause between requests as real ones do: the load is many connections, not a flood that starves the CPU. */
const THINK_MS = { min: 150, max: 650 };
const MAX_EVENT_LOOP_DELAY_MS = 100;
/**
 * glibc keeps freed memory for reuse: blocks up to 32 MB (such as a batch's model outputs) once
 * its mmap threshold has risen, and whatever each arena held, where every new thread (a worker
 * per deployment) may get an arena of its own, up to 8 per core. The RSS then climbs to a plateau
 * set by how the threads happened to spread over arenas: a high-water mark of the allocator, not
 * memory the server holds (in one 60 s run, a third more over the first 20 s, then flat).
 * With the threshold fixed at its initial value and two arenas, freed memory is reused or returned
 * and the RSS follows what the process holds, which is what a leak would move. Other allocators
 * ignore these variables.
 */
const ALLOCATOR_ENV = { MALLOC_MMAP_THRESHOLD_: String(128 * 1024), MALLOC_ARENA_MAX: '2' };
const MAX_RSS_GROWTH = 0.1;

const MODEL_ID = platformElserModelId();
const SHARED = 'load-shared';
const ENDPOINT = { service: 'elasticsearch', service_settings: { model_id: MODEL_ID, num_allocations: 1, num_threads: 1 } };
const WORDS = 'the sky above port was color of television tuned to a dead channel river stone quiet search engine sparse vector'.split(' ');

type Kind = 'create' | 'create-duplicate' | 'get' | 'get-absent' | 'infer' | 'delete' | 'delete-absent';

interface Tally {
  sent: number;
  answered: number;
  socketErrors: string[];
  rejected: number;
  byKind: Record<string, Record<number, number>>;
  violations: string[];
  latencies: number[];
}

const errorType = (body: any): unknown => body?.error?.type;

/** Whether an answer is right for its kind of request; a description of it when it is not. */
function violation(kind: Kind, id: string, inputs: number, answer: Answer): string | undefined {
  const body = parseJson(answer);
  let ok: boolean;
  switch (kind) {
    case 'create':
      ok = answer.status === 200 && body?.inference_id === id && body?.task_type === 'sparse_embedding';
      break;
    case 'create-duplicate':
      ok = answer.status === 400 && errorType(body) === 'resource_already_exists_exception';
      break;
    case 'get':
      ok = answer.status === 200 && body?.endpoints?.length === 1 && body.endpoints[0].inference_id === id;
      break;
    case 'get-absent':
    case 'delete-absent':
      ok = answer.status === 404 && errorType(body) === 'resource_not_found_exception';
      break;
    case 'delete':
      ok = answer.status === 200 && body?.acknowledged === true;
      break;
    case 'infer':
      ok =
        answer.status === 429
          ? errorType(body) === 'es_rejected_execution_exception' && body?.status === 429
          : answer.status === 200 &&
            body?.sparse_embedding?.length === inputs &&
            body.sparse_embedding.every(({ embedding }: { embedding?: Record<string, number> }) => {
              const weights = Object.values(embedding ?? {});
              return weights.length > 0 && weights.every((weight) => weight > 0);
            });
      break;
  }
  return ok ? undefined : `${kind} ${id}: ${answer.status} ${answer.text.slice(0, 300)}`;
}

describe(`load: ${CLIENTS} keep-alive clients for ${SECONDS}s`, () => {
  let server: CliServer;
  let agent: http.Agent;

  beforeAll(async () => {
    await ensureBuiltCli();
    server = await startCliServer(
      ['--port', '0', '--in-memory', '--es-version', '9.1', '--queue-capacity', String(QUEUE_CAPACITY), '--deployment-timeout', '60s'],
      ALLOCATOR_ENV,
      WITH_PROBE,
    );
    agent = new http.Agent({ keepAlive: true, maxSockets: CLIENTS });
  }, 240_000);

  afterAll(() => {
    agent?.destroy();
    if (server?.process.exitCode === null && server.process.signalCode === null) server.process.kill('SIGKILL');
  });

  test(
    'answers every request exactly once and correctly, without event-loop stalls or memory growth',
    async () => {
      expect((await send(server.url, 'PUT', `/_inference/sparse_embedding/${SHARED}`, { body: ENDPOINT })).status).toBe(200);
      // A batch larger than any the load makes (model outputs are batch × tokens × 30522 floats):
      // the worker's buffers are at their largest before the first reading.
      const largest = Array.from({ length: EMBEDDING_MAX_BATCH_SIZE }, () => WORDS.join(' '));
      expect((await send(server.url, 'POST', `/_inference/${SHARED}`, { body: { input: largest } })).status).toBe(200);

      const tally: Tally = { sent: 0, answered: 0, socketErrors: [], rejected: 0, byKind: {}, violations: [], latencies: [] };
      /** Own endpoints created or being created; none are created while `open` is false. */
      const own = { count: 0, open: true };

      let inFlight = 0;
      /** Set while the clients wait for a reading of the server's memory. */
      let paused: Promise<void> | undefined;

      let started = Date.now();
      const request = async (kind: Kind, method: string, path: string, id: string, body?: unknown, inputs = 0) => {
        while (paused) await paused;
        tally.sent++;
        inFlight++;
        let answer: Answer;
        try {
          answer = await send(server.url, method, path, { agent, body });
        } catch (error) {
          tally.socketErrors.push(
            `${kind} ${id} at ${((Date.now() - started) / 1000).toFixed(1)} s: ${(error as NodeJS.ErrnoException).code ?? ''} ${(error as Error).message}`,
          );
          return undefined;
        } finally {
          inFlight--;
        }
        tally.answered++;
        tally.latencies.push(answer.ms);
        const statuses = (tally.byKind[kind] ??= {});
        statuses[answer.status] = (statuses[answer.status] ?? 0) + 1;
        if (answer.status === 429) tally.rejected++;
        const wrong = violation(kind, id, inputs, answer);
        if (wrong) tally.violations.push(wrong);
        return answer;
      };

      const infer = async (random: () => number, id: string) => {
        const text = () => Array.from({ length: 2 + Math.floor(random() * 6) }, () => WORDS[Math.floor(random() * WORDS.length)]).join(' ');
        const input = Array.from({ length: 1 + Math.floor(random() * 2) }, text);
        const answer = await request('infer', 'POST', `/_inference/sparse_embedding/${id}`, id, { input }, input.length);
        // A rejected client backs off before its next request.
        if (answer?.status === 429) await sleep(THINK_MS.max);
      };

      const client = async (index: number, until: number) => {
        const random = seededRandom(SEED + index);
        let generation = 0;
        let mine: { id: string; requestsLeft: number } | undefined;
        const remove = async () => {
          const { id } = mine!;
          const answer = await request('delete', 'DELETE', `/_inference/${id}`, id);
          if (answer?.status === 200) {
            mine = undefined;
            own.count--;
            generation++;
          }
        };
        // Clients start spread over one think time rather than all at once.
        await sleep(random() * THINK_MS.max);
        while (Date.now() < until) {
          const roll = random();
          if (mine) {
            // An endpoint of one's own serves a few requests and goes, so that deployments come and go all along.
            if (!own.open || mine.requestsLeft === 0) await remove();
            else if (roll < 0.5) await infer(random, mine.id);
            else if (roll < 0.8) await request('get', 'GET', `/_inference/${mine.id}`, mine.id);
            else await request('create-duplicate', 'PUT', `/_inference/sparse_embedding/${mine.id}`, mine.id, ENDPOINT);
            if (mine) mine.requestsLeft--;
          } else if (roll < 0.1 && own.open && own.count < MAX_OWN_ENDPOINTS) {
            own.count++;
            const id = `load-${index}-${generation}`;
            const answer = await request('create', 'PUT', `/_inference/sparse_embedding/${id}`, id, ENDPOINT);
            if (answer?.status === 200) mine = { id, requestsLeft: 1 + Math.floor(random() * 3) };
            else own.count--;
          } else if (roll < 0.8) {
            await infer(random, SHARED);
          } else if (roll < 0.9) {
            await request('get', 'GET', `/_inference/${SHARED}`, SHARED);
          } else {
            const absent = `load-absent-${index}`;
            await (roll < 0.95
              ? request('get-absent', 'GET', `/_inference/${absent}`, absent)
              : request('delete-absent', 'DELETE', `/_inference/${absent}`, absent));
          }
          await sleep(THINK_MS.min + random() * (THINK_MS.max - THINK_MS.min));
        }
        if (mine) await remove();
      };

      /**
       * The RSS in the same state each time: own endpoints deleted (the shared deployment only),
       * no request in flight (the clients wait a moment) and after a full collection, so that two
       * readings differ by what the server retained rather than by what it was busy with.
       */
      const settledReading = async () => {
        own.open = false;
        while (own.count > 0) await sleep(20);
        let resume!: () => void;
        paused = new Promise<void>((resolve) => (resume = resolve));
        while (inFlight > 0) await sleep(10);
        await sleep(250);
        const reading = await readProbe(server.process, { gc: true });
        own.open = true;
        paused = undefined;
        resume();
        return reading;
      };

      await readProbe(server.process, { reset: true });
      started = Date.now();
      const until = started + SECONDS * 1000;
      const rss: { warm?: ProbeReading; end?: ProbeReading } = {};
      let warmUpCreates = 0;
      const sampler = (async () => {
        await sleep(WARM_UP_SECONDS * 1000);
        rss.warm = await settledReading();
        warmUpCreates = tally.byKind.create?.[200] ?? 0;
        await sleep(until - Date.now() - 2000);
        rss.end = await settledReading();
      })();
      await Promise.all([...Array.from({ length: CLIENTS }, (_, index) => client(index, until)), sampler]);
      const elapsed = (Date.now() - started) / 1000;
      const reading = await readProbe(server.process);

      const latencies = Float64Array.from(tally.latencies).sort();
      const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(1);
      const growth = (rss.end!.rssBytes - rss.warm!.rssBytes) / rss.warm!.rssBytes;
      console.log(
        [
          `load: ${CLIENTS} clients × ${SECONDS} s (ran ${elapsed.toFixed(1)} s, seed ${SEED}, queue_capacity ${QUEUE_CAPACITY})`,
          `requests sent ${tally.sent}, answered ${tally.answered} (${(tally.answered / elapsed).toFixed(0)}/s), 429s ${tally.rejected}, socket errors ${tally.socketErrors.length}`,
          `by kind and status: ${JSON.stringify(tally.byKind)}`,
          `latency p50 ${quantile(latencies, 0.5).toFixed(1)} ms, p99 ${quantile(latencies, 0.99).toFixed(1)} ms, max ${quantile(latencies, 1).toFixed(1)} ms`,
          `server event loop: max delay ${reading.eventLoopDelayMaxMs.toFixed(1)} ms`,
          `server RSS after ${WARM_UP_SECONDS.toFixed(1)} s warm-up (${warmUpCreates} endpoints created and deleted) ${mb(rss.warm!.rssBytes)} MB, at the end ${mb(rss.end!.rssBytes)} MB (${(growth * 100).toFixed(1)} %)`,
        ].join('\n'),
      );

      expect(tally.socketErrors.slice(0, 10)).toEqual([]);
      expect(tally.answered).toBe(tally.sent);
      expect(tally.violations.slice(0, 10)).toEqual([]);
      expect(tally.byKind.create?.[200]).toBeGreaterThan(0);
      expect(reading.unhandledRejections).toEqual([]);
      expect(server.output()).not.toMatch(/"level":(50|60)/);
      expect(reading.eventLoopDelayMaxMs).toBeLessThan(MAX_EVENT_LOOP_DELAY_MS);
      expect(growth).toBeLessThan(MAX_RSS_GROWTH);

      // Nothing left behind: the shared endpoint and its deployment only.
      const all = parseJson(await send(server.url, 'GET', '/_inference/_all'));
      expect(
        all.endpoints.map(({ inference_id }: { inference_id: string }) => inference_id).filter((id: string) => id.startsWith('load-')),
      ).toEqual([SHARED]);
      const stats = parseJson(await send(server.url, 'GET', '/_ml/trained_models/_stats'));
      expect(
        stats.trained_model_stats.flatMap(({ deployment_stats }: { deployment_stats?: { deployment_id: string } }) =>
          deployment_stats ? [deployment_stats.deployment_id] : [],
        ),
      ).toEqual([SHARED]);

      // Stopped with the clients' keep-alive connections still open, and idle.
      expect(await server.stop()).toBe(0);
    },
    (SECONDS + 90) * 1000,
  );
});

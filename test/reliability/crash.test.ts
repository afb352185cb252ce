import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import * as http from 'node:http';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { platformElserModelId } from '../../src/inference/elser-service';
import { BUILTIN_REPOSITORY_DIR } from '../../src/server';
import { ensureBuiltCli } from '../support/built-cli';
import { CliServer, CliServerOptions, startCliServer } from '../support/cli-server';
import { copyPackagedModel, GatedRepositoryServer } from '../support/gated-repository';
import { Answer, parseJson, seededRandom, send, sleep } from '../support/raw-http';
import { killWorkerOnNextRun, WITH_PROBE } from '../support/server-probe';

/*
 * The `elser-mock` command killed (SIGKILL), stopped (SIGTERM) and losing a
 * worker thread: nothing it acknowledged is lost, nothing unverified is used,
 * and nothing waits forever. CRASH_SEED replays a run; CRASH_ROUNDS makes the
 * registry test longer.
 */
const SEED = Number(process.env.CRASH_SEED ?? 0xc0ffee);
const ROUNDS = Number(process.env.CRASH_ROUNDS ?? 6);

const MODEL_ID = platformElserModelId();
const PACKAGED = MODEL_ID.slice(1);
const ENDPOINT = { service: 'elasticsearch', service_settings: { model_id: MODEL_ID, num_allocations: 1, num_threads: 1 } };
const SKY = 'The sky above the port was the color of television tuned to a dead channel.';
const CANCELED = 'Error in inference process: [inference canceled as process is stopping]';

// Each test starts one or more server processes; a hang shows as a timeout of its own.
jest.setTimeout(90_000);

interface Cut {
  /** The socket error of a request whose server went away before answering. */
  cut: string;
}

/** Resolves with the answer, or with how the connection failed when the server went away first. */
const attempt = (promise: Promise<Answer>): Promise<Answer | Cut> => promise.catch((error: Error) => ({ cut: error.message }));
const isCut = (outcome: Answer | Cut): outcome is Cut => 'cut' in outcome;

async function until<T>(probe: () => Promise<T> | T, done: (value: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`condition not reached within ${timeoutMs} ms (last value ${JSON.stringify(value)})`);
    await sleep(25);
  }
}

const launched: CliServer[] = [];

async function launch(args: string[], env: NodeJS.ProcessEnv = {}, options: CliServerOptions = {}): Promise<CliServer> {
  const server = await startCliServer(args, env, options);
  launched.push(server);
  return server;
}

function sigkill(server: CliServer): Promise<unknown> {
  server.process.kill('SIGKILL');
  return server.exited;
}

const fileSha256 = async (file: string) =>
  createHash('sha256')
    .update(await readFile(file))
    .digest('hex');

const connectionRefused = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'));
  });

describe('the elser-mock process under crashes and shutdowns', () => {
  let work: string;

  beforeAll(async () => {
    await ensureBuiltCli();
    work = await mkdtemp(path.join(tmpdir(), 'elser-mock-crash-'));
  }, 240_000);

  // A failed expectation must not leave a server running (and the test run waiting for it).
  afterEach(async () => {
    for (const server of launched.splice(0))
      if (server.process.exitCode === null && server.process.signalCode === null) await sigkill(server);
  });

  afterAll(() => rm(work, { recursive: true, force: true }));

  test('the endpoint registry keeps every acknowledged create and delete across SIGKILLs', async () => {
    const random = seededRandom(SEED);
    const dataDir = path.join(work, 'registry');
    const store = path.join(dataDir, 'inference-endpoints.json');
    const args = ['--port', '0', '--data-dir', dataDir, '--es-version', '9.1', '--deployment-timeout', '120s'];
    /** What a restarted server must show: acknowledged creates present, acknowledged deletes absent. */
    const expected = new Map<string, 'present' | 'absent'>();
    const attempted = new Set<string>();
    const unexpectedAnswers: string[] = [];
    let kills = 0;
    let checked = 0;
    let created = 0;
    let deleted = 0;

    const verify = async (server: CliServer) => {
      const listed = parseJson(await send(server.url, 'GET', '/_inference/_all'));
      const present = new Set<string>(
        listed.endpoints.map(({ inference_id }: { inference_id: string }) => inference_id).filter((id: string) => id.startsWith('crash-')),
      );
      const onDisk = JSON.parse(await readFile(store, 'utf8')) as { endpoints: { inference_id: string }[] };
      expect(new Set(onDisk.endpoints.map(({ inference_id }) => inference_id))).toEqual(present);
      for (const [id, state] of expected) expect({ id, state: present.has(id) ? 'present' : 'absent' }).toEqual({ id, state });
      for (const id of present) expect(attempted).toContain(id);
      checked += expected.size;
      // Operations cut short by a kill went either way; from here on the server's word is the state.
      expected.clear();
      return present;
    };

    let present = new Set<string>();
    for (let round = 0; round <= ROUNDS; round++) {
      const server = await launch(args);
      if (round > 0) present = await verify(server);
      if (round === ROUNDS) {
        expect(await server.stop()).toBe(0);
        break;
      }
      let next = 0;
      const deleting = new Set<string>();
      let killed = false;
      const operate = async () => {
        while (!killed) {
          const deletable = [...present].filter((id) => !deleting.has(id));
          const deleteNow = deletable.length > 0 && random() < (present.size > 6 ? 0.75 : 0.35);
          if (deleteNow) {
            const id = deletable[Math.floor(random() * deletable.length)];
            deleting.add(id);
            // Until it is acknowledged, a delete may or may not take effect.
            expected.delete(id);
            const answer = await attempt(send(server.url, 'DELETE', `/_inference/${id}`, { agent: false }));
            if (isCut(answer)) continue;
            if (answer.status !== 200) unexpectedAnswers.push(`delete ${id}: ${answer.status} ${answer.text}`);
            else {
              deleted++;
              acknowledged();
              present.delete(id);
              expected.set(id, 'absent');
            }
          } else {
            const id = `crash-${round}-${next++}`;
            attempted.add(id);
            const answer = await attempt(send(server.url, 'PUT', `/_inference/sparse_embedding/${id}`, { agent: false, body: ENDPOINT }));
            if (isCut(answer)) continue;
            if (answer.status !== 200) unexpectedAnswers.push(`create ${id}: ${answer.status} ${answer.text}`);
            else {
              created++;
              acknowledged();
              present.add(id);
              expected.set(id, 'present');
            }
          }
        }
      };
      // The kill comes a random while after a random number of acknowledged operations, so that
      // every round has some to check, whatever the speed of the machine.
      const target = 1 + Math.floor(random() * 4);
      let acknowledgedInRound = 0;
      let reached!: () => void;
      const enough = new Promise<void>((resolve) => (reached = resolve));
      const acknowledged = () => {
        if (++acknowledgedInRound === target) reached();
      };
      const operations = Array.from({ length: 6 }, operate);
      let giveUp: NodeJS.Timeout | undefined;
      await Promise.race([enough, new Promise((resolve) => (giveUp = setTimeout(resolve, 30_000)))]);
      clearTimeout(giveUp);
      await sleep(random() * 500);
      killed = true;
      await sigkill(server);
      kills++;
      await Promise.all(operations);
      // Whatever the moment of the kill, the store is a whole document (or, before any create, absent).
      const text = await readFile(store, 'utf8').catch((error: NodeJS.ErrnoException) =>
        error.code === 'ENOENT' ? undefined : Promise.reject(error),
      );
      if (text === undefined) expect(created).toBe(0);
      else expect(JSON.parse(text)).toMatchObject({ version: 1, endpoints: expect.any(Array) });
    }

    console.log(
      `registry: ${kills} SIGKILLs survived (seed ${SEED}); ${created} creates and ${deleted} deletes acknowledged, ` +
        `${checked} endpoint states checked against them after restarts`,
    );
    expect(unexpectedAnswers).toEqual([]);
    expect(kills).toBe(ROUNDS);
    expect(created + deleted).toBeGreaterThanOrEqual(ROUNDS);
    expect(created).toBeGreaterThan(0);
    expect(deleted).toBeGreaterThan(0);
  }, 180_000);

  describe('the model cache', () => {
    let repository: string;
    let gated: GatedRepositoryServer;
    let args: string[];
    let dataDir: string;
    let metadata: { sha256: string; size: number };

    beforeAll(async () => {
      repository = path.join(work, 'repository');
      await mkdir(repository);
      await copyPackagedModel(BUILTIN_REPOSITORY_DIR, PACKAGED, repository);
      metadata = JSON.parse(await readFile(path.join(repository, `${PACKAGED}.metadata.json`), 'utf8'));
      gated = new GatedRepositoryServer(repository);
      dataDir = path.join(work, 'cache');
      args = [
        '--port',
        '0',
        '--data-dir',
        dataDir,
        '--es-version',
        '9.1',
        '--model-repository',
        await gated.start(),
        '--deployment-timeout',
        '120s',
      ];
    });

    afterAll(() => gated.stop());

    const model = () => path.join(dataDir, 'models', `${PACKAGED}.onnx`);

    async function servesTheModel(server: CliServer): Promise<void> {
      await until(
        async () => parseJson(await send(server.url, 'GET', `/_ml/trained_models/${MODEL_ID}?include=definition_status`)),
        (body) => body?.trained_model_configs?.[0]?.fully_defined === true,
      );
      const embedded = await until(
        () => send(server.url, 'POST', '/_inference/cached-elser', { body: { input: SKY } }),
        (answer) => answer.status === 200,
      );
      expect(Object.keys(parseJson(embedded).sparse_embedding[0].embedding)).toEqual(expect.arrayContaining(['sky', 'port']));
      expect(await fileSha256(model())).toBe(metadata.sha256);
    }

    test('a download killed half-way is resumed with a range request after a restart, verified, then served', async () => {
      const first = await launch(args);
      const create = attempt(send(first.url, 'PUT', '/_inference/sparse_embedding/cached-elser', { agent: false, body: ENDPOINT }));
      const half = metadata.size >> 1;
      await until(
        () =>
          stat(`${model()}.part`).then(
            ({ size }) => size,
            () => 0,
          ),
        (size) => size === half,
      );
      await sigkill(first);
      expect(await create).toEqual({ cut: expect.any(String) });

      gated.release();
      const second = await launch(args);
      try {
        // The endpoint was stored before its deployment started, so the restart starts it again.
        await servesTheModel(second);
        expect(gated.modelRanges).toEqual([undefined, `bytes=${half}-`]);
      } finally {
        expect(await second.stop()).toBe(0);
      }
    });

    test('a cached model altered while the server is down fails verification and is downloaded again', async () => {
      const bytes = await readFile(model());
      bytes[bytes.length >> 2] ^= 0xff;
      await writeFile(model(), bytes);

      const server = await launch(args);
      try {
        await servesTheModel(server);
        expect(server.output()).toMatch(
          new RegExp(
            `cached model \\[${PACKAGED}\\] failed verification \\(Model sha256 checksums do not match, expected \\[${metadata.sha256}\\]`,
          ),
        );
        expect(gated.modelRanges).toEqual([undefined, `bytes=${metadata.size >> 1}-`, undefined]);
      } finally {
        expect(await server.stop()).toBe(0);
      }
    });
  });

  test('a worker that dies fails its request in flight with an Elasticsearch error, and is replaced', async () => {
    const server = await launch(['--port', '0', '--in-memory', '--es-version', '9.1'], {}, WITH_PROBE);
    try {
      expect((await send(server.url, 'PUT', '/_inference/sparse_embedding/fragile', { body: ENDPOINT })).status).toBe(200);
      await killWorkerOnNextRun(server.process);
      const failed = await send(server.url, 'POST', '/_inference/fragile', { body: { input: [SKY, 'a second input'] } });
      expect({ status: failed.status, body: parseJson(failed) }).toEqual({
        status: 500,
        body: {
          error: { root_cause: [{ type: 'status_exception', reason: CANCELED }], type: 'status_exception', reason: CANCELED },
          status: 500,
        },
      });
      // The next request waits for the replacement allocation rather than failing or hanging.
      const next = await send(server.url, 'POST', '/_inference/fragile', { body: { input: SKY } });
      expect(next.status).toBe(200);
      expect(Object.keys(parseJson(next).sparse_embedding[0].embedding)).toEqual(expect.arrayContaining(['sky']));

      const stats = parseJson(await send(server.url, 'GET', '/_ml/trained_models/fragile/_stats')).trained_model_stats[0].deployment_stats;
      expect(stats).toMatchObject({
        state: 'started',
        error_count: 1,
        allocation_status: { allocation_count: 1, state: 'fully_allocated' },
      });
      expect(server.output()).toMatch(/"replaced":true.*"msg":"model allocation died"|"msg":"model allocation died".*"replaced":true/);
    } finally {
      expect(await server.stop()).toBe(0);
    }
  });

  describe('SIGTERM', () => {
    let repository: string;

    beforeAll(async () => {
      repository = path.join(work, 'drain-repository');
      await mkdir(repository);
      await copyPackagedModel(BUILTIN_REPOSITORY_DIR, PACKAGED, repository);
    });

    /** A server whose first create waits for its model download, held by a gated repository. */
    async function serverWithSlowCreate(gracePeriod: string) {
      const gated = new GatedRepositoryServer(repository);
      const url = await gated.start();
      const args = ['--port', '0', '--in-memory', '--es-version', '9.1', '--model-repository', url, '--deployment-timeout', '120s'];
      // At info level, so that the shutdown's steps show in the output.
      const server = await launch([...args, '--shutdown-grace-period', gracePeriod], { ELSER_MOCK_LOG_LEVEL: 'info' });
      // A keep-alive connection, so that the `Connection: close` of the answer is the drain's doing.
      const agent = new http.Agent({ keepAlive: true });
      const create = attempt(send(server.url, 'PUT', '/_inference/sparse_embedding/slow', { agent, body: ENDPOINT }));
      void create.finally(() => agent.destroy());
      await until(
        () => gated.modelRequests,
        (requests) => requests === 1,
      );
      return { gated, server, create, port: Number(new URL(server.url).port) };
    }

    test('lets requests in flight finish, refuses new connections, closes idle ones, stops and exits 0', async () => {
      const { gated, server, create, port } = await serverWithSlowCreate('30s');
      try {
        const idle = net.connect(port, '127.0.0.1');
        await new Promise((resolve) => idle.once('connect', resolve));
        const idleClosed = new Promise((resolve) => idle.once('close', resolve));
        idle.write('GET / HTTP/1.1\r\nHost: localhost\r\n\r\n');
        await new Promise((resolve) => idle.once('data', resolve));

        server.process.kill('SIGTERM');
        await until(
          () => connectionRefused(port),
          (refused) => refused,
          10_000,
        );
        await idleClosed;
        await sleep(200);
        expect(server.process.exitCode).toBeNull();

        gated.release();
        const answer = await create;
        if (isCut(answer)) throw new Error(`the request in flight was cut: ${answer.cut}`);
        expect(answer.status).toBe(200);
        expect(parseJson(answer)).toMatchObject({ inference_id: 'slow', task_type: 'sparse_embedding' });
        expect(answer.headers.connection).toBe('close');
        expect(await server.exited).toEqual({ code: 0, signal: null });
        expect(server.output()).toMatch(/"requests":1,"msg":"shutting down: waiting for the requests in flight"/);
        expect(server.output()).toMatch(/"msg":"deployments stopped"/);
        expect(server.output()).not.toMatch(/"level":(50|60)/);
      } finally {
        server.process.kill('SIGKILL');
        await gated.stop();
      }
    });

    test('past the grace period closes the connections still in flight, then exits 0', async () => {
      const { gated, server, create } = await serverWithSlowCreate('1s');
      try {
        const signalled = Date.now();
        server.process.kill('SIGTERM');
        const outcome = await create;
        const waited = Date.now() - signalled;
        expect(outcome).toEqual({ cut: expect.any(String) });
        // Cut when the grace period's timer fires, not at once (timers may fire a few ms early by the wall clock).
        expect(waited).toBeGreaterThanOrEqual(950);
        // The deployment still starting is stopped once its download ends.
        gated.release();
        expect(await server.exited).toEqual({ code: 0, signal: null });
        expect(server.output()).toMatch(/shutdown grace period of 1000ms elapsed/);
      } finally {
        server.process.kill('SIGKILL');
        await gated.stop();
      }
    });
  });
});

import { ChildProcess, fork, spawn } from 'node:child_process';
import { benchEntry, CLI_SCRIPT, PACKAGE_ROOT } from './entries';
import { processMemory, ProcessMemory } from './memory';
import type { FromRawRunner, RawLoad, RawMeasure, Timings, ToRawRunner } from './protocol';
import type { ServerProcessOptions } from './server-process';

/** Resolves with the first stdout line matching `pattern`; rejects if the process exits first. */
export function waitForLine(child: ChildProcess, pattern: RegExp, timeoutMs: number): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    let buffered = '';
    let stderr = '';
    const timer = setTimeout(
      () => finish(new Error(`no line matching ${pattern} within ${timeoutMs} ms; stderr: ${stderr.slice(-2000)}`)),
      timeoutMs,
    );
    const onData = (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      for (const line of buffered.split('\n')) {
        const match = pattern.exec(line);
        if (match) {
          finish(undefined, match);
          return;
        }
      }
    };
    const onStderr = (chunk: Buffer) => (stderr += chunk.toString('utf8'));
    const onExit = (code: number | null) =>
      finish(new Error(`process exited with code ${code} before printing ${pattern}; stderr: ${stderr.slice(-2000)}`));
    const finish = (error?: Error, match?: RegExpExecArray) => {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.stderr?.off('data', onStderr);
      child.off('exit', onExit);
      if (error) reject(error);
      else resolve(match!);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onStderr);
    child.once('exit', onExit);
  });
}

/** Sends SIGTERM and waits for the exit; SIGKILL if it takes longer than `graceMs`. */
export function stopProcess(child: ChildProcess, graceMs = 20_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** A server under test in its own process. */
export class ServerProcess {
  private constructor(
    readonly child: ChildProcess,
    readonly url: string,
  ) {}

  static async start(options: ServerProcessOptions): Promise<ServerProcess> {
    const entry = benchEntry('server-process');
    const child = spawn(process.execPath, ['--expose-gc', ...entry.execArgv, entry.filename, JSON.stringify(options)], {
      cwd: PACKAGE_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const [, url] = await waitForLine(child, /^listening (\S+)/, 120_000);
      // Keep draining the pipes so the child never blocks on a full one.
      child.stdout?.resume();
      child.stderr?.resume();
      return new ServerProcess(child, url);
    } catch (error) {
      child.kill('SIGKILL');
      throw error;
    }
  }

  memory(): ProcessMemory | undefined {
    return this.child.pid === undefined ? undefined : processMemory(this.child.pid);
  }

  /** Has the server collect garbage, and waits `settleMs` for it. */
  async collectGarbage(settleMs: number): Promise<void> {
    this.child.kill('SIGUSR2');
    await new Promise((resolve) => setTimeout(resolve, settleMs));
  }

  stop(): Promise<void> {
    return stopProcess(this.child);
  }
}

/** The raw baseline's process (see raw-runner.ts), driven one request at a time. */
export class RawRunner {
  private constructor(private readonly child: ChildProcess) {}

  static async start(load: RawLoad): Promise<{ runner: RawRunner; loadMs: number }> {
    const entry = benchEntry('raw-runner');
    const child = fork(entry.filename, [], {
      cwd: PACKAGE_ROOT,
      execArgv: entry.execArgv,
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const runner = new RawRunner(child);
    try {
      const reply = await runner.call({ type: 'load', load });
      if (reply.type !== 'loaded') throw new Error(`unexpected reply ${reply.type}`);
      return { runner, loadMs: reply.loadMs };
    } catch (error) {
      child.kill('SIGKILL');
      throw error;
    }
  }

  async measure(measure: RawMeasure): Promise<Timings> {
    const reply = await this.call({ type: 'measure', measure });
    if (reply.type !== 'measured') throw new Error(`unexpected reply ${reply.type}`);
    return reply.timings;
  }

  memory(): ProcessMemory | undefined {
    return this.child.pid === undefined ? undefined : processMemory(this.child.pid);
  }

  async stop(): Promise<void> {
    if (this.child.connected) this.child.send({ type: 'close' } satisfies ToRawRunner);
    await new Promise<void>((resolve) => {
      if (this.child.exitCode !== null) resolve();
      const timer = setTimeout(() => this.child.kill('SIGKILL'), 20_000);
      this.child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  private call(message: ToRawRunner): Promise<FromRawRunner> {
    return new Promise((resolve, reject) => {
      const onMessage = (reply: FromRawRunner) => {
        cleanup();
        if (reply.type === 'failed') reject(new Error(`raw runner: ${reply.message}`));
        else resolve(reply);
      };
      const onExit = (code: number | null) => {
        cleanup();
        reject(new Error(`raw runner exited with code ${code}`));
      };
      const cleanup = () => {
        this.child.off('message', onMessage);
        this.child.off('exit', onExit);
      };
      this.child.on('message', onMessage);
      this.child.once('exit', onExit);
      this.child.send(message);
    });
  }
}

/**
 * Starts `node dist/cli.js` as a user would and resolves once it prints its
 * "listening" line, with the time that took.
 */
export async function startCli(args: readonly string[]): Promise<{ child: ChildProcess; url: string; startupMs: number }> {
  const started = performance.now();
  const child = spawn(process.execPath, [CLI_SCRIPT, ...args], { cwd: PACKAGE_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    const [, url] = await waitForLine(child, /listening on (\S+)/, 60_000);
    const startupMs = performance.now() - started;
    child.stdout?.resume();
    child.stderr?.resume();
    return { child, url, startupMs };
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
}

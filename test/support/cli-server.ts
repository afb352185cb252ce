import { ChildProcess, spawn } from 'node:child_process';
import * as path from 'node:path';

export interface CliServer {
  url: string;
  process: ChildProcess;
  /** Everything the process has written to stdout and stderr so far. */
  output(): string;
  /** Resolves once the process has ended. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Sends SIGTERM and resolves with the exit code. */
  stop(): Promise<number | null>;
}

export interface CliServerOptions {
  /** Node.js flags before the script, e.g. `--require` of a probe. */
  execArgv?: string[];
  /** Opens an IPC channel to the process (for a preloaded probe). */
  ipc?: boolean;
}

const CLI = path.resolve(__dirname, '..', '..', 'dist', 'cli.js');

/** Runs the built `elser-mock` command as a user would and waits for its "listening" line. */
export function startCliServer(args: string[], env: NodeJS.ProcessEnv = {}, options: CliServerOptions = {}): Promise<CliServer> {
  const child = spawn(process.execPath, [...(options.execArgv ?? []), CLI, ...args], {
    env: { ...process.env, ELSER_MOCK_LOG_LEVEL: 'warn', ...env },
    stdio: options.ipc ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve, reject) => {
    let listening = false;
    const onData = () => {
      const match = /elser-mock listening on (http:\/\/\S+)/.exec(output);
      if (!match) return;
      listening = true;
      child.stdout?.off('data', onData);
      resolve({
        url: match[1],
        process: child,
        output: () => output,
        exited,
        stop: async () => {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
          return (await exited).code;
        },
      });
    };
    child.stdout?.on('data', onData);
    void exited.then(({ code, signal }) => {
      if (!listening) reject(new Error(`elser-mock exited with ${code ?? signal} before listening:\n${output}`));
    });
  });
}

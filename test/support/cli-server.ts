import { ChildProcess, spawn } from 'node:child_process';
import * as path from 'node:path';

export interface CliServer {
  url: string;
  process: ChildProcess;
  stop(): Promise<number | null>;
}

const CLI = path.resolve(__dirname, '..', '..', 'dist', 'cli.js');

/** Runs the built `elser-mock` command as a user would and waits for its "listening" line. */
export function startCliServer(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliServer> {
  const child = spawn(process.execPath, [CLI, ...args], {
    env: { ...process.env, ELSER_MOCK_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /elser-mock listening on (http:\/\/\S+)/.exec(output);
      if (match) {
        child.stdout?.off('data', onData);
        resolve({
          url: match[1],
          process: child,
          stop: () =>
            new Promise((done) => {
              child.once('exit', (code) => done(code));
              child.kill('SIGTERM');
            }),
        });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`elser-mock exited with ${code} before listening:\n${output}`)));
  });
}

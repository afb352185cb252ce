import type { ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import type { CliServerOptions } from './cli-server';

/** Start options that preload `server-probe.js` into a CLI server. */
export const WITH_PROBE: CliServerOptions = {
  execArgv: ['--expose-gc', '--require', path.resolve(__dirname, 'server-probe.js')],
  ipc: true,
};

export interface ProbeReading {
  /** The longest event-loop delay since the last reset, in ms. */
  eventLoopDelayMaxMs: number;
  rssBytes: number;
  unhandledRejections: string[];
}

let lastId = 0;

function ask<T>(child: ChildProcess, message: Record<string, unknown>, answer: string): Promise<T> {
  const id = ++lastId;
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.off('message', onMessage);
      reject(new Error(`the server probe did not answer ${String(message.type)}`));
    }, 10_000);
    const onMessage = (reply: { type?: string; id?: number }) => {
      if (reply?.type !== answer || reply.id !== id) return;
      clearTimeout(timer);
      child.off('message', onMessage);
      resolve(reply as T);
    };
    child.on('message', onMessage);
    child.send({ ...message, id });
  });
}

/** Reads the probe; `reset` starts a new event-loop delay window, `gc` collects garbage before reading the RSS. */
export function readProbe(child: ChildProcess, options: { reset?: boolean; gc?: boolean } = {}): Promise<ProbeReading> {
  return ask<ProbeReading>(child, { type: 'read', ...options }, 'reading');
}

/** The next allocation given a batch dies with that batch in flight. */
export async function killWorkerOnNextRun(child: ChildProcess): Promise<void> {
  await ask(child, { type: 'kill-worker-on-next-run' }, 'armed');
}

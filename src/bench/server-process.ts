import { TimeValue } from '../java/time-value';
import { AllocationPool, type AllocationPoolOptions } from '../model/allocation';
import { start } from '../server';

/*
 * The server under test, in a process of its own so that its memory and CPU
 * are its own: `start()` with the benchmark's options. Prints
 * `listening <url>` once it listens; SIGTERM closes it, SIGUSR2 collects garbage.
 */

export interface ServerProcessOptions {
  modelRepository: string;
  allocatedProcessors: number;
  /** Off only for the dynamic batching comparison; the server has no switch for it. */
  dynamicBatching: boolean;
}

function withoutDynamicBatching(): void {
  const original = AllocationPool.start.bind(AllocationPool);
  AllocationPool.start = (options: AllocationPoolOptions) => original({ ...options, dynamicBatching: false });
}

async function main(): Promise<void> {
  const options = JSON.parse(process.argv[2] ?? '{}') as ServerProcessOptions;
  if (!options.dynamicBatching) withoutDynamicBatching();
  const server = await start({
    host: '127.0.0.1',
    port: 0,
    inMemory: true,
    logLevel: 'silent',
    esVersion: '9.1',
    modelRepository: options.modelRepository,
    allocatedProcessors: options.allocatedProcessors,
    deploymentTimeout: TimeValue.ofMillis(300_000),
  });
  // Started with --expose-gc: SIGUSR2 collects garbage before a memory reading, so that buffers a
  // deployment read while starting and dropped do not count as the allocation's memory.
  process.on('SIGUSR2', () => (globalThis as { gc?: () => void }).gc?.());
  process.stdout.write(`listening ${server.url}\n`);
  process.once('SIGTERM', () => {
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`bench server: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});

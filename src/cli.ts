#!/usr/bin/env node
import { loadOptions } from './config/config-file';
import { ConfigurationError } from './config/options';
import { start } from './server';

async function main(): Promise<void> {
  let options;
  try {
    options = loadOptions(process.argv.slice(2), process.env);
  } catch (error) {
    if (error instanceof ConfigurationError) {
      process.stderr.write(`elser-mock: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const server = await start(options);
  process.stdout.write(`elser-mock listening on ${server.url}\n`);
  let stopping = false;
  // The first signal drains (see `--shutdown-grace-period`); a second one exits at once.
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) {
      process.stderr.write(`elser-mock: ${signal} while shutting down; exiting without waiting\n`);
      process.exit(1);
    }
    stopping = true;
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`elser-mock: shutdown failed: ${error instanceof Error ? error.message : String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

main().catch((error: unknown) => {
  process.stderr.write(`elser-mock: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});

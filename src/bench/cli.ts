import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { runBench } from './harness';
import { parseBenchArguments, UsageError, USAGE } from './options';
import { consoleSummary, markdownReport } from './report';

export async function main(argv: readonly string[]): Promise<number> {
  let options;
  try {
    options = parseBenchArguments(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`${error.message}\n${USAGE}\n`);
    return 2;
  }
  if (options === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const log = (line: string) => process.stdout.write(`${line}\n`);
  const results = await runBench(options, log);
  mkdirSync(options.outDir, { recursive: true });
  const json = path.join(options.outDir, 'latest.json');
  const markdown = path.join(options.outDir, 'latest.md');
  writeFileSync(json, `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(markdown, markdownReport(results));
  log(`\n${markdownReport(results)}`);
  log(consoleSummary(results));
  log(`\nwrote ${json}\nwrote ${markdown}`);
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}

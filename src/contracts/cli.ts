#!/usr/bin/env node
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { Baseline, BaselineError } from './baseline';
import { ContractFileError } from './case-files';
import type { Profile } from './case-model';
import { PROFILES } from './case-model';
import { CliOptions, parseCliOptions, UsageError, USAGE } from './cli-options';
import { DEFAULT_RESULTS_DIR } from './package-paths';
import { printResult, printSummary, Write } from './reporters/console';
import { junitXml } from './reporters/junit';
import { markdownReport } from './reporters/markdown';
import { ResponseValidator } from './response-validator';
import type { CaseResult, CleanupReport, RunReport } from './results';
import { countByArea, loadSuite, selectAreas, UnknownAreaError } from './suite';
import { runSuite } from './suite-runner';
import { RemoteTarget, Target, TargetError } from './targets';
import { CaseIds } from './templating';

/** `npm run contracts`: loads the cases, runs them on each target, prints and writes the reports. */

export interface CliIo {
  stdout: Write;
  stderr: Write;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

const defaultIo = (): CliIo => ({
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
  cwd: process.cwd(),
});

interface TargetPlan {
  /** Opened one after another; each is closed before the next opens. */
  open: Array<() => Promise<Target>>;
  dispose(): Promise<void>;
}

async function planTargets(options: CliOptions): Promise<TargetPlan> {
  if (options.target !== undefined) {
    const baseUrl = options.target;
    let ca: string | undefined;
    if (options.caFile !== undefined) {
      try {
        ca = readFileSync(options.caFile, 'utf8');
      } catch (error) {
        throw new TargetError(`--ca ${options.caFile}: ${(error as Error).message}`);
      }
    }
    const connect = () =>
      RemoteTarget.connect({
        baseUrl,
        credentials: options.credentials,
        tls: { ca, insecure: options.insecure },
        esVersion: options.esVersion,
        setup: options.setup,
      });
    return { open: [connect], dispose: async () => undefined };
  }
  // Loaded only here: a remote run does not need the server and its model runtime.
  const { InProcessTarget } = await import('./in-process-target');
  const { RepositoryCopy } = await import('./fixtures/repository-copy');
  const repositoryCopy = new RepositoryCopy();
  const profiles: readonly Profile[] = options.esVersion ? [options.esVersion] : PROFILES;
  return {
    open: profiles.map((profile) => () => InProcessTarget.start(profile, { repositoryCopy })),
    dispose: () => repositoryCopy.dispose(),
  };
}

function writeReport(file: string, text: string, io: CliIo): string {
  const resolved = path.resolve(io.cwd, file);
  mkdirSync(path.dirname(resolved), { recursive: true });
  writeFileSync(resolved, text);
  return resolved;
}

export async function main(argv: readonly string[], io: CliIo = defaultIo()): Promise<number> {
  let options: CliOptions;
  try {
    options = parseCliOptions(argv, io.env);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr(`${error.message}\n\n${USAGE}`);
    return 2;
  }
  if (options.help) {
    io.stdout(USAGE);
    return 0;
  }

  let suite;
  let cases;
  let baseline: Baseline | undefined;
  try {
    suite = loadSuite({
      contractsDir: options.contractsDir && path.resolve(io.cwd, options.contractsDir),
      openapiFile: options.openapiFile && path.resolve(io.cwd, options.openapiFile),
      relativeTo: io.cwd,
    });
    cases = selectAreas(suite.cases, options.areas);
    if (options.baseline !== undefined) baseline = Baseline.load(path.resolve(io.cwd, options.baseline));
  } catch (error) {
    // A missing directory or document is as much the caller's to fix as an invalid file.
    const known = error instanceof ContractFileError || error instanceof UnknownAreaError || error instanceof BaselineError;
    io.stderr(`${known ? '' : 'cannot load the suite: '}${(error as Error).message}\n`);
    return 2;
  }

  if (options.list) {
    for (const { area, cases: count } of countByArea(cases)) io.stdout(`${area}\t${count}\n`);
    io.stdout(`total\t${cases.length}\n`);
    return 0;
  }

  const startedAt = new Date();
  const ids = new CaseIds();
  const validator = new ResponseValidator(suite.document);
  const results: CaseResult[] = [];
  const cleanup: CleanupReport = { deleted: [], errors: [] };
  const descriptions: string[] = [];
  let plan: TargetPlan;
  try {
    plan = await planTargets(options);
  } catch (error) {
    if (!(error instanceof TargetError)) throw error;
    io.stderr(`${error.message}\n`);
    return 2;
  }
  try {
    for (const open of plan.open) {
      let target: Target;
      try {
        target = await open();
      } catch (error) {
        if (!(error instanceof TargetError)) throw error;
        io.stderr(`${error.message}\n`);
        return 2;
      }
      descriptions.push(target.description);
      io.stdout(`Running ${cases.length} case(s) on ${target.description}, run ${ids.runId}\n`);
      try {
        const run = await runSuite({ target, cases, ids, validator, baseline, onResult: (result) => printResult(io.stdout, result) });
        results.push(...run.results);
        cleanup.deleted.push(...run.cleanup.deleted);
        cleanup.errors.push(...run.cleanup.errors);
      } finally {
        await target.close();
      }
    }
  } finally {
    await plan.dispose();
  }

  const report: RunReport = {
    target: descriptions.join('; '),
    runId: ids.runId,
    startedAt,
    durationMs: Date.now() - startedAt.getTime(),
    results,
    cleanup,
    staleBaseline: baseline?.stale(results.filter((r) => r.status === 'passed')) ?? [],
  };
  printSummary(io.stdout, report);
  const junit = writeReport(options.junit ?? path.join(DEFAULT_RESULTS_DIR, 'junit.xml'), junitXml(report), io);
  const markdown = writeReport(options.markdown ?? path.join(DEFAULT_RESULTS_DIR, 'report.md'), markdownReport(report), io);
  io.stdout(`reports: ${path.relative(io.cwd, junit) || junit}, ${path.relative(io.cwd, markdown) || markdown}\n`);
  return results.some((r) => r.status === 'failed') ? 1 : 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exitCode = 2;
    },
  );
}

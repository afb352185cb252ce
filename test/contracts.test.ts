import * as path from 'node:path';
import { skipReason } from '../src/contracts/case-plan';
import { runCase } from '../src/contracts/case-runner';
import type { LoadedCase, Profile } from '../src/contracts/case-model';
import { PROFILES } from '../src/contracts/case-model';
import { InProcessTarget } from '../src/contracts/in-process-target';
import { RepositoryCopy } from '../src/contracts/fixtures/repository-copy';
import { ResponseValidator } from '../src/contracts/response-validator';
import { formatFailure } from '../src/contracts/results';
import { countByArea, loadSuite, Suite } from '../src/contracts/suite';
import { deleteEndpoints } from '../src/contracts/case-runner';
import { CaseIds } from '../src/contracts/templating';
import { PROFILES as BEHAVIOUR_PROFILES } from '../src/inference/profiles';

/**
 * The contract suite on the in-process mock: every case of contracts/*.yaml and every example
 * of the OpenAPI document, once per profile, each as its own test.
 */

const ROOT = path.resolve(__dirname, '..');

let suite: Suite | undefined;
let loadError: unknown;
try {
  suite = loadSuite({ relativeTo: ROOT });
} catch (error) {
  loadError = error;
}

const titleOf = (entry: LoadedCase) => `${entry.area} › ${entry.case.name}`;
const needsTime = (entry: LoadedCase) =>
  (entry.case.requires?.mock?.length ?? 0) > 0 || [...(entry.case.setup ?? []), ...(entry.case.then ?? [])].some((step) => step.retry);

if (!suite) {
  it('loads the contract files', () => {
    throw loadError;
  });
} else {
  const { cases, document } = suite;
  const validator = new ResponseValidator(document);
  const ids = new CaseIds();
  const repositoryCopy = new RepositoryCopy();
  const ran = new Map<Profile, number>();

  afterAll(async () => {
    await repositoryCopy.dispose();
    const counts = countByArea(cases)
      .map(({ area, cases: count }) => `  ${area.padEnd(20)} ${count}`)
      .join('\n');
    process.stdout.write(
      `\ncontract cases per area (each runs once per profile; ran ${[...ran].map(([p, n]) => `${n} on ${p}`).join(', ')}):\n${counts}\n  ${'total'.padEnd(20)} ${cases.length}\n`,
    );
  });

  describe.each(PROFILES)('contracts, profile %s', (profile) => {
    let target: InProcessTarget;
    const facts = {
      profile,
      versionNumber: BEHAVIOUR_PROFILES[profile].version.number,
      fixtureSkipReason: () => undefined,
    };

    beforeAll(async () => {
      target = await InProcessTarget.start(profile, {
        repositoryCopy,
        serverOptions: process.env.TEST_MODEL_REPOSITORY ? { modelRepository: process.env.TEST_MODEL_REPOSITORY } : {},
      });
    });
    afterAll(async () => {
      if (!target) return;
      const { errors } = await deleteEndpoints(target.client, ids.prefix);
      await target.close();
      expect(errors).toEqual([]);
    });

    it('runs on the version the profile emulates', () => {
      expect(target.versionNumber).toBe(facts.versionNumber);
    });

    for (const entry of cases) {
      const reason = skipReason(entry.case, facts);
      if (reason !== undefined) {
        it.skip(`${titleOf(entry)} (skipped: ${reason})`, () => undefined);
        continue;
      }
      it(
        titleOf(entry),
        async () => {
          ran.set(profile, (ran.get(profile) ?? 0) + 1);
          const result = await runCase(entry, { target, ids, validator });
          if (result.status === 'failed') throw new Error(result.failures.map(formatFailure).join('\n\n'));
        },
        needsTime(entry) ? 120_000 : 60_000,
      );
    }
  });
}

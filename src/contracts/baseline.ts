import { readFileSync } from 'node:fs';
import Ajv2020 from 'ajv/dist/2020';
import { parse } from 'yaml';
import type { Profile } from './case-model';
import { describeSchemaErrors } from './openapi-document';

/**
 * Accepted differences: a YAML or JSON list of `{ area, case, reason }` (optionally `profile`).
 * A failure of a listed case is reported as accepted and does not fail the run, so a run
 * against a real cluster shows only new drift.
 */

export interface BaselineEntry {
  area: string;
  case: string;
  reason: string;
  profile?: Profile;
}

const SCHEMA = {
  type: 'array',
  items: {
    type: 'object',
    required: ['area', 'case', 'reason'],
    additionalProperties: false,
    properties: {
      area: { type: 'string', minLength: 1 },
      case: { type: 'string', minLength: 1 },
      reason: { type: 'string', minLength: 1 },
      profile: { enum: ['8.15', '9.1'] },
    },
  },
};

export class BaselineError extends Error {}

export class Baseline {
  private readonly used = new Set<BaselineEntry>();

  constructor(readonly entries: readonly BaselineEntry[]) {}

  static load(file: string): Baseline {
    let data: unknown;
    try {
      data = parse(readFileSync(file, 'utf8'));
    } catch (error) {
      throw new BaselineError(`baseline ${file}: ${(error as Error).message.split('\n')[0]}`);
    }
    return Baseline.from(data ?? [], file);
  }

  static from(data: unknown, source = 'baseline'): Baseline {
    const validate = new Ajv2020({ allErrors: true }).compile(SCHEMA);
    if (!validate(data)) {
      const problems = describeSchemaErrors(validate.errors ?? [], 'entries');
      throw new BaselineError(
        `baseline ${source} must be a list of { area, case, reason, profile? }:\n${problems.map((p) => `  ${p}`).join('\n')}`,
      );
    }
    return new Baseline(data as BaselineEntry[]);
  }

  /** The entry that accepts a failure of this case, if any. */
  accept(area: string, caseName: string, profile: Profile): BaselineEntry | undefined {
    const entry = this.entries.find((e) => e.area === area && e.case === caseName && (e.profile === undefined || e.profile === profile));
    if (entry) this.used.add(entry);
    return entry;
  }

  /** Entries for cases that passed: the difference they accepted is gone. */
  stale(passed: ReadonlyArray<{ area: string; name: string; profile: Profile }>): BaselineEntry[] {
    return this.entries.filter(
      (entry) =>
        !this.used.has(entry) &&
        passed.some((r) => r.area === entry.area && r.name === entry.case && (entry.profile ?? r.profile) === r.profile),
    );
  }
}

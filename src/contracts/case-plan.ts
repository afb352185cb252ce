import type { ContractCase, MockFixture, Profile } from './case-model';
import { parseVersionRange } from './version-range';

/** Whether a case runs on a target, and if not, why: the reason is reported with the skip. */

export interface TargetFacts {
  profile: Profile;
  versionNumber: string;
  fixtureSkipReason(fixtures: readonly MockFixture[]): string | undefined;
}

export function skipReason(contractCase: ContractCase, target: TargetFacts): string | undefined {
  if (contractCase.skip !== undefined) return contractCase.skip;
  const requires = contractCase.requires ?? {};
  if (requires.profiles && !requires.profiles.includes(target.profile)) {
    return `applies to profile ${requires.profiles.join(', ')}; the target runs profile ${target.profile}`;
  }
  if (requires.versions !== undefined && !parseVersionRange(requires.versions).matches(target.versionNumber)) {
    return `needs version ${requires.versions}; the target is ${target.versionNumber}`;
  }
  if (requires.mock && requires.mock.length > 0) return target.fixtureSkipReason(requires.mock);
  return undefined;
}

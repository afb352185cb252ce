import type { Profile } from './case-model';

/**
 * `requires.versions`: comparators joined by spaces, all of which must hold (`>=8.16 <9.0`),
 * alternatives joined by `||`, and inclusive hyphen ranges (`8.15 - 8.19`). A bare version
 * (`8.15`, or `=8.15`) matches every version that starts with it. Missing parts count as 0.
 */

export class VersionRangeError extends Error {}

type Version = number[];
type Comparator = { op: '>=' | '>' | '<=' | '<' | '='; version: Version };

const VERSION = /^\d+(?:\.\d+){0,2}$/;

function parseVersion(text: string, range: string): Version {
  if (!VERSION.test(text)) throw new VersionRangeError(`invalid version [${text}] in range [${range}]`);
  return text.split('.').map(Number);
}

function compare(a: Version, b: Version): number {
  for (let i = 0; i < 3; i++) {
    const diff = (a[i] ?? 0) - (b[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return 0;
}

function holds({ op, version }: Comparator, actual: Version): boolean {
  if (op === '=') return version.every((part, i) => actual[i] === part);
  const c = compare(actual, version);
  return op === '>=' ? c >= 0 : op === '>' ? c > 0 : op === '<=' ? c <= 0 : c < 0;
}

function parseAlternative(text: string, range: string): Comparator[] {
  const hyphen = /^(\S+)\s+-\s+(\S+)$/.exec(text);
  if (hyphen) {
    const upper = parseVersion(hyphen[2], range);
    // An upper bound of 8.19 includes 8.19.x.
    const comparators: Comparator[] = [{ op: '>=', version: parseVersion(hyphen[1], range) }];
    comparators.push(
      upper.length < 3 ? { op: '<', version: [...upper.slice(0, -1), upper[upper.length - 1] + 1] } : { op: '<=', version: upper },
    );
    return comparators;
  }
  const tokens = text.split(/\s+/).filter(Boolean);
  if (tokens.length === 0) throw new VersionRangeError(`empty alternative in range [${range}]`);
  return tokens.map((token) => {
    const match = /^(>=|<=|>|<|==?)?(.*)$/.exec(token)!;
    const op = (match[1] === '==' ? '=' : (match[1] ?? '=')) as Comparator['op'];
    return { op, version: parseVersion(match[2], range) };
  });
}

export interface VersionRange {
  source: string;
  matches(version: string): boolean;
}

export function parseVersionRange(source: string): VersionRange {
  const alternatives = source.split('||').map((part) => parseAlternative(part.trim(), source));
  return {
    source,
    matches(version: string) {
      const numeric = /^(\d+(?:\.\d+){0,2})/.exec(version);
      if (!numeric) return false;
      const actual = numeric[1].split('.').map(Number);
      return alternatives.some((comparators) => comparators.every((comparator) => holds(comparator, actual)));
    },
  };
}

/** The profile a cluster version maps to: 8.x behaves like 8.15, 9.x like 9.1. */
export function profileForVersion(version: string): Profile | undefined {
  const major = /^(\d+)\./.exec(version)?.[1];
  return major === '8' ? '8.15' : major === '9' ? '9.1' : undefined;
}

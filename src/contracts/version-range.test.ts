import { parseVersionRange, profileForVersion, VersionRangeError } from './version-range';

describe('version ranges', () => {
  const matches = (range: string, version: string) => parseVersionRange(range).matches(version);

  it('requires every comparator of an alternative', () => {
    expect(matches('>=8.16 <9.0', '8.19.2')).toBe(true);
    expect(matches('>=8.16 <9.0', '8.15.5')).toBe(false);
    expect(matches('>=8.16 <9.0', '9.0.0')).toBe(false);
    expect(matches('>8.15.5', '8.15.6')).toBe(true);
    expect(matches('<=9.1', '9.1.0')).toBe(true);
    expect(matches('<=9.1', '9.1.3')).toBe(false);
  });

  it('takes a bare version as a prefix', () => {
    expect(matches('8.15', '8.15.5')).toBe(true);
    expect(matches('=8.15', '8.16.0')).toBe(false);
    expect(matches('9', '9.1.0')).toBe(true);
  });

  it('accepts alternatives and inclusive hyphen ranges', () => {
    expect(matches('8.15 || >=9.1', '9.2.0')).toBe(true);
    expect(matches('8.15 || >=9.1', '9.0.1')).toBe(false);
    expect(matches('8.16 - 8.19', '8.19.7')).toBe(true);
    expect(matches('8.16 - 8.19', '9.0.0')).toBe(false);
    expect(matches('8.16.0 - 8.19.1', '8.19.2')).toBe(false);
  });

  it('ignores pre-release suffixes of the target version', () => {
    expect(matches('>=9.1', '9.1.0-SNAPSHOT')).toBe(true);
  });

  it('rejects malformed ranges', () => {
    expect(() => parseVersionRange('>=eight')).toThrow(VersionRangeError);
    expect(() => parseVersionRange('8.15 ||')).toThrow('empty alternative');
  });

  it('maps cluster versions to profiles', () => {
    expect(profileForVersion('8.19.2')).toBe('8.15');
    expect(profileForVersion('9.2.0')).toBe('9.1');
    expect(profileForVersion('7.17.0')).toBeUndefined();
  });
});

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Baseline, BaselineError } from './baseline';

describe('baselines', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'baseline-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads a YAML or JSON list of accepted differences', () => {
    const yamlFile = path.join(dir, 'baseline.yaml');
    writeFileSync(
      yamlFile,
      "- area: delete\n  case: success body\n  reason: our cluster has pipelines\n- { area: get, case: lists, reason: extra endpoints, profile: '9.1' }\n",
    );
    const jsonFile = path.join(dir, 'baseline.json');
    writeFileSync(jsonFile, JSON.stringify([{ area: 'get', case: 'lists', reason: 'r' }]));
    expect(Baseline.load(yamlFile).entries).toHaveLength(2);
    expect(Baseline.load(jsonFile).entries).toEqual([{ area: 'get', case: 'lists', reason: 'r' }]);
    const empty = path.join(dir, 'empty.yaml');
    writeFileSync(empty, '');
    expect(Baseline.load(empty).entries).toEqual([]);
  });

  it('accepts failures of listed cases, for the listed profile only', () => {
    const baseline = Baseline.from([
      { area: 'delete', case: 'success body', reason: 'pipelines' },
      { area: 'get', case: 'lists', reason: 'extra endpoints', profile: '9.1' },
    ]);
    expect(baseline.accept('delete', 'success body', '8.15')?.reason).toBe('pipelines');
    expect(baseline.accept('get', 'lists', '8.15')).toBeUndefined();
    expect(baseline.accept('get', 'lists', '9.1')?.reason).toBe('extra endpoints');
    expect(baseline.accept('get', 'other', '9.1')).toBeUndefined();
  });

  it('names entries whose case passed as stale', () => {
    const baseline = Baseline.from([
      { area: 'delete', case: 'success body', reason: 'pipelines' },
      { area: 'get', case: 'lists', reason: 'extra endpoints', profile: '9.1' },
    ]);
    expect(baseline.stale([{ area: 'get', name: 'lists', profile: '8.15' }])).toEqual([]);
    expect(
      baseline.stale([
        { area: 'get', name: 'lists', profile: '9.1' },
        { area: 'delete', name: 'success body', profile: '8.15' },
      ]),
    ).toHaveLength(2);
  });

  it('explains a malformed baseline', () => {
    expect(() =>
      Baseline.from(
        [
          { area: 'get', case: 'lists' },
          { area: 'x', case: 'y', reason: 'z', extra: 1 },
        ],
        'b.yaml',
      ),
    ).toThrow(
      new BaselineError(
        'baseline b.yaml must be a list of { area, case, reason, profile? }:\n  entries/0 lacks the required property [reason]\n  entries/1 has the unexpected property [extra]',
      ),
    );
    const broken = path.join(dir, 'broken.yaml');
    writeFileSync(broken, '- [unclosed');
    expect(() => Baseline.load(broken)).toThrow(/^baseline .*broken\.yaml: /);
  });
});

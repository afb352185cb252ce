import { applyFilterPath } from './filter-path';

describe('filter_path', () => {
  const body = { nodes: { n1: { version: '9.1.0', ip: '127.0.0.1', name: 'x' } }, cluster_name: 'c' };

  it('keeps only the named paths, with wildcards', () => {
    expect(applyFilterPath(body, 'nodes.*.version,nodes.*.ip')).toEqual({ nodes: { n1: { version: '9.1.0', ip: '127.0.0.1' } } });
  });

  it('excludes paths with a leading dash', () => {
    expect(applyFilterPath(body, '-nodes')).toEqual({ cluster_name: 'c' });
  });

  it('returns an empty object when nothing matches', () => {
    expect(applyFilterPath(body, 'nothing')).toEqual({});
  });
});

describe('filter_path wildcards', () => {
  const body = { max_number_of_allocations: 1, chunking_settings: { strategy: 'sentence' } };

  it('matches a run of stars like one star', () => {
    expect(applyFilterPath(body, 'max**of**')).toEqual({ max_number_of_allocations: 1 });
    expect(applyFilterPath(body, 'chunk*_*.str*')).toEqual({ chunking_settings: { strategy: 'sentence' } });
  });

  it('treats regular-expression characters literally', () => {
    expect(applyFilterPath({ 'a.b': 1, 'a+b': 2, ab: 3 }, 'a+b')).toEqual({ 'a+b': 2 });
    expect(applyFilterPath({ '(x)': 1, x: 2 }, '(x)')).toEqual({ '(x)': 1 });
  });

  // A pattern with many consecutive stars once became a backtracking regular expression:
  // `GET /_inference?filter_path=***************x` kept the event loop busy for minutes.
  it('answers at once for a pattern of many stars that does not match', () => {
    const started = Date.now();
    expect(applyFilterPath(body, `${'*'.repeat(40)}x,${'*a'.repeat(40)}z`)).toEqual({});
    expect(Date.now() - started).toBeLessThan(1000);
  });
});

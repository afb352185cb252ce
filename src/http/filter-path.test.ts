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

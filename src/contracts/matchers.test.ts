import { formatPath, lookup, parsePath, PathSyntaxError } from './json-path';
import { matchValue } from './matchers';

describe('paths into a body', () => {
  const body = {
    sparse_embedding: [{ is_truncated: false, embedding: { sky: 2.5, port: 1.25 } }],
    'model.id': { 'a\\b': 1 },
    service_settings: { num_threads: 1 },
  };

  it('reads keys, array indexes and the body itself', () => {
    expect(lookup(body, parsePath('sparse_embedding.0.embedding.sky'))).toEqual({ present: true, value: 2.5 });
    expect(lookup(body, parsePath('service_settings'))).toEqual({ present: true, value: { num_threads: 1 } });
    expect(lookup(body, parsePath(''))).toEqual({ present: true, value: body });
  });

  it('takes a backslash-escaped dot as part of a key', () => {
    expect(parsePath('model\\.id')).toEqual(['model.id']);
    expect(lookup(body, parsePath('model\\.id.a\\\\b'))).toEqual({ present: true, value: 1 });
    expect(formatPath(['model.id', 'a\\b'])).toBe('model\\.id.a\\\\b');
  });

  it('names the first segment that is missing', () => {
    expect(lookup(body, parsePath('sparse_embedding.1.embedding'))).toEqual({ present: false, missingAt: 'sparse_embedding.1' });
    expect(lookup(body, parsePath('sparse_embedding.first'))).toEqual({ present: false, missingAt: 'sparse_embedding.first' });
    expect(lookup(body, parsePath('service_settings.num_threads.x'))).toEqual({
      present: false,
      missingAt: 'service_settings.num_threads.x',
    });
  });

  it('treats a number as a key on objects', () => {
    expect(lookup({ '0': 'zero' }, parsePath('0'))).toEqual({ present: true, value: 'zero' });
  });

  it('rejects empty segments and stray backslashes', () => {
    expect(() => parsePath('a..b')).toThrow(PathSyntaxError);
    expect(() => parsePath('a.')).toThrow(PathSyntaxError);
    expect(() => parsePath('a\\b')).toThrow('a backslash must precede');
  });
});

describe('matchers', () => {
  it('equals compares deeply, ignoring key order', () => {
    expect(matchValue({ equals: { a: 1, b: [1, 2] } }, { b: [1, 2], a: 1 })).toEqual([]);
    expect(matchValue({ equals: [1, 2] }, [2, 1])).toEqual(['expected [1,2], got [2,1]']);
    expect(matchValue({ equals: null }, null)).toEqual([]);
  });

  it('type tells integers from other numbers, arrays from objects', () => {
    expect(matchValue({ type: 'integer' }, 3)).toEqual([]);
    expect(matchValue({ type: 'number' }, 3)).toEqual([]);
    expect(matchValue({ type: 'integer' }, 3.5)).toEqual(['expected a value of type integer, got number']);
    expect(matchValue({ type: 'object' }, [])).toEqual(['expected a value of type object, got array']);
    expect(matchValue({ type: 'null' }, null)).toEqual([]);
    expect(matchValue({ type: 'string' }, 'x')).toEqual([]);
    expect(matchValue({ type: 'boolean' }, 'true')).toHaveLength(1);
  });

  it('regex searches strings, and other values as JSON', () => {
    expect(matchValue({ regex: '^Timed out after \\[\\d+ms\\]' }, 'Timed out after [200ms] waiting')).toEqual([]);
    expect(matchValue({ regex: '^\\d+$' }, 42)).toEqual([]);
    expect(matchValue({ regex: 'x' }, 'y')).toEqual(['expected a value matching /x/, got "y"']);
  });

  it('containsKeys and lacksKeys look at an object', () => {
    expect(matchValue({ containsKeys: ['sky', 'port'], lacksKeys: ['the'] }, { sky: 1, port: 2 })).toEqual([]);
    expect(matchValue({ containsKeys: ['sky', 'dog'] }, { sky: 1 })).toEqual(['expected keys ["dog"], which are missing (keys: ["sky"])']);
    expect(matchValue({ lacksKeys: ['sky'] }, { sky: 1 })).toEqual(['expected no keys ["sky"], which are present']);
    expect(matchValue({ containsKeys: ['a'] }, [1])).toEqual(['expected an object, got array']);
  });

  it('length, minLength and maxLength measure arrays, strings and objects', () => {
    expect(matchValue({ length: 2 }, [1, 2])).toEqual([]);
    expect(matchValue({ length: 3 }, 'abc')).toEqual([]);
    expect(matchValue({ length: 1 }, { a: 1 })).toEqual([]);
    expect(matchValue({ minLength: 1, maxLength: 2 }, [])).toEqual(['expected length >= 1, got 0']);
    expect(matchValue({ maxLength: 2 }, 'abcd')).toEqual(['expected length <= 2, got 4']);
    expect(matchValue({ length: 1 }, 5)).toEqual(['expected a string, array or object to measure, got integer']);
  });

  it('sortedByValueDesc checks the values in key order', () => {
    expect(matchValue({ sortedByValueDesc: true }, { a: 3, b: 2, c: 2, d: 0.5 })).toEqual([]);
    expect(matchValue({ sortedByValueDesc: true }, {})).toEqual([]);
    expect(matchValue({ sortedByValueDesc: true }, { a: 1, b: 2 })).toEqual([
      'expected values in descending order, but [b]=2 follows [a]=1',
    ]);
    expect(matchValue({ sortedByValueDesc: true }, { a: 'x' })).toEqual(['expected numeric values, but [a] is "x"']);
  });

  it('every applies a matcher to each element or value', () => {
    expect(matchValue({ every: { greaterThan: 0 } }, { sky: 1, port: 0.1 })).toEqual([]);
    expect(matchValue({ every: { type: 'object', containsKeys: ['embedding'] } }, [{ embedding: {} }, { embedding: {} }])).toEqual([]);
    expect(matchValue({ every: { greaterThan: 0 } }, [1, 0, 2])).toEqual(['[1]: expected > 0, got 0']);
    expect(matchValue({ every: { every: { type: 'number' } } }, [{ a: 1 }, { b: 'x' }])).toEqual([
      '[1]: [b]: expected a value of type number, got string',
    ]);
    expect(matchValue({ every: { type: 'string' } }, 'abc')).toEqual(['expected an array or object for "every", got string']);
  });

  it('greaterThan and lessThanOrEqual compare numbers', () => {
    expect(matchValue({ greaterThan: 0, lessThanOrEqual: 1 }, 1)).toEqual([]);
    expect(matchValue({ greaterThan: 0 }, 0)).toEqual(['expected > 0, got 0']);
    expect(matchValue({ lessThanOrEqual: 1 }, 1.5)).toEqual(['expected <= 1, got 1.5']);
    expect(matchValue({ greaterThan: 0 }, '1')).toEqual(['expected a number, got string']);
  });

  it('absent holds only when the path does not exist', () => {
    expect(matchValue({ absent: true }, undefined, false)).toEqual([]);
    expect(matchValue({ absent: true }, null, true)).toEqual(['expected no value, got null']);
    expect(matchValue({ type: 'string' }, undefined, false)).toEqual(['expected a value matching {"type":"string"}, but it is absent']);
  });

  it('requires every property of a matcher to hold', () => {
    expect(matchValue({ type: 'array', minLength: 1, every: { type: 'string' } }, ['a'])).toEqual([]);
    expect(matchValue({ type: 'array', minLength: 2, every: { type: 'number' } }, ['a'])).toEqual([
      'expected length >= 2, got 1',
      '[0]: expected a value of type number, got string',
    ]);
  });
});

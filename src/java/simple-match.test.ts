import { simpleMatch } from './simple-match';

describe('simpleMatch', () => {
  it.each([
    ['*', '', true],
    ['*', 'anything', true],
    ['abc', 'abc', true],
    ['abc', 'abcd', false],
    ['a*', 'a', true],
    ['*c', 'abc', true],
    ['a*c', 'abbbc', true],
    ['a*c', 'abbb', false],
    ['*b*', 'abc', true],
    ['a**c', 'ac', true],
    ['*.*', 'a.b', true],
    ['a.c', 'abc', false],
    ['a+b', 'a+b', true],
    ['(x)', '(x)', true],
    ['', '', true],
    ['', 'a', false],
  ])('%s matches %s: %s', (pattern, text, expected) => {
    expect(simpleMatch(pattern, text)).toBe(expected);
  });

  it('answers at once for patterns that backtrack as regular expressions', () => {
    const started = Date.now();
    expect(simpleMatch(`${'*'.repeat(50)}x`, 'max_number_of_allocations')).toBe(false);
    expect(simpleMatch(`${'*a'.repeat(50)}z`, 'a'.repeat(200))).toBe(false);
    expect(Date.now() - started).toBeLessThan(500);
  });
});

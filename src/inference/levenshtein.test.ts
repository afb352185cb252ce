import { levenshteinSimilarity, suggestFields } from './inference-api';

describe('levenshteinSimilarity', () => {
  it.each([
    ['', '', 1],
    ['input', 'input', 1],
    ['inptu', 'input', 0.6],
    ['kitten', 'sitting', 1 - 3 / 7],
    ['timout', 'timeout', 1 - 1 / 7],
    ['abc', '', 0],
    ['é', 'e', 0],
  ])('%j and %j: %d', (a, b, expected) => {
    expect(levenshteinSimilarity(a, b)).toBeCloseTo(expected, 10);
    expect(levenshteinSimilarity(b, a)).toBeCloseTo(expected, 10);
  });

  it('suggests the fields a misspelling is close to', () => {
    expect(suggestFields('inputs', ['input', 'input_type', 'query'])).toBe(' did you mean [input]?');
  });

  // A body with a one-megabyte unknown field name once took 11 to 15 s to answer in the test
  // runner (Math.min per step), which the fuzz suite reported as a hang.
  it('scores a megabyte-long name against the inference fields at once', () => {
    const name = 'k'.repeat(1 << 20);
    const started = Date.now();
    expect(suggestFields(name, ['input', 'task_settings', 'query', 'input_type', 'return_documents', 'top_n', 'timeout'])).toBe('');
    expect(Date.now() - started).toBeLessThan(1500);
  });
});

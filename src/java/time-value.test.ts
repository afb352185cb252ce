import { TimeValue } from './time-value';

describe('TimeValue', () => {
  it('parses and renders as Elasticsearch does', () => {
    expect(TimeValue.parse('30s', 'timeout').toString()).toBe('30s');
    expect(TimeValue.parse('1500ms', 'timeout').toString()).toBe('1.5s');
    expect(TimeValue.parse('90s', 'timeout').toString()).toBe('1.5m');
    expect(TimeValue.parse('100ms', 'timeout').millis).toBe(100);
    expect(TimeValue.parse('-1', 'timeout').millis).toBe(-1);
  });

  it('rejects values without a unit with the parse_exception Elasticsearch sends', () => {
    expect(() => TimeValue.parse('abc', 'timeout')).toThrow(
      'failed to parse setting [timeout] with value [abc] as a time value: unit is missing or unrecognized',
    );
  });
});

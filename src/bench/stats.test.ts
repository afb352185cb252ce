import { combineRounds, completionRate, median, percentile, sampleOf } from './stats';

describe('benchmark statistics', () => {
  test('percentiles interpolate between the closest ranks', () => {
    expect(percentile([3, 1, 2], 50)).toBe(2);
    expect(percentile([1, 2, 3, 4], 50)).toBe(2.5);
    expect(percentile([1, 2, 3, 4, 5], 0)).toBe(1);
    expect(percentile([1, 2, 3, 4, 5], 100)).toBe(5);
    expect(
      percentile(
        Array.from({ length: 101 }, (_, i) => i),
        99,
      ),
    ).toBe(99);
    expect(percentile([], 50)).toBeNaN();
    expect(median([5, 1, 3])).toBe(3);
  });

  test('the completion rate of one server counts the intervals between its first and last completion', () => {
    // Every 250 ms: 4 per second, however the window cuts it.
    expect(completionRate([1000, 1250, 1500, 1750, 2000])).toBe(4);
    expect(completionRate([1000])).toBeNaN();
  });

  test('the completion rate of parallel servers does not depend on their phases', () => {
    // Two servers completing every 500 ms: together 4 per second, whatever the offset between them.
    for (const offset of [0, 1, 120, 250, 499]) {
      const instants = [0, 500, 1000, 1500, 2000].flatMap((t) => [1000 + t, 1000 + t + offset]);
      expect(completionRate(instants, 2)).toBeCloseTo(4, 10);
    }
    expect(completionRate([1000, 1001], 2)).toBeNaN();
  });

  test('samples carry throughput and latency percentiles; rounds keep the median throughput', () => {
    const sample = sampleOf([0, 100, 200], [10, 20, 30]);
    expect(sample).toEqual({ throughput: 10, count: 3, p50Ms: 20, p99Ms: 29.8 });
    const combined = combineRounds([
      { sample: { ...sample, throughput: 1 }, latenciesMs: [1, 2] },
      { sample: { ...sample, throughput: 3 }, latenciesMs: [3] },
      { sample: { ...sample, throughput: 2 }, latenciesMs: [4] },
    ]);
    expect(combined.throughput).toBe(2);
    expect(combined.count).toBe(9);
    expect(combined.p50Ms).toBe(2.5);
  });
});

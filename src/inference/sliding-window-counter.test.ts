import fc from 'fast-check';
import { SlidingWindowCounter } from './sliding-window-counter';

describe('SlidingWindowCounter', () => {
  test('counts the events of the last window, dropping those exactly one window old', () => {
    const counter = new SlidingWindowCounter(60_000);
    counter.add(1_000, 3);
    counter.add(30_000, 2);
    expect(counter.countAt(60_999)).toBe(5);
    expect(counter.countAt(61_000)).toBe(2);
    counter.add(89_999, 1);
    expect(counter.countAt(90_000)).toBe(1);
    expect(counter.countAt(200_000)).toBe(0);
  });

  test('agrees with filtering every event by time, across compactions', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 50 }), fc.integer({ min: 0, max: 4 })), { minLength: 2000, maxLength: 3000 }),
        (steps) => {
          const counter = new SlidingWindowCounter(100);
          const events: number[] = [];
          let now = 0;
          steps.forEach(([advance, count], step) => {
            now += advance;
            counter.add(now, count);
            for (let i = 0; i < count; i++) events.push(now);
            if (step % 50 === 0 || step === steps.length - 1)
              expect(counter.countAt(now)).toBe(events.filter((time) => time > now - 100).length);
          });
        },
      ),
      { numRuns: 10 },
    );
  });
});

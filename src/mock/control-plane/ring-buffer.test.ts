import fc from 'fast-check';
import { RingBuffer } from './ring-buffer';

describe('RingBuffer', () => {
  test('keeps the newest `capacity` items, oldest first, like a trimmed array', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 8 }),
        fc.array(fc.oneof(fc.integer(), fc.constant('clear' as const)), { maxLength: 60 }),
        (capacity, steps) => {
          const buffer = new RingBuffer<number>(capacity);
          let reference: number[] = [];
          for (const step of steps) {
            if (step === 'clear') {
              buffer.clear();
              reference = [];
            } else {
              buffer.push(step);
              reference = [...reference, step].slice(Math.max(0, reference.length + 1 - capacity));
            }
            expect(buffer.toArray()).toEqual(reference);
            expect(buffer.size).toBe(reference.length);
          }
        },
      ),
    );
  });

  test('keeps nothing at capacity 0 and refuses a negative capacity', () => {
    const buffer = new RingBuffer<string>(0);
    buffer.push('a');
    expect(buffer.toArray()).toEqual([]);
    expect(() => new RingBuffer(-1)).toThrow(RangeError);
  });
});

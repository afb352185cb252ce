/**
 * How many events happened within the last `windowMs`: events are kept as
 * (time, count) pairs, oldest first, and dropped from the front as they age,
 * so adding and counting cost O(1) amortized whatever the rate.
 */
export class SlidingWindowCounter {
  private times: number[] = [];
  private counts: number[] = [];
  private head = 0;
  private total = 0;

  constructor(private readonly windowMs: number) {}

  /** Records `count` events at `time` (times never decrease). */
  add(time: number, count: number): void {
    this.evict(time);
    if (count <= 0) return;
    this.times.push(time);
    this.counts.push(count);
    this.total += count;
  }

  /** Events at times within `(now - windowMs, now]`. */
  countAt(now: number): number {
    this.evict(now);
    return this.total;
  }

  private evict(now: number): void {
    const cutoff = now - this.windowMs;
    while (this.head < this.times.length && this.times[this.head] <= cutoff) {
      this.total -= this.counts[this.head];
      this.head++;
    }
    // Compact once the dropped prefix is both large and most of the arrays.
    if (this.head > 1024 && this.head * 2 > this.times.length) {
      this.times = this.times.slice(this.head);
      this.counts = this.counts.slice(this.head);
      this.head = 0;
    }
  }
}

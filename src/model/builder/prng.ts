/**
 * Seeded pseudo-random numbers for weight generation. Everything here is
 * integer arithmetic plus `Math.log`/`Math.sqrt`/`Math.cos`, so a given seed
 * yields the same sequence on every run and platform.
 */

const TWO_POW_32 = 4294967296;
// Aliases of Math functions: in a VM context (as under Jest) each global lookup in a hot loop is slow.
const { imul, sqrt, log, sin, cos, PI } = Math;

/** 32-bit FNV-1a hash of a string, used to derive independent sub-streams. */
export function fnv1a32(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

/** Mulberry32 generator with a Box–Muller normal sampler. */
export class SeededRandom {
  private state: number;
  private spareNormal: number | undefined;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /**
   * A generator whose sequence depends only on `seed` and `label`, so adding
   * or reordering draws for one weight tensor never shifts another's values.
   */
  static derive(seed: number, label: string): SeededRandom {
    const mixed = imul((seed >>> 0) ^ fnv1a32(label), 0x9e3779b1) >>> 0;
    const generator = new SeededRandom(mixed);
    generator.nextUint32();
    return generator;
  }

  nextUint32(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = imul(t ^ (t >>> 15), t | 1);
    t ^= t + imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** Uniform in [0, 1). */
  uniform(): number {
    return this.nextUint32() / TWO_POW_32;
  }

  /** Uniform in [low, high). */
  between(low: number, high: number): number {
    return low + (high - low) * this.uniform();
  }

  /** Standard normal sample. */
  normal(): number {
    if (this.spareNormal !== undefined) {
      const spare = this.spareNormal;
      this.spareNormal = undefined;
      return spare;
    }
    // 1 - uniform() lies in (0, 1], so the logarithm stays finite.
    const radius = sqrt(-2 * log(1 - this.uniform()));
    const angle = 2 * PI * this.uniform();
    this.spareNormal = radius * sin(angle);
    return radius * cos(angle);
  }

  /** Fills `target` with normal samples of the given standard deviation. */
  fillNormal<T extends Float32Array | Float64Array>(target: T, std = 1, mean = 0): T {
    for (let i = 0; i < target.length; i++) target[i] = mean + std * this.normal();
    return target;
  }
}

/** The `p`-th percentile (0–100) of `values`, by linear interpolation between closest ranks. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p / 100) * (sorted.length - 1);
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  return sorted[low] + (sorted[high] - sorted[low]) * (rank - low);
}

export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

/**
 * Completions per second of `servers` servers working in parallel, from the
 * instants (ms) at which they completed: `servers · (n − servers)` over the
 * sum of the last `servers` instants minus the sum of the first `servers`.
 * For one server that is (n − 1) / (last − first). Counting completions
 * inside a fixed window instead would be off by up to one service time per
 * server at each edge, several percent at a few sequences per second; and
 * (n − 1) / (last − first) over several servers depends on their phases,
 * which this sum cancels when each completes at a steady pace.
 */
export function completionRate(instants: readonly number[], servers = 1): number {
  if (instants.length <= servers) return Number.NaN;
  const sorted = [...instants].sort((a, b) => a - b);
  let first = 0;
  let last = 0;
  for (let i = 0; i < servers; i++) {
    first += sorted[i];
    last += sorted[sorted.length - 1 - i];
  }
  return last > first ? (servers * (sorted.length - servers) * 1000) / (last - first) : Number.NaN;
}

/** One measurement: completions, their rate, and the latency distribution. */
export interface Sample {
  /** Inputs completed per second. */
  throughput: number;
  /** Requests (HTTP) or runs (raw) measured. */
  count: number;
  p50Ms: number;
  p99Ms: number;
}

/** A sample from the completion instants and latencies of `servers` parallel servers. */
export function sampleOf(instants: readonly number[], latenciesMs: readonly number[], servers = 1): Sample {
  return {
    throughput: completionRate(instants, servers),
    count: instants.length,
    p50Ms: percentile(latenciesMs, 50),
    p99Ms: percentile(latenciesMs, 99),
  };
}

/** One round of a cell: its sample and the latencies behind it. */
export interface MeasuredRound {
  sample: Sample;
  latenciesMs: number[];
}

/** Rounds measured alternately are combined by their median throughput and pooled latencies. */
export function combineRounds(rounds: readonly MeasuredRound[]): Sample {
  const latencies = rounds.flatMap((round) => round.latenciesMs);
  return {
    throughput: median(rounds.map((round) => round.sample.throughput)),
    count: rounds.reduce((sum, round) => sum + round.sample.count, 0),
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
  };
}

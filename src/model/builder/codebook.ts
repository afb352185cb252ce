import { SeededRandom } from './prng';

/**
 * Low-coherence unit vectors for token embeddings.
 *
 * With 30k tokens in a 128–256-dimensional space, Gaussian random directions
 * have a long tail of accidental similarities (max |cos| ≈ 0.4 at 128
 * dimensions), which would make unrelated tokens leak into a sparse
 * embedding. Here each vector is a ±1 sign pattern
 * `(-1)^(Q(x) + b·x) / sqrt(2^m)` over x in GF(2)^m: every quadratic form Q
 * gives an orthonormal basis (the Walsh functions b), and two bases whose
 * forms differ by a form of rank 2k meet only at |cos| = 2^-k or 0. Choosing
 * forms whose pairwise differences have high rank bounds every pairwise
 * |cos| by a small constant instead of a Gaussian tail.
 */

function isPowerOfTwo(value: number): boolean {
  return value > 0 && (value & (value - 1)) === 0;
}

/** Bits of a quadratic form: one per pair i < j (the linear part is the Walsh index b). */
function pairBitCount(m: number): number {
  return (m * (m - 1)) / 2;
}

/** Rank over GF(2) of the alternating matrix of a quadratic form. */
export function alternatingRank(form: number, m: number): number {
  const rows = new Array<number>(m).fill(0);
  let bit = 0;
  for (let i = 0; i < m; i++) {
    for (let j = i + 1; j < m; j++) {
      if ((form >>> bit) & 1) {
        rows[i] |= 1 << j;
        rows[j] |= 1 << i;
      }
      bit++;
    }
  }
  let rank = 0;
  for (let column = 0; column < m && rank < m; column++) {
    let pivot = -1;
    for (let row = rank; row < m; row++) {
      if ((rows[row] >>> column) & 1) {
        pivot = row;
        break;
      }
    }
    if (pivot < 0) continue;
    [rows[rank], rows[pivot]] = [rows[pivot], rows[rank]];
    for (let row = 0; row < m; row++) {
      if (row !== rank && (rows[row] >>> column) & 1) rows[row] ^= rows[rank];
    }
    rank++;
  }
  return rank;
}

const CANDIDATES_PER_BASIS = 6;
const MAX_ATTEMPTS_PER_BASIS = 4000;

/**
 * Greedily picks `count` forms whose pairwise differences all have rank at
 * least `maxRank - 2`, preferring at each step the candidate with the fewest
 * differences below `maxRank`. Returns undefined when the form space is too
 * small for `count`.
 */
function chooseForms(m: number, count: number, random: SeededRandom): number[] | undefined {
  const bits = pairBitCount(m);
  if (bits >= 31 || 2 ** bits < count) return undefined;
  const maxRank = 2 * Math.floor(m / 2);
  const minRank = Math.max(2, maxRank - 2);
  const forms = [0];
  const used = new Set(forms);
  while (forms.length < count) {
    let best: number | undefined;
    let bestDeficits = Number.POSITIVE_INFINITY;
    let accepted = 0;
    for (let attempt = 0; attempt < MAX_ATTEMPTS_PER_BASIS && accepted < CANDIDATES_PER_BASIS; attempt++) {
      const candidate = random.nextUint32() & ((1 << bits) - 1);
      if (used.has(candidate)) continue;
      let deficits = 0;
      let ok = true;
      for (const form of forms) {
        const rank = alternatingRank((candidate ^ form) >>> 0, m);
        if (rank < minRank) {
          ok = false;
          break;
        }
        if (rank < maxRank) deficits++;
      }
      if (!ok) continue;
      accepted++;
      if (deficits < bestDeficits) {
        best = candidate;
        bestDeficits = deficits;
      }
    }
    if (best === undefined) return undefined;
    forms.push(best);
    used.add(best);
  }
  return forms;
}

function quadraticFormParity(form: number, x: number, m: number): number {
  let parity = 0;
  let bit = 0;
  for (let i = 0; i < m; i++) {
    for (let j = i + 1; j < m; j++) {
      if ((form >>> bit) & 1 && (x >>> i) & 1 && (x >>> j) & 1) parity ^= 1;
      bit++;
    }
  }
  return parity;
}

function popcountParity(value: number): number {
  let v = value;
  v ^= v >>> 16;
  v ^= v >>> 8;
  v ^= v >>> 4;
  v ^= v >>> 2;
  v ^= v >>> 1;
  return v & 1;
}

/**
 * `count` zero-mean unit vectors of dimension `dimension` (a power of two)
 * in a seeded random order, or undefined when no low-coherence code of that
 * size exists for the dimension (callers then fall back to Gaussian vectors).
 * Zero-mean matters because LayerNorm removes the mean: the all-ones Walsh
 * vector is skipped, and the few vectors with a mean component are centered.
 */
export function lowCoherenceCodebook(dimension: number, count: number, random: SeededRandom): Float64Array[] | undefined {
  // Below 128 dimensions there are too few quadratic forms with high-rank differences for a 30k vocabulary.
  if (!isPowerOfTwo(dimension) || dimension < 128) return undefined;
  const m = Math.log2(dimension);
  const basesNeeded = Math.ceil((count + 1) / dimension);
  const forms = chooseForms(m, basesNeeded, random);
  if (!forms) return undefined;

  const slots: number[] = [];
  for (let basis = 0; basis < forms.length; basis++) {
    for (let walsh = 0; walsh < dimension; walsh++) {
      if (basis === 0 && walsh === 0) continue;
      slots.push(basis * dimension + walsh);
    }
  }
  for (let i = slots.length - 1; i > 0; i--) {
    const j = Math.floor(random.uniform() * (i + 1));
    [slots[i], slots[j]] = [slots[j], slots[i]];
  }

  const formSigns = forms.map((form) => Int8Array.from({ length: dimension }, (_, x) => quadraticFormParity(form, x, m)));
  const scale = 1 / Math.sqrt(dimension);
  return slots.slice(0, count).map((slot) => {
    const basis = Math.floor(slot / dimension);
    const walsh = slot % dimension;
    const vector = new Float64Array(dimension);
    let mean = 0;
    for (let x = 0; x < dimension; x++) {
      vector[x] = (formSigns[basis][x] ^ popcountParity(walsh & x)) === 0 ? scale : -scale;
      mean += vector[x];
    }
    mean /= dimension;
    if (mean !== 0) {
      let norm = 0;
      for (let x = 0; x < dimension; x++) {
        vector[x] -= mean;
        norm += vector[x] * vector[x];
      }
      norm = Math.sqrt(norm);
      for (let x = 0; x < dimension; x++) vector[x] /= norm;
    }
    return vector;
  });
}

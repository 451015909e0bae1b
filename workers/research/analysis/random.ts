/**
 * A seeded generator for resampling: xoshiro128** (Blackman and Vigna), its 128-bit state filled from the
 * seed by splitmix32 so nearby seeds give unrelated streams. Fast with 32-bit integer arithmetic only,
 * and the same numbers in every JavaScript engine, so a Monte Carlo run repeats exactly from its seed.
 */
export interface SeededRandom {
  /** Uniform on [0, 1), 32 bits of resolution. */
  next(): number;
  /** Uniform whole number in [0, n), for n up to 2^32. */
  index(n: number): number;
}

/**
 * A counter hashed by an invertible 32-bit mixer: splitmix32 with its constants as parameters, so the
 * seed's low and high bits get unrelated streams (the same mixer would cancel out where they are equal).
 */
function hashedCounter(seed: number, gamma: number, m1: number, m2: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + gamma) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), m1);
    z = Math.imul(z ^ (z >>> 13), m2);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/** splitmix32 (golden-ratio step, MurmurHash3's finaliser constants). */
const splitmix32 = (seed: number) => hashedCounter(seed, 0x9e3779b9, 0x85ebca6b, 0xc2b2ae35);
/** The same construction with other constants (sqrt(2) step, Wellons' lowbias32 multipliers). */
const highMix = (seed: number) => hashedCounter(seed, 0x6a09e667, 0x7feb352d, 0x846ca68b);

/** Whether `seed` can seed `seededRandom`: a whole number JavaScript holds exactly (|seed| < 2^53). */
export function isValidSeed(seed: number): boolean {
  return Number.isSafeInteger(seed);
}

/**
 * A generator for `seed`, a safe integer (anything else is a RangeError: 1.7 would otherwise run as 1).
 * The seed's low 32 bits fill the state by splitmix32; its high bits (sign included) fill four more words,
 * by a mixer with other constants, that are XOR-ed into every word of the state, so seeds that share their
 * low bits (1 and 2^32 + 1, 0 and -2^32) still differ from the first draw. Seeds 0 to 2^32 - 1 have no high
 * bits and keep the streams they always had.
 */
export function seededRandom(seed: number): SeededRandom {
  if (!isValidSeed(seed))
    throw new RangeError(`a random seed must be a whole number from -(2^53 - 1) to 2^53 - 1, got ${seed}`);
  // seed = high x 2^32 + low exactly, low in [0, 2^32); high in [-2^21, 2^21) as a 32-bit pattern.
  const fill = splitmix32(seed >>> 0);
  let a = fill();
  let b = fill();
  let c = fill();
  let d = fill();
  const high = Math.floor(seed / 4294967296) >>> 0;
  if (high !== 0) {
    const mix = highMix(high);
    a ^= mix();
    b ^= mix();
    c ^= mix();
    d ^= mix();
  }
  if ((a | b | c | d) === 0) a = 1;
  const nextUint = () => {
    const result = Math.imul(rotl(Math.imul(b, 5), 7), 9) >>> 0;
    const t = b << 9;
    c ^= a;
    d ^= b;
    b ^= c;
    a ^= d;
    c ^= t;
    d = rotl(d, 11);
    return result;
  };
  return {
    next: () => nextUint() / 4294967296,
    index: (n) => Math.floor((nextUint() / 4294967296) * n),
  };
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

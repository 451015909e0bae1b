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

function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

export function seededRandom(seed: number): SeededRandom {
  if (!Number.isFinite(seed)) throw new RangeError(`a random seed must be a finite number, got ${seed}`);
  // Seeds beyond 32 bits fold their high part in, so 1 and 2^32 + 1 differ.
  const fill = splitmix32((seed >>> 0) ^ Math.floor(seed / 4294967296));
  let a = fill();
  let b = fill();
  let c = fill();
  let d = fill();
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

import { describe, expect, it } from 'vitest';
import { lazyProperty } from './lazy.js';

describe('lazyProperty', () => {
  it('computes once, on first read, and then reads as plain data', () => {
    let calls = 0;
    const o = { a: 1 } as { a: number; b: number[] };
    lazyProperty(o, 'b', () => {
      calls++;
      return [1, 2];
    });
    expect(calls).toBe(0);
    expect(o.b).toEqual([1, 2]);
    expect(o.b).toBe(o.b);
    expect(calls).toBe(1);
    expect(Object.getOwnPropertyDescriptor(o, 'b')).toMatchObject({ value: [1, 2], writable: true });
  });

  it('is seen by keys, spread, JSON and structured cloning', () => {
    const o = { a: 1 } as { a: number; b: Float64Array };
    lazyProperty(o, 'b', () => Float64Array.of(3, 4));
    expect(Object.keys(o)).toEqual(['a', 'b']);
    expect({ ...o }.b).toEqual(Float64Array.of(3, 4));
    const clone = structuredClone(
      (() => {
        const p = { a: 1 } as { a: number; b: Float64Array };
        lazyProperty(p, 'b', () => Float64Array.of(5));
        return p;
      })(),
    );
    expect(clone.b).toEqual(Float64Array.of(5));
    const q = { a: 1 } as { a: number; b: number };
    lazyProperty(q, 'b', () => 7);
    expect(JSON.parse(JSON.stringify(q))).toEqual({ a: 1, b: 7 });
  });

  it('takes an assignment instead of computing', () => {
    let calls = 0;
    const o = {} as { b: number };
    lazyProperty(o, 'b', () => ++calls);
    o.b = 42;
    expect(o.b).toBe(42);
    expect(calls).toBe(0);
  });
});

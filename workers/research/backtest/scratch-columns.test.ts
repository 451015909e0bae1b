import { describe, expect, it } from 'vitest';
import { ScratchColumns } from './scratch-columns.js';

describe('ScratchColumns', () => {
  it('hands a given-back column to the next take, as a view when it is longer', () => {
    const pool = new ScratchColumns(1 << 20);
    const a = pool.take(100);
    expect(a.length).toBe(100);
    pool.give(a);
    const b = pool.take(100);
    expect(b.buffer).toBe(a.buffer);
    pool.give(b);
    const c = pool.take(60);
    expect(c.length).toBe(60);
    expect(c.buffer).toBe(a.buffer);
    // Given back as a view: the whole column is kept, so a longer take fits it again.
    pool.give(c);
    expect(pool.take(100).buffer).toBe(a.buffer);
  });

  it('never hands the same column out twice', () => {
    const pool = new ScratchColumns(1 << 20);
    const a = pool.take(10);
    pool.give(a);
    pool.give(a);
    const x = pool.take(10);
    const y = pool.take(10);
    expect(x.buffer).not.toBe(y.buffer);
  });

  it('picks the shortest column that fits and allocates when none does', () => {
    const pool = new ScratchColumns(1 << 20);
    const big = pool.take(1000);
    const small = pool.take(200);
    pool.give(big);
    pool.give(small);
    expect(pool.take(150).buffer).toBe(small.buffer);
    expect(pool.take(150).buffer).toBe(big.buffer);
    expect(pool.take(150).buffer).not.toBe(big.buffer);
  });

  it('keeps at most its byte limit, newest first', () => {
    const pool = new ScratchColumns(8 * 250);
    const a = pool.take(100);
    const b = pool.take(100);
    const c = pool.take(100);
    pool.give(a);
    pool.give(b);
    pool.give(c);
    expect(pool.heldBytes).toBe(1600);
    expect([pool.take(100).buffer, pool.take(100).buffer]).toEqual([c.buffer, b.buffer]);
    const tooBig = pool.take(300);
    pool.give(tooBig);
    expect(pool.heldBytes).toBe(0);
  });
});

import { describe, expect, it } from 'vitest';
import { AutoBackup, touchesBackedUpTable } from './auto-backup.js';

function timers() {
  const fns: Array<() => void> = [];
  return {
    fns,
    setInterval: (fn: () => void) => fns.push(fn),
    clearInterval: () => fns.splice(0),
  };
}

describe('automatic backups', () => {
  it('counts only changes to backed-up tables, not market caches', () => {
    expect(touchesBackedUpTable({ 'idb://lyra/orders/': {} }, 'lyra')).toBe(true);
    expect(touchesBackedUpTable({ 'idb://lyra/books/': {}, 'idb://lyra/tickers/': {} }, 'lyra')).toBe(false);
    expect(touchesBackedUpTable({ 'idb://other/orders/': {} }, 'lyra')).toBe(false);
  });

  it('asks with dirty=true after a change, and keeps it dirty when the pass was skipped', async () => {
    const calls: Array<[boolean, boolean]> = [];
    let answer: 'ran' | 'skipped' = 'skipped';
    const t = timers();
    const auto = new AutoBackup(
      { autoBackup: async (online, dirty) => (calls.push([online, dirty]), answer) },
      () => true,
      t,
    );
    auto.start();
    await auto.pass();
    expect(calls.at(-1)).toEqual([true, true]);
    await auto.pass();
    // Skipped (not due yet): still dirty.
    expect(calls.at(-1)).toEqual([true, true]);
    answer = 'ran';
    await auto.pass();
    await auto.pass();
    expect(calls.at(-1)).toEqual([true, false]);
    auto.markDirty();
    await auto.pass();
    expect(calls.at(-1)).toEqual([true, true]);
    expect(t.fns).toHaveLength(1);
    auto.stop();
    expect(t.fns).toHaveLength(0);
  });
});

import { describe, expect, it } from 'vitest';
import { LatestSubscription } from './latest-subscription';

/** A subscribe whose opening the test resolves, counting what is open. */
function engine() {
  const open = new Set<number>();
  const pending: Array<() => void> = [];
  let next = 0;
  const subscribe = () =>
    new Promise<() => void>((resolve) => {
      const id = next++;
      pending.push(() => {
        open.add(id);
        resolve(() => open.delete(id));
      });
    });
  return { open, pending, subscribe };
}

describe('LatestSubscription', () => {
  it('closes a subscription from an older start that resolves after a newer one (start, stop, start)', async () => {
    const e = engine();
    const s = new LatestSubscription();
    const first = s.open(e.subscribe);
    s.end();
    const second = s.open(e.subscribe);
    e.pending[1]!();
    await second;
    e.pending[0]!();
    await first;
    expect([...e.open]).toEqual([1]);
    s.end();
    expect(e.open.size).toBe(0);
  });

  it('closes a subscription that opens after the view stopped', async () => {
    const e = engine();
    const s = new LatestSubscription();
    const first = s.open(e.subscribe);
    s.end();
    e.pending[0]!();
    await first;
    expect(e.open.size).toBe(0);
  });
});

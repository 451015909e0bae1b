import { describe, expect, it } from 'vitest';
import { claimRing, type RingDeps } from './ring-claim';

/** localStorage and Web Locks shared by the tabs of one origin. */
function origin() {
  const store = new Map<string, string>();
  let chain: Promise<unknown> = Promise.resolve();
  const storage = {
    getItem: (k: string) => store.get(k) ?? null,
    setItem: (k: string, v: string) => void store.set(k, v),
  };
  const locks: RingDeps['locks'] = {
    request<T>(_name: string, work: () => Promise<T> | T): Promise<T> {
      const run = chain.then(work);
      chain = run.catch(() => undefined);
      return run;
    },
  };
  const tab = (hidden: boolean): RingDeps => ({ hidden: () => hidden, locks, storage, hiddenWaitMs: 20 });
  return { tab };
}

describe('claimRing', () => {
  it('rings once per firing however many tabs hear of it', async () => {
    const { tab } = origin();
    const tabs = [tab(false), tab(false), tab(true)];
    const first = await Promise.all(tabs.map((t) => claimRing('f1', t)));
    const second = await Promise.all(tabs.map((t) => claimRing('f2', t)));
    expect(first.filter(Boolean)).toHaveLength(1);
    expect(second.filter(Boolean)).toHaveLength(1);
  });

  it('the visible tab rings even when a hidden tab heard of the firing first', async () => {
    const { tab } = origin();
    const hidden = claimRing('f1', tab(true));
    const visible = claimRing('f1', tab(false));
    expect(await visible).toBe(true);
    expect(await hidden).toBe(false);
  });

  it('with no tab visible, a hidden one still rings', async () => {
    const { tab } = origin();
    const results = await Promise.all([claimRing('f1', tab(true)), claimRing('f1', tab(true))]);
    expect(results.filter(Boolean)).toHaveLength(1);
  });
});

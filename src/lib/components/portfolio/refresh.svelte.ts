import { onMount } from 'svelte';
import { tradingState } from '$lib/state/trading.svelte';

const EVERY_MS = 30_000;

/**
 * Keeps a screen's view fresh: loads it on open, again after each new fill (debounced, so a burst of
 * fills is one reload) and every 30 s while the screen is open, for the marks. Returns a clock that
 * ticks with it, for "12 s old" texts.
 */
export function keepFresh(load: () => Promise<void>): { readonly now: number } {
  let now = $state(Date.now());
  let timer: ReturnType<typeof setTimeout> | null = null;

  onMount(() => {
    void load();
    const tick = setInterval(() => {
      now = Date.now();
    }, 5_000);
    const every = setInterval(() => {
      if (document.visibilityState === 'visible') void load();
    }, EVERY_MS);
    return () => {
      clearInterval(tick);
      clearInterval(every);
      if (timer) clearTimeout(timer);
    };
  });

  let seen = -1;
  $effect(() => {
    const n = tradingState.fills.length;
    if (seen === -1) {
      seen = n;
      return;
    }
    if (n === seen) return;
    seen = n;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => void load(), 400);
  });

  return {
    get now() {
      return now;
    },
  };
}

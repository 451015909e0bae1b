import { Registry } from 'prom-client';
import { afterAll, describe, expect, it } from 'vitest';
import { createSandbox, type Sandbox } from './index.js';
import { DAY, MINUTE } from './intervals.js';
import { silentLog } from './test-support.js';

let sandbox: Sandbox | undefined;

afterAll(async () => {
  await sandbox?.close();
});

describe('default backfill', () => {
  it('simulates 7 days of 1m history for every symbol', async () => {
    const registry = new Registry();
    const before = Date.now();
    const started = performance.now();
    sandbox = createSandbox({ seed: 1, log: silentLog, metrics: registry });
    const elapsed = performance.now() - started;
    const info = sandbox.info();
    // Reported, not asserted tightly: CI machines are slow and shared.
    console.info(
      `sandbox backfill: ${info.symbols.length} symbols x 7+ days, ${info.events} events in ${info.backfillMs} ms ` +
        `(createSandbox ${Math.round(elapsed)} ms)`,
    );
    expect(info.backfillMs).toBeLessThan(60_000);
    expect(info.symbols).toHaveLength(6);
    // Anchored at the start of the current UTC day minus 7 days (either day if midnight passed).
    const anchors = [before, Date.now()].map((t) => Math.floor(t / DAY) * DAY - 7 * DAY);
    expect(anchors).toContain(info.historyFrom);

    for (const symbol of ['BTCUSDT', 'DOGEUSDT']) {
      let count = 0;
      let first: number | undefined;
      let previous = -1;
      for (let start = info.historyFrom; ;) {
        const res = await sandbox.routes.request(
          `/api/v3/klines?symbol=${symbol}&interval=1m&startTime=${start}&limit=1000`,
        );
        const rows = (await res.json()) as [number, ...unknown[]][];
        if (rows.length === 0) break;
        for (const [openTime] of rows) {
          // Contiguous minutes, no gaps or repeats.
          if (previous >= 0) expect(openTime).toBe(previous + MINUTE);
          previous = openTime;
        }
        first ??= rows[0]?.[0];
        count += rows.length;
        start = previous + 1;
      }
      expect(first).toBe(info.historyFrom);
      expect(count).toBeGreaterThanOrEqual(7 * 1440);
    }
    expect(await registry.metrics()).toMatch(/lyra_sandbox_backfill_seconds \d/);
  }, 180_000);
});

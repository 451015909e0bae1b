import { afterEach, describe, expect, it } from 'vitest';
import { createSandbox, type Sandbox } from './index.js';
import { HOUR, MINUTE } from './intervals.js';
import { ManualClock, silentLog } from './test-support.js';

const DAY_START = Date.UTC(2024, 8, 16);
const opened: Sandbox[] = [];

function make(seed: number, now: number): { sandbox: Sandbox; clock: ManualClock } {
  const clock = new ManualClock(now);
  const sandbox = createSandbox({ seed, historyDays: 1, clock, log: silentLog });
  opened.push(sandbox);
  return { sandbox, clock };
}

async function json(sandbox: Sandbox, path: string): Promise<unknown> {
  const res = await sandbox.routes.request(path);
  expect(res.status, path).toBe(200);
  return res.json();
}

/** Everything a client can observe about the market, via the public API. */
async function observe(sandbox: Sandbox, until: number): Promise<unknown[]> {
  const out: unknown[] = [];
  for (const symbol of ['BTCUSDT', 'ETHBTC', 'DOGEUSDT']) {
    out.push(await json(sandbox, `/api/v3/depth?symbol=${symbol}&limit=5000`));
    out.push(await json(sandbox, `/api/v3/trades?symbol=${symbol}&limit=1000`));
    out.push(await json(sandbox, `/api/v3/aggTrades?symbol=${symbol}&limit=1000`));
    // The whole 1m history, page by page.
    for (let start = DAY_START - 24 * HOUR; start <= until; start += 1000 * MINUTE) {
      out.push(
        await json(sandbox, `/api/v3/klines?symbol=${symbol}&interval=1m&startTime=${start}&limit=1000`),
      );
    }
  }
  return out;
}

afterEach(async () => {
  await Promise.all(opened.splice(0).map((s) => s.close()));
});

describe('determinism', () => {
  it('same seed and clock give identical klines, trades and books; another seed differs', async () => {
    const now = DAY_START + 5 * HOUR + 123;
    const a = make(1234, now).sandbox;
    const b = make(1234, now).sandbox;
    const c = make(1235, now).sandbox;
    const obsA = await observe(a, now);
    expect(await observe(b, now)).toEqual(obsA);
    const obsC = await observe(c, now);
    expect(obsC).not.toEqual(obsA);
    // Not just somewhere: the books and the tapes themselves differ.
    expect(obsC[0]).not.toEqual(obsA[0]);
    expect(obsC[1]).not.toEqual(obsA[1]);
    expect(a.info()).toMatchObject({ seed: 1234, historyFrom: DAY_START - 24 * HOUR });
    expect(a.info().events).toBe(b.info().events);
  });

  it('a restart later the same day reproduces the history, and the live loop lands in the same state', async () => {
    const early = make(77, DAY_START + 2 * HOUR);
    const later = make(77, DAY_START + 3 * HOUR + 17_000);
    // Drive the first one live, in uneven steps, up to the second one's start.
    for (let t = early.clock.t; t < later.clock.t; t += 97 + (t % 1000)) {
      early.clock.t = t;
      early.sandbox.advanceTo(t);
    }
    early.clock.t = later.clock.t;
    early.sandbox.advanceTo(later.clock.t);
    expect(await observe(early.sandbox, later.clock.t)).toEqual(await observe(later.sandbox, later.clock.t));
  });

  it('starts a new history on the next UTC day', async () => {
    const today = make(5, DAY_START + HOUR).sandbox;
    const tomorrow = make(5, DAY_START + 24 * HOUR + HOUR).sandbox;
    expect(tomorrow.info().historyFrom - today.info().historyFrom).toBe(24 * HOUR);
  });
});

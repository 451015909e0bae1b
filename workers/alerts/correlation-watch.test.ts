import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { LyraDb } from '../store/db.js';
import { AlertService } from './alert-service.js';
import { FakeMarket, FakeTrading } from './alert-service-support.js';
import type { AlertDraft } from './api.js';
import { CORRELATION_EVERY_MS } from './correlation-watch.js';

const T0 = Date.UTC(2026, 5, 1, 12);
const running: AlertService[] = [];
afterEach(async () => {
  for (const s of running.splice(0)) await s.stop();
});

/** BTC and ETH: long-run correlation 0.9, EWMA `ewma`. Row-major 2 x 2. */
function report(ewma: number) {
  return {
    assets: ['BTC', 'ETH'],
    ewma: Float64Array.from([1, ewma, ewma, 1]),
    pearson: Float64Array.from([1, 0.9, 0.9, 1]),
  };
}

function setup() {
  const clock = { now: T0 };
  const source = { ewma: 0.9, calls: 0 };
  const service = new AlertService({
    db: new LyraDb(`alerts-corr-${Math.random()}`),
    market: new FakeMarket(),
    trading: new FakeTrading(),
    now: () => clock.now,
    config: { tickMs: 1e9, persistMs: 1e9 },
    correlations: async () => {
      source.calls++;
      return report(source.ewma);
    },
  });
  running.push(service);
  void service.lead();
  return { service, clock, source };
}

const shockDraft: AlertDraft = {
  kind: 'risk',
  event: 'correlation-shock',
  threshold: 0.5,
  symbol: null,
  repeat: 'every-crossing',
} as AlertDraft;

describe('correlation-shock alerts', () => {
  it('asks for correlations only while such an alert exists, at most every few minutes', async () => {
    const { service, clock, source } = setup();
    await service.ready;
    await service.tick();
    expect(source.calls).toBe(0);

    await service.create(shockDraft);
    await service.tick();
    expect(source.calls).toBe(1);
    clock.now += CORRELATION_EVERY_MS - 1;
    await service.tick();
    expect(source.calls).toBe(1);
    clock.now += 1;
    await service.tick();
    expect(source.calls).toBe(2);
  });

  it('fires when a pair breaks from its long-run correlation, once, and again after it calmed down', async () => {
    const { service, clock, source } = setup();
    await service.ready;
    const fired: string[] = [];
    service.subscribe((e) => e.type === 'fired' && fired.push(e.firing.message));
    await service.create(shockDraft);

    const turn = async (ewma: number) => {
      source.ewma = ewma;
      await service.tick();
      await service.settled();
      clock.now += CORRELATION_EVERY_MS;
    };
    await turn(0.85); // calm: 0.05 from the long run
    expect(fired).toHaveLength(0);
    await turn(0.1); // 0.8 away: a shock
    expect(fired).toHaveLength(1);
    expect(fired[0]).toMatch(/BTC/);
    expect(fired[0]).toMatch(/ETH/);
    await turn(0.05); // still shocked: the same breach fires nothing more
    expect(fired).toHaveLength(1);
    await turn(0.9); // back to normal: re-armed
    await turn(0.0);
    expect(fired).toHaveLength(2);
  });
});

import { describe, expect, it } from 'vitest';
import { draftOf, emptyFields } from './alert-form';

describe('alert form drafts', () => {
  it('sends a price alert with the band as a fraction of the level', () => {
    const f = {
      ...emptyFields('BTC/USDT'),
      level: ' 70000.5 ',
      band: '0.2',
      crossDirection: 'above' as const,
    };
    expect(draftOf(f)).toEqual({
      name: null,
      repeat: 'every-crossing',
      sound: true,
      hysteresis: 0.002,
      kind: 'price-cross',
      symbol: 'BTC/USDT',
      direction: 'above',
      level: '70000.5',
    });
  });

  it('sends a drawdown threshold as a fraction and no symbol, and keeps a bad number for the engine to name', () => {
    const f = { ...emptyFields('BTC/USDT'), kind: 'risk' as const, riskEvent: 'drawdown' as const };
    expect(draftOf({ ...f, threshold: '12.5' })).toMatchObject({ threshold: 0.125, symbol: null });
    const bad = draftOf({ ...f, threshold: 'ten' });
    expect(bad.kind === 'risk' && Number.isNaN(bad.threshold)).toBe(true);
  });

  it('sends fill alerts without a band, on every market when no symbol is given', () => {
    const d = draftOf({ ...emptyFields(''), kind: 'order-filled', band: '5' });
    expect(d).toEqual({
      name: null,
      repeat: 'every-crossing',
      sound: true,
      kind: 'order-filled',
      symbol: null,
    });
  });
});

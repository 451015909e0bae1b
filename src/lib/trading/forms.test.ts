import { describe, expect, it } from 'vitest';
import { fieldMessages } from './errors';
import { changesBalances, formToPaper, paperToForm } from './paper';
import {
  formToLimits,
  limitErrors,
  limitFields,
  limitsToForm,
  msToSecondsText,
  secondsTextToMs,
} from './risk-limits';
import { emptySizing, toSizingRequest } from './sizing';

const limits = {
  maxOrderNotional: '10000',
  maxPositionNotional: '25000',
  maxGrossExposure: '50000',
  priceBandPct: '5',
  maxOpenOrders: 50,
  dailyLossLimit: '1000',
  maxDrawdownPct: '20',
  maxConsecutiveLosses: 5,
  staleAfterMs: 10_000,
  coolDownMs: 60_000,
};

describe('risk limits form', () => {
  it('covers every limit', () => {
    expect(limitFields.map((f) => f.key).sort()).toEqual(Object.keys(limits).sort());
  });

  it('shows durations in seconds and sends them in ms; money stays text', () => {
    const form = limitsToForm(limits);
    expect(form.coolDownMs).toBe('60');
    expect(form.maxOrderNotional).toBe('10000');
    form.staleAfterMs = '1.5';
    form.maxOrderNotional = '12 500,5';
    form.maxOpenOrders = ' 20 ';
    const out = formToLimits(form);
    expect(out.staleAfterMs).toBe(1500);
    expect(out.maxOrderNotional).toBe('12500.5');
    expect(out.maxOpenOrders).toBe(20);
    // Not a number: passed on as typed, for the engine's own message.
    form.maxOpenOrders = 'many';
    expect(formToLimits(form).maxOpenOrders).toBe('many');
  });

  it('converts seconds exactly', () => {
    expect(msToSecondsText(1500)).toBe('1.5');
    expect(msToSecondsText(100)).toBe('0.1');
    expect(msToSecondsText(604_800_000)).toBe('604800');
    expect(secondsTextToMs('0.25')).toBe(250);
    expect(secondsTextToMs('1.2345')).toBe('1.2345');
    expect(secondsTextToMs('')).toBe('');
  });

  it('puts each refusal next to its limit', () => {
    const e = limitErrors({
      code: 'invalid-limits',
      message: '2 limits are not valid.',
      retryable: false,
      details: { maxOpenOrders: 'Max open orders must be at least 1.', priceBandPct: 'Price band is empty.' },
    });
    expect(e.fields).toEqual({
      maxOpenOrders: 'Max open orders must be at least 1.',
      priceBandPct: 'Price band is empty.',
    });
    expect(e.form).toBeNull();
    expect(limitErrors({ code: 'x', message: 'Engine busy', retryable: true }).form).toBe('Engine busy');
    expect(limitErrors(null)).toEqual({ fields: {}, form: null });
  });
});

describe('field messages from refusals', () => {
  it('reads a field + message pair, or a field naming the error', () => {
    expect(
      fieldMessages(
        { code: 'x', message: 'Bad', retryable: false, details: { field: 'price', message: 'Off tick' } },
        ['price', 'amount'] as const,
      ),
    ).toEqual({ fields: { price: 'Off tick' }, rest: null });
    expect(
      fieldMessages({ code: 'x', message: 'Too small', retryable: false, details: { field: 'amount' } }, [
        'amount',
      ] as const),
    ).toEqual({ fields: { amount: 'Too small' }, rest: null });
    expect(
      fieldMessages({ code: 'x', message: 'Filled already', retryable: false }, ['amount'] as const),
    ).toEqual({
      fields: {},
      rest: 'Filled already',
    });
  });
});

describe('paper account form', () => {
  it('round-trips starting balances and latency', () => {
    const form = paperToForm({ starting: { USDT: '10000', BTC: '0.5' }, latencyMs: 50 });
    expect(form.rows.map((r) => [r.asset, r.amount])).toEqual([
      ['USDT', '10000'],
      ['BTC', '0.5'],
    ]);
    form.rows.push({ key: 9, asset: ' eth ', amount: '2,5' });
    expect(formToPaper(form)).toEqual({
      ok: true,
      settings: { balances: { USDT: '10000', BTC: '0.5', ETH: '2.5' }, latencyMs: 50 },
    });
  });

  it('knows when new balances reset the account', () => {
    expect(changesBalances({ USDT: '10000.0', BTC: '0' }, { USDT: '10000' })).toBe(false);
    expect(changesBalances({ USDT: '10000', BTC: '0.5' }, { USDT: '10000' })).toBe(true);
    expect(changesBalances({ USDT: '9000' }, { USDT: '10000' })).toBe(true);
  });

  it('marks bad rows and latency', () => {
    const r = formToPaper({
      rows: [
        { key: 1, asset: 'USDT', amount: '-5' },
        { key: 2, asset: 'usdt', amount: '1' },
        { key: 3, asset: '', amount: '1' },
      ],
      latencyMs: '1.5',
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.rows[1]?.amount).toMatch(/zero or more/);
    expect(r.errors.rows[2]?.asset).toMatch(/twice/);
    expect(r.errors.rows[3]?.asset).toMatch(/asset code/);
    expect(r.errors.latencyMs).toMatch(/whole milliseconds/);
    const none = formToPaper({ rows: [], latencyMs: '0' });
    expect(!none.ok && none.errors.form).toBe('Add at least one asset.');
  });
});

describe('sizing form', () => {
  it('asks for the method chosen, with the ticket entry', () => {
    const f = { ...emptySizing(), stop: '64 000' };
    expect(toSizingRequest(f, 'BTC/USDT', '65000')).toEqual({
      method: 'fixed-fractional',
      symbol: 'BTC/USDT',
      riskPct: '1',
      entry: '65000',
      stop: '64000',
    });
    expect(toSizingRequest({ ...f, method: 'kelly' }, 'BTC/USDT', '65000')).toEqual({
      method: 'kelly',
      symbol: 'BTC/USDT',
      entry: '65000',
      fractionCap: '50',
      winRate: null,
      payoff: null,
    });
    expect(
      toSizingRequest(
        { ...f, method: 'kelly', kellySource: 'manual', winRate: '55', payoff: '1.5' },
        'BTC/USDT',
        '65000',
      ),
    ).toMatchObject({ winRate: '55', payoff: '1.5', fractionCap: '50' });
    expect(toSizingRequest({ ...f, method: 'volatility' }, 'BTC/USDT', '65000')).toEqual({
      method: 'volatility',
      symbol: 'BTC/USDT',
      riskPct: '1',
      atrMultiple: '2',
      entry: '65000',
    });
    expect(toSizingRequest({ ...f, method: 'risk-parity' }, 'BTC/USDT', '65000')).toEqual({
      method: 'risk-parity',
      symbol: 'BTC/USDT',
      price: '65000',
    });
  });
});

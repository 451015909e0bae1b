import { describe, expect, it } from 'vitest';
import { EngineFailure } from '../../shared/errors.js';
import { readFlow, resetFlows } from './cash-flows.js';

const now = Date.UTC(2026, 5, 1);
const accounts = new Set(['paper:binance', 'live:a1']);

function refusal(input: unknown): { field: unknown; message: string; code: string; retryable: boolean } {
  try {
    readFlow(input, accounts, now);
  } catch (e) {
    expect(e).toBeInstanceOf(EngineFailure);
    const { error } = e as EngineFailure;
    return {
      field: error.details?.field,
      message: error.message,
      code: error.code,
      retryable: error.retryable,
    };
  }
  throw new Error('accepted');
}

describe('recording a deposit or withdrawal', () => {
  it('reads a valid flow, upper-casing the asset and keeping the sign', () => {
    const d = readFlow(
      { accountId: 'live:a1', asset: ' btc ', amount: '-0.25', time: now - 1000, note: ' cold wallet ' },
      accounts,
      now,
    );
    expect(d).toMatchObject({ accountId: 'live:a1', asset: 'BTC', time: now - 1000, note: 'cold wallet' });
    expect(d.amount.toString()).toBe('-0.25');
    expect(readFlow({ accountId: 'paper:binance', asset: 'USDT', amount: '100' }, accounts, now).time).toBe(
      now,
    );
  });

  it.each([
    [{ asset: 'USDT', amount: '1' }, 'accountId', /Choose the account/],
    [{ accountId: 'paper:elsewhere', asset: 'USDT', amount: '1' }, 'accountId', /not on this device/],
    [{ accountId: 'live:a1', asset: '', amount: '1' }, 'asset', /Enter the asset/],
    [{ accountId: 'live:a1', asset: 'US DT', amount: '1' }, 'asset', /not an asset code/],
    [
      { accountId: 'live:a1', asset: 'USDT', amount: 'ten' },
      'amount',
      /positive for a deposit, negative for a withdrawal/,
    ],
    [{ accountId: 'live:a1', asset: 'USDT', amount: '0.000' }, 'amount', /zero changes nothing/],
    [{ accountId: 'live:a1', asset: 'USDT', amount: '5', time: now + 60_000 }, 'time', /in the future/],
    [{ accountId: 'live:a1', asset: 'USDT', amount: '5', time: 'yesterday-ish' }, 'time', /date and time/],
    [{ accountId: 'live:a1', asset: 'USDT', amount: '5', note: 'x'.repeat(201) }, 'note', /under 200/],
  ])('refuses %j on its field, saying how to fix it', (input, field, message) => {
    const r = refusal(input);
    expect(r).toMatchObject({ field, code: 'invalid-input', retryable: false });
    expect(r.message).toMatch(message);
  });

  it('refuses what is not an object', () => {
    expect(refusal(null).field).toBe('accountId');
  });
});

describe('a paper reset as flows', () => {
  it('withdraws every old holding and deposits every new balance, skipping zeros', () => {
    const flows = resetFlows('paper:binance', { USDT: '9000', BTC: '0.01', ETH: '0' }, { USDT: '5000' });
    expect(flows.map((f) => [f.asset, f.amount.toString(), f.kind])).toEqual([
      ['USDT', '-9000', 'out'],
      ['BTC', '-0.01', 'out'],
      ['USDT', '5000', 'in'],
    ]);
  });
});

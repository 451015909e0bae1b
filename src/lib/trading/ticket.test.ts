import { describe, expect, it } from 'vitest';
import {
  emptyTicket,
  isEmulatedType,
  orphanErrors,
  quickAmount,
  readyForPreview,
  submitLabel,
  ticketInputs,
  toPlaceRequest,
  type TicketForm,
} from './ticket';

const btc = { symbol: 'BTC/USDT', base: 'BTC', quote: 'USDT', stepSize: 0.00001, taker: 0.001 };
const market = {
  ...btc,
  id: 'BTCUSDT',
  active: true,
  tickSize: 0.01,
  minAmount: 0.00001,
  minNotional: 5,
  priceDecimals: 2,
  amountDecimals: 5,
  maker: 0.001,
};

function ticket(patch: Partial<TicketForm>): TicketForm {
  return { ...emptyTicket(), ...patch };
}

describe('ticket to request', () => {
  it('sends a limit order with the typed text, cleaned but never through a float', () => {
    const r = toPlaceRequest(
      ticket({ side: 'buy', type: 'limit', amount: '0,012', price: '65 000.10', postOnly: true }),
      'BTC/USDT',
    );
    expect(r).toEqual({
      kind: 'order',
      order: {
        symbol: 'BTC/USDT',
        side: 'buy',
        type: 'limit',
        amount: '0.012',
        price: '65000.10',
        tif: 'GTC',
        postOnly: true,
        reduceOnly: false,
      },
    });
    // 0.1 + 0.2 style amounts survive exactly.
    const exact = toPlaceRequest(ticket({ amount: '0.30000000000000004' }), 'BTC/USDT');
    expect(exact.kind === 'order' && exact.order.amount).toBe('0.30000000000000004');
  });

  it('sends a market order as IOC without a price', () => {
    const r = toPlaceRequest(ticket({ type: 'market', amount: '1', price: '65000' }), 'BTC/USDT');
    expect(r).toEqual({
      kind: 'order',
      order: { symbol: 'BTC/USDT', side: 'buy', type: 'market', amount: '1', tif: 'IOC', reduceOnly: false },
    });
  });

  it('sends stops with their trigger, and a take profit as market or limit', () => {
    const stop = toPlaceRequest(
      ticket({ type: 'stop-limit', amount: '1', price: '99', stopPrice: '100' }),
      'X/Y',
    );
    expect(stop.kind === 'order' && stop.order).toMatchObject({
      type: 'stop-limit',
      price: '99',
      stopPrice: '100',
    });
    const tp = toPlaceRequest(
      ticket({ type: 'take-profit', side: 'sell', amount: '1', stopPrice: '120' }),
      'X/Y',
    );
    expect(tp.kind === 'order' && tp.order).toMatchObject({
      type: 'take-profit',
      price: null,
      stopPrice: '120',
    });
    const tpl = toPlaceRequest(
      ticket({ type: 'take-profit', side: 'sell', amount: '1', stopPrice: '120', price: '119.5' }),
      'X/Y',
    );
    expect(tpl.kind === 'order' && tpl.order).toMatchObject({ type: 'take-profit-limit', price: '119.5' });
    const sm = toPlaceRequest(
      ticket({ type: 'stop-market', amount: '1', stopPrice: '90', price: '1' }),
      'X/Y',
    );
    expect(sm.kind === 'order' && sm.order.price).toBeUndefined();
  });

  it('sends a trailing stop by percent or distance', () => {
    const r = toPlaceRequest(
      ticket({ type: 'trailing-stop', side: 'sell', amount: '1', trailKind: 'distance', trailValue: '150' }),
      'X/Y',
    );
    expect(r.kind === 'order' && r.order.trail).toEqual({ kind: 'distance', value: '150' });
  });

  it('sends OCO and bracket requests with their own shapes', () => {
    expect(
      toPlaceRequest(
        ticket({ type: 'oco', side: 'sell', amount: '1', takeProfitPrice: '120', stopPrice: '90' }),
        'X/Y',
      ),
    ).toEqual({
      kind: 'oco',
      oco: {
        symbol: 'X/Y',
        side: 'sell',
        amount: '1',
        takeProfitPrice: '120',
        stopPrice: '90',
        stopLimitPrice: null,
      },
    });
    expect(
      toPlaceRequest(
        ticket({
          type: 'bracket',
          amount: '1',
          entryType: 'market',
          entryPrice: '100',
          takeProfitPrice: '120',
          stopPrice: '90',
        }),
        'X/Y',
      ),
    ).toEqual({
      kind: 'bracket',
      bracket: {
        symbol: 'X/Y',
        side: 'buy',
        amount: '1',
        entryType: 'market',
        entryPrice: null,
        takeProfitPrice: '120',
        stopPrice: '90',
      },
    });
  });

  it('sends algo parameters: minutes as ms, slices as a count, sizes as text', () => {
    const twap = toPlaceRequest(
      ticket({
        type: 'algo',
        algoKind: 'twap',
        amount: '2',
        durationMin: '1.5',
        slices: '6',
        limitPrice: '',
      }),
      'X/Y',
    );
    expect(twap).toEqual({
      kind: 'algo',
      algo: {
        symbol: 'X/Y',
        side: 'buy',
        amount: '2',
        kind: 'twap',
        params: { limitPrice: null, durationMs: 90_000, slices: 6 },
      },
    });
    const ice = toPlaceRequest(
      ticket({ type: 'algo', algoKind: 'iceberg', amount: '2', visible: '0.1', limitPrice: '100' }),
      'X/Y',
    );
    expect(ice.kind === 'algo' && ice.algo.params).toEqual({ limitPrice: '100', visible: '0.1' });
    const pov = toPlaceRequest(
      ticket({ type: 'algo', algoKind: 'pov', amount: '2', participation: '15' }),
      'X/Y',
    );
    expect(pov.kind === 'algo' && pov.algo.params).toEqual({ limitPrice: null, participation: '15' });
    // A duration that is not a number is left out, so the engine says what is missing.
    const bad = toPlaceRequest(
      ticket({ type: 'algo', algoKind: 'vwap', amount: '2', durationMin: 'soon', slices: '-1' }),
      'X/Y',
    );
    expect(bad.kind === 'algo' && bad.algo.params).toEqual({ limitPrice: null });
  });
});

describe('ticket fields', () => {
  it('shows only the inputs a type uses', () => {
    expect([...ticketInputs(ticket({ type: 'market' }))].sort()).toEqual(['amount', 'reduceOnly']);
    expect(ticketInputs(ticket({ type: 'limit', tif: 'GTC' })).has('postOnly')).toBe(true);
    expect(ticketInputs(ticket({ type: 'limit', tif: 'IOC' })).has('postOnly')).toBe(false);
    expect(ticketInputs(ticket({ type: 'bracket', entryType: 'market' })).has('entryPrice')).toBe(false);
    expect(ticketInputs(ticket({ type: 'bracket', entryType: 'limit' })).has('entryPrice')).toBe(true);
    expect(ticketInputs(ticket({ type: 'algo', algoKind: 'pov' })).has('participation')).toBe(true);
    expect(ticketInputs(ticket({ type: 'algo', algoKind: 'pov' })).has('slices')).toBe(false);
  });

  it('knows which types Lyra runs itself', () => {
    expect(isEmulatedType('market')).toBe(false);
    expect(isEmulatedType('limit')).toBe(false);
    expect(isEmulatedType('stop-limit')).toBe(true);
    expect(isEmulatedType('oco')).toBe(true);
  });

  it('keeps errors without an input of their own visible', () => {
    const inputs = ticketInputs(ticket({ type: 'market' }));
    expect(orphanErrors({ amount: 'too small', tif: 'not for market', symbol: 'unknown' }, inputs)).toEqual([
      ['tif', 'not for market'],
      ['symbol', 'unknown'],
    ]);
  });

  it('previews once there is an amount', () => {
    expect(readyForPreview(ticket({ amount: ' ' }))).toBe(false);
    expect(readyForPreview(ticket({ amount: '0.1' }))).toBe(true);
  });
});

describe('submit button words', () => {
  it('says what will be sent', () => {
    expect(submitLabel(ticket({ side: 'buy', amount: '0.0123' }), market, '0.012')).toBe('Buy 0.012 BTC');
    expect(submitLabel(ticket({ side: 'sell', amount: '1200' }), market, null)).toBe('Sell 1,200 BTC');
    expect(submitLabel(ticket({ side: 'sell', type: 'oco', amount: '1' }), market, '1')).toBe(
      'Place OCO: sell 1 BTC',
    );
    expect(submitLabel(ticket({ type: 'algo', algoKind: 'vwap', amount: '2' }), market, '2')).toBe(
      'Start VWAP: buy 2 BTC',
    );
    expect(submitLabel(ticket({ type: 'bracket', amount: '' }), market, null)).toBe('Buy BTC with bracket');
  });
});

describe('quick % of balance', () => {
  it('sells a share of the free base, rounded down to the lot', () => {
    expect(
      quickAmount({
        side: 'sell',
        fraction: '0.5',
        freeQuote: null,
        freeBase: '0.123456',
        price: null,
        market: btc,
      }),
    ).toBe('0.06172');
  });

  it('buys with a share of the free quote at the expected price, fee set aside', () => {
    // 10,000 × 0.25 / (50,000 × 1.001) = 0.0499500... -> 0.04995
    expect(
      quickAmount({
        side: 'buy',
        fraction: '0.25',
        freeQuote: '10000',
        freeBase: null,
        price: '50000',
        market: btc,
      }),
    ).toBe('0.04995');
    expect(
      quickAmount({
        side: 'buy',
        fraction: '1',
        freeQuote: '10000',
        freeBase: null,
        price: 50000,
        market: btc,
      }),
    ).toBe('0.1998');
  });

  it('gives nothing when there is nothing to compute from', () => {
    expect(
      quickAmount({ side: 'buy', fraction: '1', freeQuote: '0', freeBase: null, price: '1', market: btc }),
    ).toBeNull();
    expect(
      quickAmount({ side: 'buy', fraction: '1', freeQuote: '10', freeBase: null, price: null, market: btc }),
    ).toBeNull();
    expect(
      quickAmount({
        side: 'sell',
        fraction: '1',
        freeQuote: null,
        freeBase: '0.000001',
        price: null,
        market: btc,
      }),
    ).toBeNull();
    expect(
      quickAmount({ side: 'sell', fraction: '1', freeQuote: null, freeBase: '1', price: null, market: null }),
    ).toBeNull();
  });
});

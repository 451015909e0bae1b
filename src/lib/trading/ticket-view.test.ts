import { describe, expect, it } from 'vitest';
import type { OrderPreview, TickerInfo } from '$workers/api';
import { emptyTicket, type TicketForm } from './ticket';
import {
  expectedPrice,
  inputValue,
  newClientOrderId,
  placedLabel,
  rejectedRule,
  sizingEntry,
  snappedHint,
  ticketBlocker,
} from './ticket-view';

function ticket(patch: Partial<TicketForm>): TicketForm {
  return { ...emptyTicket(), ...patch };
}

const ticker = { last: 100, bid: 99, ask: 101 } as TickerInfo;
const market = { base: 'BTC', quote: 'USDT', tickSize: 0.01, stepSize: 0.001 } as Parameters<
  typeof ticketBlocker
>[0]['market'];

function preview(patch: Partial<OrderPreview>): OrderPreview {
  return {
    ok: true,
    fieldErrors: {},
    snapped: { amount: null, price: null, stopPrice: null },
    estimate: null,
    resulting: null,
    checks: [],
    emulated: false,
    ...patch,
  };
}

describe('ticket view helpers', () => {
  it('reads the text typed in an input', () => {
    expect(inputValue(ticket({ trailValue: '1.5' }), 'trail')).toBe('1.5');
    expect(inputValue(ticket({ amount: '0.2' }), 'amount')).toBe('0.2');
    expect(inputValue(ticket({}), 'tif')).toBe('');
  });

  it('says what a typed value will be sent as only when the engine changed it', () => {
    expect(snappedHint('0.0123', '0.012', 'BTC')).toBe('Will be sent as 0.012 BTC');
    expect(snappedHint('0.012', '0.012', 'BTC')).toBeNull();
    expect(snappedHint('', '0.012', 'BTC')).toBeNull();
    expect(snappedHint('0.0123', null, 'BTC')).toBeNull();
  });

  it('prices a quick % at the typed limit, else the book', () => {
    expect(expectedPrice(ticket({ type: 'limit', price: '95' }), ticker)).toBe('95');
    expect(expectedPrice(ticket({ type: 'limit', price: '' }), ticker)).toBe(101);
    expect(expectedPrice(ticket({ type: 'stop-market', stopPrice: '' }), ticker)).toBe(100);
    expect(expectedPrice(ticket({ type: 'market', side: 'sell' }), ticker)).toBe(99);
    expect(expectedPrice(ticket({ type: 'market' }), null)).toBeNull();
  });

  it('hands the sizing panel text', () => {
    expect(sizingEntry(null, 0.01)).toBe('');
    expect(sizingEntry('95.5', 0.01)).toBe('95.5');
    expect(typeof sizingEntry(101, 0.01)).toBe('string');
  });

  it('says why the order cannot be sent', () => {
    const base = {
      startError: null,
      loading: false,
      market,
      form: ticket({ amount: '1' }),
      previewFailed: false,
      fresh: true,
      preview: preview({}),
    };
    expect(ticketBlocker(base)).toBeNull();
    expect(ticketBlocker({ ...base, loading: true })).toBe('Connecting to the trading engine…');
    expect(ticketBlocker({ ...base, market: null })).toBe('Loading the market…');
    expect(ticketBlocker({ ...base, form: ticket({}) })).toBe('Enter an amount.');
    expect(ticketBlocker({ ...base, fresh: false })).toBe('Checking the order…');
    expect(ticketBlocker({ ...base, fresh: false, previewFailed: true })).toBeNull();
    expect(
      ticketBlocker({
        ...base,
        preview: preview({ ok: false, fieldErrors: { amount: 'Too small.', price: 'Off tick.' } }),
      }),
    ).toBe('Too small. (and 1 more above)');
    expect(ticketBlocker({ ...base, preview: preview({ ok: false }) })).toBe(
      'The engine would not accept this order.',
    );
  });

  it('names a placed order and the rule that refused one', () => {
    expect(placedLabel({ type: 'limit' }, 'Buy 1 BTC')).toBe('Buy 1 BTC, limit');
    expect(placedLabel({ type: 'oco' }, 'Place OCO: sell 1 BTC')).toBe('Place OCO: sell 1 BTC');
    expect(
      rejectedRule({ code: 'risk', message: 'x', retryable: false, details: { rule: 'max-notional' } }),
    ).toBe('max-notional');
    expect(rejectedRule(null)).toBeNull();
  });

  it('makes a new client order id each time', () => {
    const a = newClientOrderId();
    expect(a).toMatch(/^ui[0-9a-z]{16}$/);
    expect(newClientOrderId()).not.toBe(a);
  });
});

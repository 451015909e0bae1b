/**
 * Binance spot SIGNED endpoints over the trading desk, plus the listen-key endpoints (API key
 * only) and sandbox key creation. Registered on the public REST app before its catch-all 404.
 */
import type { Context, Hono } from 'hono';
import type { Logger } from 'pino';
import { BinanceError, errors } from '../binance-errors.js';
import { Params } from '../binance-params.js';
import type { MarketSimulator } from '../market-simulator.js';
import type { SandboxMetrics } from '../metrics.js';
import type { Venue } from '../venue.js';
import { randomKey, type Account, type AccountStore } from './accounts.js';
import { createApiKey, newKeySchema } from './api-keys.js';
import {
  balancesJson,
  cancelJson,
  myTradeJson,
  newOrderJson,
  orderJson,
  orderListJson,
} from './order-format.js';
import {
  NEW_ORDER_PARAMS,
  parseClientId,
  parseNewOrder,
  parseOrderFields,
  parseRespType,
  parseSide,
  parseStp,
  type OrderRequest,
} from './order-params.js';
import { privateErrors } from './private-errors.js';
import { accountFor, verifySigned } from './signature.js';
import type { TradingDesk } from './trading-desk.js';
import type { UserStreams } from './user-streams.js';

export interface PrivateDeps {
  venue: Venue;
  accounts: AccountStore;
  desk: TradingDesk;
  streams: UserStreams;
  log: Logger;
  metrics: SandboxMetrics;
}

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';
const SIGNED = ['timestamp', 'recvWindow'];
const OCO_LEG_TYPES = new Set(['LIMIT_MAKER', 'STOP_LOSS_LIMIT', 'TAKE_PROFIT_LIMIT']);

function ocoLeg(
  p: Params,
  prefix: 'above' | 'below',
  sim: MarketSimulator,
  side: OrderRequest['side'],
  stp: OrderRequest['stp'],
): OrderRequest {
  const name = (field: string) => prefix + field[0]?.toUpperCase() + field.slice(1);
  const type = p.text(name('type'));
  if (type === undefined) throw errors.mandatory(name('type'));
  if (!OCO_LEG_TYPES.has(type)) {
    throw errors.invalidValue(
      name('type'),
      'The sandbox supports LIMIT_MAKER, STOP_LOSS_LIMIT and TAKE_PROFIT_LIMIT legs.',
    );
  }
  const clientOrderId = parseClientId(p, name('clientOrderId'));
  return parseOrderFields(
    sim.market,
    (field) => (field === 'quantity' ? p.text('quantity') : p.text(name(field))),
    { side, type, clientOrderId, stp },
    sim.klines.lastPrice,
  );
}

function byTime<T>(items: readonly T[], time: (t: T) => number, start?: number, end?: number): T[] {
  return items.filter(
    (t) => (start === undefined || time(t) >= start) && (end === undefined || time(t) <= end),
  );
}

export function registerPrivateRoutes(app: Hono, deps: PrivateDeps): void {
  const { venue, accounts, desk, streams, log, metrics } = deps;

  const respond = async (c: Context, endpoint: string, run: () => Promise<unknown> | unknown) => {
    const started = performance.now();
    let status = 200;
    try {
      return c.json((await run()) as object);
    } catch (e) {
      const err = e instanceof BinanceError ? e : errors.unknown();
      // Never the request itself: it carries the signature.
      if (!(e instanceof BinanceError)) log.error({ err: e, endpoint }, 'sandbox private handler failed');
      status = err.status;
      return c.json(err.toJSON(), err.status);
    } finally {
      metrics.restRequests.inc({ endpoint, status: String(status) });
      metrics.restSeconds.observe({ endpoint }, (performance.now() - started) / 1000);
    }
  };

  const rawParts = async (c: Context, method: Method) => ({
    query: new URL(c.req.url).search.slice(1),
    body: method === 'GET' ? '' : await c.req.text(),
  });

  const signed = (
    method: Method,
    path: string,
    allowed: readonly string[],
    handler: (account: Account, p: Params) => unknown,
  ) => {
    app.on(method, `/api/v3/${path}`, (c) =>
      respond(c, path, async () => {
        const { query, body } = await rawParts(c, method);
        const { account, params } = verifySigned(
          { apiKey: c.req.header('X-MBX-APIKEY'), query, body, now: venue.now() },
          accounts,
        );
        return handler(account, new Params(params, [...allowed, ...SIGNED]));
      }),
    );
  };

  const keyed = (method: Method, handler: (account: Account, p: Params) => unknown) => {
    app.on(method, '/api/v3/userDataStream', (c) =>
      respond(c, 'userDataStream', async () => {
        const account = accountFor(c.req.header('X-MBX-APIKEY'), accounts);
        const { query, body } = await rawParts(c, method);
        const merged = new URLSearchParams(query);
        for (const [k, v] of new URLSearchParams(body)) merged.append(k, v);
        return handler(account, new Params(merged, method === 'POST' ? [] : ['listenKey']));
      }),
    );
  };

  const orderOf = (account: Account, p: Params, sim: MarketSimulator, idName: string) => {
    const orderId = p.uint('orderId');
    const clientId = p.text(idName);
    if (orderId === undefined && clientId === undefined) throw privateErrors.oneOf('orderId', idName);
    return desk.findOrder(account, sim, orderId, clientId);
  };

  signed('POST', 'order', NEW_ORDER_PARAMS, (account, p) => {
    const sim = p.symbol(venue);
    const { request, respType } = parseNewOrder(sim.market, p, sim.klines.lastPrice);
    const { order, fills } = desk.placeOrder(account, sim, request);
    return newOrderJson(order, fills, respType, order.time);
  });

  signed('POST', 'order/test', [...NEW_ORDER_PARAMS, 'computeCommissionRates'], (_account, p) => {
    const sim = p.symbol(venue);
    parseNewOrder(sim.market, p, sim.klines.lastPrice);
    return {};
  });

  signed(
    'DELETE',
    'order',
    ['symbol', 'orderId', 'origClientOrderId', 'newClientOrderId', 'cancelRestrictions'],
    (account, p) => {
      const sim = p.symbol(venue);
      const cancelId = parseClientId(p, 'newClientOrderId') ?? randomKey(22);
      const order = orderOf(account, p, sim, 'origClientOrderId');
      if (order === undefined) throw privateErrors.cancelRejected();
      desk.cancelOrder(order, cancelId);
      return cancelJson(order, cancelId, venue.now());
    },
  );

  signed('GET', 'order', ['symbol', 'orderId', 'origClientOrderId'], (account, p) => {
    const sim = p.symbol(venue);
    const order = orderOf(account, p, sim, 'origClientOrderId');
    if (order === undefined) throw privateErrors.orderNotFound();
    return orderJson(order);
  });

  signed('GET', 'openOrders', ['symbol'], (account, p) => {
    const sim = p.has('symbol') ? p.symbol(venue) : undefined;
    return desk
      .ordersOf(account)
      .filter((o) => o.isOpen && (sim === undefined || o.sim === sim))
      .map(orderJson);
  });

  signed('GET', 'allOrders', ['symbol', 'orderId', 'startTime', 'endTime', 'limit'], (account, p) => {
    const sim = p.symbol(venue);
    const fromId = p.uint('orderId');
    const { startTime, endTime } = p.timeRange();
    const limit = p.limit(500, 1000);
    let orders = byTime(
      desk.ordersOf(account).filter((o) => o.sim === sim),
      (o) => o.time,
      startTime,
      endTime,
    );
    if (fromId !== undefined) orders = orders.filter((o) => o.orderId >= fromId).slice(0, limit);
    else orders = startTime !== undefined ? orders.slice(0, limit) : orders.slice(-limit);
    return orders.map(orderJson);
  });

  signed(
    'GET',
    'myTrades',
    ['symbol', 'orderId', 'startTime', 'endTime', 'fromId', 'limit'],
    (account, p) => {
      const sim = p.symbol(venue);
      const orderId = p.uint('orderId');
      const fromId = p.uint('fromId');
      const { startTime, endTime } = p.timeRange();
      const limit = p.limit(500, 1000);
      if (fromId !== undefined && (startTime !== undefined || endTime !== undefined)) {
        throw errors.combination("'fromId' cannot be sent with 'startTime' or 'endTime'.");
      }
      let trades = desk
        .tradesOf(account)
        .filter((t) => t.order.sim === sim && (orderId === undefined || t.order.orderId === orderId));
      trades = byTime(trades, (t) => t.fill.time, startTime, endTime);
      if (fromId !== undefined) trades = trades.filter((t) => t.id >= fromId).slice(0, limit);
      else trades = startTime !== undefined ? trades.slice(0, limit) : trades.slice(-limit);
      return trades.map(myTradeJson);
    },
  );

  signed('GET', 'account', ['omitZeroBalances'], (account, p) => {
    const omit = p.text('omitZeroBalances');
    if (omit !== undefined && omit !== 'true' && omit !== 'false') {
      throw errors.invalidValue('omitZeroBalances', 'Expected true or false.');
    }
    // Rates are the same for every market unless configured per market; report the first's.
    const first = venue.byId.values().next().value as MarketSimulator;
    const rates = desk.commissionRates(first);
    const asText = (units: bigint) => (Number(units) / 1e8).toFixed(8);
    return {
      makerCommission: Number(rates.maker) / 1e4,
      takerCommission: Number(rates.taker) / 1e4,
      buyerCommission: 0,
      sellerCommission: 0,
      commissionRates: {
        maker: asText(rates.maker),
        taker: asText(rates.taker),
        buyer: '0.00000000',
        seller: '0.00000000',
      },
      canTrade: true,
      canWithdraw: false,
      canDeposit: false,
      brokered: false,
      requireSelfTradePrevention: false,
      preventSor: false,
      updateTime: account.updateTime,
      accountType: 'SPOT',
      balances: balancesJson(account, omit === 'true'),
      permissions: ['SPOT'],
      uid: account.owner,
    };
  });

  const placeOco = (
    account: Account,
    sim: MarketSimulator,
    legs: [OrderRequest, OrderRequest],
    listClientId: string | null,
    p: Params,
  ) => {
    const respType = parseRespType(p, 'LIMIT');
    const list = desk.placeOco(account, sim, legs, listClientId);
    const reports = list.orders.map((o) =>
      newOrderJson(o, o.fills, respType === 'FULL' ? 'RESULT' : respType, list.transactionTime),
    );
    return orderListJson(list, reports);
  };

  signed(
    'POST',
    'orderList/oco',
    [
      'symbol',
      'listClientOrderId',
      'side',
      'quantity',
      'newOrderRespType',
      'selfTradePreventionMode',
      ...['above', 'below'].flatMap((x) =>
        ['Type', 'ClientOrderId', 'Price', 'StopPrice', 'TimeInForce'].map((f) => x + f),
      ),
    ],
    (account, p) => {
      const sim = p.symbol(venue);
      const side = parseSide(p);
      const stp = parseStp(p);
      const legs: [OrderRequest, OrderRequest] = [
        ocoLeg(p, 'above', sim, side, stp),
        ocoLeg(p, 'below', sim, side, stp),
      ];
      return placeOco(account, sim, legs, parseClientId(p, 'listClientOrderId'), p);
    },
  );

  // The deprecated form: a LIMIT_MAKER at `price` and a STOP_LOSS_LIMIT at stopPrice/stopLimitPrice.
  signed(
    'POST',
    'order/oco',
    [
      'symbol',
      'listClientOrderId',
      'side',
      'quantity',
      'limitClientOrderId',
      'price',
      'stopClientOrderId',
      'stopPrice',
      'stopLimitPrice',
      'stopLimitTimeInForce',
      'newOrderRespType',
      'selfTradePreventionMode',
    ],
    (account, p) => {
      const sim = p.symbol(venue);
      const side = parseSide(p);
      const stp = parseStp(p);
      if (!p.has('stopLimitPrice')) throw errors.mandatory('stopLimitPrice');
      const read = (map: Record<string, string>) => (field: string) =>
        field in map ? p.text(map[field] as string) : undefined;
      const limit = parseOrderFields(
        sim.market,
        read({ price: 'price', quantity: 'quantity' }),
        {
          side,
          type: 'LIMIT_MAKER',
          clientOrderId: parseClientId(p, 'limitClientOrderId'),
          stp,
        },
        sim.klines.lastPrice,
      );
      const stop = parseOrderFields(
        sim.market,
        read({
          price: 'stopLimitPrice',
          stopPrice: 'stopPrice',
          quantity: 'quantity',
          timeInForce: 'stopLimitTimeInForce',
        }),
        { side, type: 'STOP_LOSS_LIMIT', clientOrderId: parseClientId(p, 'stopClientOrderId'), stp },
        sim.klines.lastPrice,
      );
      const legs: [OrderRequest, OrderRequest] = side === 0 ? [stop, limit] : [limit, stop];
      return placeOco(account, sim, legs, parseClientId(p, 'listClientOrderId'), p);
    },
  );

  signed(
    'DELETE',
    'orderList',
    ['symbol', 'orderListId', 'listClientOrderId', 'newClientOrderId'],
    (account, p) => {
      const sim = p.symbol(venue);
      const listId = p.uint('orderListId');
      const listClientId = p.text('listClientOrderId');
      if (listId === undefined && listClientId === undefined)
        throw privateErrors.oneOf('orderListId', 'listClientOrderId');
      const list = desk.findList(account, sim, listId, listClientId);
      if (list === undefined) throw privateErrors.orderListNotFound();
      const cancelId = parseClientId(p, 'newClientOrderId') ?? randomKey(22);
      desk.cancelList(list, sim, cancelId);
      const now = venue.now();
      return orderListJson(
        list,
        list.orders.map((o) => cancelJson(o, cancelId, now)),
      );
    },
  );

  keyed('POST', (account) => ({ listenKey: streams.createListenKey(account) }));
  keyed('PUT', (account, p) => {
    const key = p.text('listenKey');
    if (key === undefined) throw errors.mandatory('listenKey');
    streams.keepAlive(account, key);
    return {};
  });
  keyed('DELETE', (account, p) => {
    const key = p.text('listenKey');
    if (key === undefined) throw errors.mandatory('listenKey');
    streams.closeListenKey(account, key);
    return {};
  });

  app.post('/sandbox/api-keys', async (c) => {
    let json: unknown = {};
    const text = await c.req.text();
    if (text.trim() !== '') {
      try {
        json = JSON.parse(text);
      } catch {
        return c.json(
          { error: 'The body must be JSON: {"label"?: string, "balances"?: {"USDT": "10000"}}.' },
          400,
        );
      }
    }
    const parsed = newKeySchema.safeParse(json);
    if (!parsed.success) {
      const message = parsed.error.issues
        .map((i) => `${i.path.join('.') || 'body'}: ${i.message}`)
        .join('; ');
      return c.json({ error: message }, 400);
    }
    const { account, result } = createApiKey(accounts, parsed.data, venue.now());
    // The key is public (it travels in X-MBX-APIKEY); the secret is never logged.
    // Never the key itself in a log: its last characters are enough to tell keys apart.
    log.info({ apiKeyHint: account.apiKey.slice(-4), label: account.label }, 'sandbox: API key created');
    return c.json(result, 201);
  });
}

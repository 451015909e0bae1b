import 'fake-indexeddb/auto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createSandbox, type Sandbox } from '../../../server/sandbox/index.js';
import { silentLog } from '../../../server/sandbox/test-support.js';
import { createMarketSource } from '../../exchange/exchanges.js';
import { openAccount } from '../../exchange/private-exchange.js';
import { MarketService } from '../../market/market-service.js';
import { Decimal } from '../../money/decimal.js';
import { LyraDb } from '../../store/db.js';
import { MarketStore } from '../../store/market-store.js';
import { VaultService } from '../../vault/vault-service.js';
import { LeaderLink, type ChannelLike } from '../leadership.js';
import { TradingService } from '../trading-service.js';
import { TradingStore } from '../trading-store.js';
import type { PaperTwin } from '../twin/paper-twin.js';
import type { OrderRecord } from '../types.js';
import { connectionFor } from './account-connection.js';
import { testConnection } from './connection-test.js';
import { createSandboxKey, startProduct, type Harness } from './live-test-support.js';

/**
 * Live trading through the whole engine, in Node: the vault (real WebCrypto, fake-indexeddb) holds the
 * sandbox key, the trading engine connects with it, ccxt signs, the relay forwards, the sandbox's private
 * API executes against its simulated market, and fills come back over the user-data stream.
 */

class LocalChannel implements ChannelLike {
  postMessage(): void {}
  addEventListener(): void {}
  close(): void {}
}

describe('live trading on the sandbox, through the vault and the relay', () => {
  let sandbox: Sandbox;
  let product: Harness;
  let db: LyraDb;
  let vault: VaultService;
  let vaultId: string;
  let key: { apiKey: string; secret: string };
  const running: Array<{ market: MarketService; trading: TradingService }> = [];

  async function startEngine() {
    const market = new MarketService({ store: new MarketStore(db), createSource: createMarketSource });
    const trading = new TradingService(
      {
        store: new TradingStore(db),
        market: market.access(),
        link: new LeaderLink(new LocalChannel(), `tab-${running.length}`),
        live: { credentials: vault, accounts: () => vault.listAccounts(), origin: product.url },
      },
      { tickMs: 50 },
    );
    await market.start({ id: 'binance', restUrl: product.url, wsUrl: product.url.replace('http', 'ws') });
    await vi.waitFor(() => expect(market.access().markets().length).toBeGreaterThan(0), { timeout: 20_000 });
    await trading.start('binance');
    (trading as unknown as { deps: { link: LeaderLink } }).deps.link.campaign(
      null,
      'lead',
      () => void trading.lead(),
    );
    const engine = { market, trading };
    running.push(engine);
    return engine;
  }

  async function stopEngine(e: { market: MarketService; trading: TradingService }) {
    e.trading.stop();
    await e.market.stop();
  }

  /** The sandbox's own view of the account, straight from its API (signed, not relayed). */
  async function exchangeView() {
    const ex = await openAccount({
      exchange: { id: 'binance', restUrl: product.url, wsUrl: product.url.replace('http', 'ws') },
      credentials: key,
      relayUrl: null,
    });
    try {
      const open = (await ex.fetchOpenOrders('BTC/USDT')) as Array<{ clientOrderId: string }>;
      return { open: open.map((o) => o.clientOrderId) };
    } finally {
      await ex.close();
    }
  }

  beforeAll(async () => {
    sandbox = createSandbox({ seed: 11, historyDays: 0, log: silentLog });
    product = await startProduct(sandbox);
    sandbox.start();
    key = await createSandboxKey(product.url, { USDT: '50000', BTC: '1' });
    db = new LyraDb('live-trading-on-sandbox');
    vault = new VaultService({
      db,
      testConnection: async (draft, credentials) => {
        const r = await testConnection(connectionFor(draft, credentials, product.url));
        return r.ok ? { ok: true, balances: r.balances.free } : r;
      },
    });
    await vault.setup('correct horse battery staple');
    const added = await vault.addAccount({
      exchange: 'binance',
      venue: 'sandbox',
      label: 'Sandbox main',
      credentials: { apiKey: key.apiKey, secret: key.secret },
    });
    if (!added.saved) throw new Error(`vault add failed: ${JSON.stringify(added.test)}`);
    vaultId = added.account.id;
  }, 90_000);

  afterAll(async () => {
    for (const e of running) await stopEngine(e).catch(() => undefined);
    await sandbox?.close();
    await product?.close();
  });

  it('switches to the vault account and shows the exchange balances', async () => {
    const { trading } = await startEngine();
    await vi.waitFor(() => expect(trading.snapshot().account).not.toBeNull(), { timeout: 10_000 });
    const choices = await trading.tradingAccounts();
    expect(choices.map((c) => [c.id, c.kind])).toEqual([
      ['paper', 'paper'],
      [vaultId, 'live'],
    ]);
    await trading.useAccount(vaultId);
    const s = trading.snapshot();
    expect(s.account?.live).toEqual({ vaultId, venue: 'sandbox' });
    expect(s.account?.balances.USDT).toBe('50000');
    expect(s.account?.balances.BTC).toBe('1');
    await vi.waitFor(() => expect(trading.snapshot().live?.status).toBe('streaming'), { timeout: 15_000 });
  }, 40_000);

  it('places a resting limit on the exchange under its client id, and cancels it there', async () => {
    const { trading } = running[0]!;
    const mark = await vi.waitFor(
      () => {
        const m = trading.snapshot().positions.find((p) => p.symbol === 'BTC/USDT')?.mark;
        const book = (
          trading as unknown as { link: { mark(s: string): { price: number } | null } }
        ).link.mark('BTC/USDT');
        const price = m ?? book?.price;
        expect(price).toBeGreaterThan(0);
        return price!;
      },
      { timeout: 15_000 },
    );
    const price = Decimal.from((mark * 0.97).toFixed(2));
    const { id } = await trading.place({
      kind: 'order',
      order: { symbol: 'BTC/USDT', side: 'buy', type: 'limit', amount: '0.01', price: price.toString() },
    });
    const stored = (await db.orders.get(id)) as OrderRecord;
    expect(stored.exchangeOrderId).toBeTruthy();
    expect(stored.status).toBe('open');
    expect((await exchangeView()).open).toContain(id);
    // The exchange locked the funds; its balances replaced the account's.
    await vi.waitFor(
      () => expect(Decimal.from(trading.snapshot().account?.reserved.USDT ?? '0').isPositive()).toBe(true),
      {
        timeout: 10_000,
      },
    );
    await trading.cancel(id);
    expect((await db.orders.get(id))?.status).toBe('cancelled');
    expect((await exchangeView()).open).not.toContain(id);
    const audit = await trading.audit({ orderId: id });
    expect(audit.map((a) => a.kind)).toEqual(
      expect.arrayContaining(['order-accepted', 'order-sent', 'order-cancelled']),
    );
  }, 40_000);

  it('books a market fill from the user-data stream with the fee the exchange charged', async () => {
    const { trading } = running[0]!;
    const { id } = await trading.place({
      kind: 'order',
      order: { symbol: 'BTC/USDT', side: 'buy', type: 'market', amount: '0.02' },
    });
    await vi.waitFor(
      () => expect(trading.snapshot().history.find((o) => o.id === id)?.status).toBe('filled'),
      {
        timeout: 20_000,
      },
    );
    const fills = trading.snapshot().fills.filter((f) => f.orderId === id);
    expect(Decimal.sum(fills.map((f) => Decimal.from(f.amount))).toString()).toBe('0.02');
    // Binance's default: commission in the asset received (BTC on a buy), 0.1 %.
    expect(fills.every((f) => f.feeAsset === 'BTC')).toBe(true);
    expect(Decimal.sum(fills.map((f) => Decimal.from(f.fee))).toString()).toBe('0.00002');
    const position = trading.snapshot().positions.find((p) => p.symbol === 'BTC/USDT');
    expect(position?.amount).toBe('0.01998');
    await vi.waitFor(() => expect(trading.snapshot().account?.balances.BTC).toBe('1.01998'), {
      timeout: 10_000,
    });
  }, 40_000);

  it('after a crash between storing and sending, a restart sends the order exactly once', async () => {
    const first = running[0]!;
    await stopEngine(first);
    running.shift();
    // An order in the outbox that never reached the exchange (the tab died right after writing it).
    const template = (await db.orders.toArray()).find((o) => o.type === 'limit')!;
    const orphan: OrderRecord = {
      ...template,
      id: 'lyorphan001',
      status: 'pending-new',
      exchangeOrderId: null,
      filled: '0',
      cost: '0',
      fee: '0',
      reason: null,
      createdAt: Date.now(),
      updatedAt: Date.now(),
    };
    await db.orders.put(orphan);
    const { trading } = await startEngine();
    await vi.waitFor(async () => expect((await db.orders.get('lyorphan001'))?.exchangeOrderId).toBeTruthy(), {
      timeout: 20_000,
    });
    const view = await exchangeView();
    expect(view.open.filter((c) => c === 'lyorphan001')).toHaveLength(1);
    await trading.cancel('lyorphan001');
  }, 60_000);

  it('drops the connection when the vault locks, and refuses orders until it is unlocked', async () => {
    const { trading } = running[0]!;
    await vault.lock('user');
    trading.vaultChanged(await vault.status());
    await vi.waitFor(() => expect(trading.snapshot().live?.status).toBe('off'), { timeout: 5_000 });
    await expect(
      trading.place({
        kind: 'order',
        order: { symbol: 'BTC/USDT', side: 'buy', type: 'market', amount: '0.01' },
      }),
    ).rejects.toMatchObject({ error: { code: 'live-closed' } });
    // A switch that cannot connect changes nothing: back on paper, the locked account is refused and
    // the engine stays on paper (in this tab and in what the next start reads).
    await trading.useAccount('paper');
    expect(trading.snapshot().account?.live).toBeUndefined();
    await expect(trading.useAccount(vaultId)).rejects.toMatchObject({ error: { code: 'vault-locked' } });
    expect(trading.snapshot().account?.live).toBeUndefined();
    expect((await db.tradingState.get('active-account'))?.value).toBe('paper:binance');
    const again = (await trading.tradingAccounts()).find((a) => a.active);
    expect(again?.id).toBe('paper');
  }, 30_000);

  it('runs a paper twin beside a live market order and reports how their fills compare', async () => {
    const { trading } = running[0]!;
    await vault.unlock({ kind: 'passphrase', passphrase: 'correct horse battery staple' });
    await trading.useAccount(vaultId);
    await vi.waitFor(() => expect(trading.snapshot().live?.status).toBe('streaming'), { timeout: 15_000 });
    const { id } = await trading.place({
      kind: 'order',
      order: { symbol: 'BTC/USDT', side: 'buy', type: 'market', amount: '0.01' },
    });
    await vi.waitFor(
      () => expect(trading.snapshot().history.find((o) => o.id === id)?.status).toBe('filled'),
      { timeout: 20_000 },
    );
    // The twin walked the same book at the moment the order went out: the whole amount, at taker fees.
    const twins = (trading as unknown as { twins: PaperTwin }).twins;
    const twin = (await twins.recent(trading.snapshot().account!.id)).find((t) => t.orderId === id);
    expect(twin).toMatchObject({ status: 'done', paperFilled: '0.01', amount: '0.01', side: 'buy' });
    expect(Decimal.from(twin!.paperFee).eq(Decimal.from(twin!.paperCost).mul('0.001'))).toBe(true);
    const report = await trading.divergence();
    const row = report.rows.find((r) => r.orderId === id)!;
    expect(row).toMatchObject({ status: 'filled', live: { filled: '0.01' }, paper: { filled: '0.01' } });
    expect(Number(row.arrivalMid)).toBeGreaterThan(0);
    expect(row.slippageDiffBps).toEqual(expect.any(Number));
    // The exchange took its fee in BTC; the report values it in USDT at the fill price.
    expect(row.live.fee).not.toBeNull();
    expect(Decimal.from(row.feeDiff!).abs().lt(row.paper.fee!)).toBe(true);
    expect(report.aggregate.compared).toBeGreaterThanOrEqual(1);
  }, 60_000);
});

import type { LyraDb } from '../store/db.js';
import type { AuditFilter } from './api.js';
import type {
  AlgoRecord,
  AuditEntry,
  ClosedTrade,
  FillRecord,
  OrderRecord,
  PaperAccount,
  PositionRecord,
} from './types.js';
import { terminalStatuses } from './types.js';
import { appendAudit } from '../audit/audit-chain.js';
import { queryAudit } from '../audit/audit-query.js';

/** Everything one decision changes. Written in one transaction together with its audit entries. */
export interface TradingChanges {
  account?: PaperAccount;
  orders?: OrderRecord[];
  fills?: FillRecord[];
  positions?: PositionRecord[];
  closedTrades?: ClosedTrade[];
  algos?: AlgoRecord[];
  state?: Array<{ key: string; value: unknown }>;
  audit: AuditEntry[];
}

export interface TradingLoad {
  account: PaperAccount | undefined;
  openOrders: OrderRecord[];
  history: OrderRecord[];
  fills: FillRecord[];
  positions: PositionRecord[];
  algos: AlgoRecord[];
  closedTrades: ClosedTrade[];
}

const historySize = 200;

/** The trading engine's IndexedDB access. All writes go through `commit`: one transaction, or nothing. */
export class TradingStore {
  constructor(private readonly db: LyraDb) {}

  async commit(changes: TradingChanges): Promise<void> {
    const db = this.db;
    await db.transaction(
      'rw',
      [db.accounts, db.orders, db.fills, db.positions, db.closedTrades, db.algos, db.audit, db.tradingState],
      async () => {
        if (changes.account) await db.accounts.put(changes.account);
        if (changes.orders?.length) await db.orders.bulkPut(changes.orders);
        if (changes.fills?.length) await db.fills.bulkPut(changes.fills);
        if (changes.positions?.length) await db.positions.bulkPut(changes.positions);
        if (changes.closedTrades?.length) await db.closedTrades.bulkPut(changes.closedTrades);
        if (changes.algos?.length) await db.algos.bulkPut(changes.algos);
        if (changes.state?.length) await db.tradingState.bulkPut(changes.state);
        // Audit entries are only ever added, chained after the log's head, which moves in this transaction.
        await appendAudit(db.audit, db.tradingState, changes.audit);
      },
    );
  }

  async load(accountId: string): Promise<TradingLoad> {
    const db = this.db;
    return db.transaction(
      'r',
      [db.accounts, db.orders, db.fills, db.positions, db.algos, db.closedTrades],
      async () => {
        const orders = await db.orders.where('accountId').equals(accountId).toArray();
        const openOrders = orders.filter((o) => !terminalStatuses.has(o.status));
        const history = orders
          .filter((o) => terminalStatuses.has(o.status))
          .sort((a, b) => b.updatedAt - a.updatedAt)
          .slice(0, historySize);
        const fills = (await db.fills.where('accountId').equals(accountId).reverse().sortBy('time')).slice(
          0,
          historySize,
        );
        const algos = (await db.algos.where('accountId').equals(accountId).toArray())
          .sort((a, b) => b.startedAt - a.startedAt)
          .slice(0, historySize);
        return {
          account: await db.accounts.get(accountId),
          openOrders,
          history,
          fills,
          positions: await db.positions.where('accountId').equals(accountId).toArray(),
          algos,
          closedTrades: await db.closedTrades.where('accountId').equals(accountId).sortBy('time'),
        };
      },
    );
  }

  async getOrder(id: string): Promise<OrderRecord | undefined> {
    return this.db.orders.get(id);
  }

  async hasFill(id: string): Promise<boolean> {
    return (await this.db.fills.get(id)) !== undefined;
  }

  async getState<T>(key: string): Promise<T | undefined> {
    return (await this.db.tradingState.get(key))?.value as T | undefined;
  }

  /** The log for the screen, newest first, filtered as the audit domain filters it. */
  async audit(filter: AuditFilter): Promise<AuditEntry[]> {
    return queryAudit(this.db, filter);
  }

  /** A paper reset removes the account's orders, fills, positions and algos in one transaction, and says so in the audit log. */
  async resetAccount(
    account: PaperAccount,
    audit: AuditEntry,
    state: Array<{ key: string; value: unknown }>,
  ): Promise<void> {
    const db = this.db;
    await db.transaction(
      'rw',
      [db.accounts, db.orders, db.fills, db.positions, db.closedTrades, db.algos, db.audit, db.tradingState],
      async () => {
        for (const table of [db.orders, db.fills, db.positions, db.closedTrades, db.algos] as const)
          await table.where('accountId').equals(account.id).delete();
        await db.accounts.put(account);
        await db.tradingState.bulkPut(state);
        await appendAudit(db.audit, db.tradingState, [audit]);
      },
    );
  }
}

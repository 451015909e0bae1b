import type { OrderLookup, RunTrading } from './run-ports.js';
import { runFills, runPosition, type RunPosition } from './run-ledger.js';

/**
 * A run's view of the account it trades on: its own position (from its own orders' fills, never the
 * account's whole holding of the asset), its cash (the free quote balance) and whether it may trade now.
 */
export class RunAccount {
  constructor(
    private readonly trading: RunTrading,
    private readonly orders: OrderLookup,
    private readonly quote: string,
  ) {}

  async position(orderIds: readonly string[]): Promise<RunPosition> {
    return runPosition(runFills(await this.orders(orderIds)));
  }

  /** Free quote balance of the account in use. */
  cash(): number {
    const balances = this.trading.snapshot().account?.balances ?? {};
    return Number(balances[this.quote] ?? '0');
  }

  /** Why the run cannot trade now, in words, or null: orders go to the account in use, so it must be the run's. */
  async problem(own: { id: string; label: string } | undefined): Promise<string | null> {
    const active = (await this.trading.tradingAccounts()).find((a) => a.active);
    if (!own || !active || active.id !== own.id)
      return `this run trades on ${own?.label ?? 'another account'}, but the account in use is ${active?.label ?? 'none'}. Switch back to it on the Trade screen to let the run trade.`;
    if (!this.trading.snapshot().account) return 'the trading account is not loaded yet.';
    return null;
  }
}

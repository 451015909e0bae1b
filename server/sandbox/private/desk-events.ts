/**
 * User-data events produced while the desk works: queued during an operation, then sent together
 * once it is over, so an order's reports leave in the order they happened.
 */
import type { Account, AccountStore } from './accounts.js';
import { accountPosition, executionReport, type ExecutionType } from './order-format.js';
import type { UserFill, UserOrder } from './user-order.js';

export type UserEventSink = (account: Account, event: object) => void;

export class DeskOutbox {
  sink: UserEventSink = () => {};

  private readonly outbox: Array<{ account: Account; event: object }> = [];
  private lastReports = new Map<UserOrder, Record<string, unknown>>();

  constructor(private readonly accounts: AccountStore) {}

  report(
    order: UserOrder,
    x: ExecutionType,
    now: number,
    fill: UserFill | null,
    cancelClientId: string | null = null,
  ): void {
    const event = executionReport(order, x, now, fill, cancelClientId);
    this.lastReports.set(order, event);
    this.outbox.push({ account: order.account, event });
  }

  /** Rewrites the still-unsent last report of an order that the engine closed after it. */
  patchLastReport(order: UserOrder): void {
    const event = this.lastReports.get(order);
    if (event !== undefined) {
      event['X'] = order.status;
      event['w'] = false;
    }
  }

  position(account: Account, assets: string[], now: number): void {
    this.outbox.push({ account, event: accountPosition(account, assets, now) });
  }

  flush(): void {
    this.lastReports.clear();
    const events = this.outbox.splice(0);
    if (events.length > 0) this.accounts.onChange();
    for (const { account, event } of events) this.sink(account, event);
  }
}

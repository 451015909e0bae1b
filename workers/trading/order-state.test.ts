import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canTransition, IllegalTransition, isTerminal, orderStatuses, transition } from './order-state.js';
import type { OrderStatus } from './types.js';

const status = fc.constantFrom(...orderStatuses);

describe('order state machine', () => {
  it('lets an order open, fill partly, then fill', () => {
    let o = { id: 'a', status: 'pending-new' as OrderStatus };
    o = transition(o, 'open');
    o = transition(o, 'partially-filled');
    o = transition(o, 'partially-filled');
    o = transition(o, 'filled');
    expect(o.status).toBe('filled');
  });

  it('refuses to reopen or cancel a filled order', () => {
    const o = { id: 'b', status: 'filled' as OrderStatus };
    expect(() => transition(o, 'open')).toThrow(IllegalTransition);
    expect(() => transition(o, 'cancelled')).toThrow(/cannot go from filled to cancelled/);
  });

  it('only a new order can be rejected', () => {
    expect(canTransition('pending-new', 'rejected')).toBe(true);
    expect(canTransition('open', 'rejected')).toBe(false);
    expect(canTransition('partially-filled', 'rejected')).toBe(false);
  });

  it('never leaves a terminal state and never goes back to pending-new (property)', () => {
    fc.assert(
      fc.property(fc.array(status, { minLength: 1, maxLength: 30 }), (moves) => {
        let o = { id: 'p', status: 'pending-new' as OrderStatus };
        const seen: OrderStatus[] = [o.status];
        for (const to of moves) {
          try {
            o = transition(o, to);
            seen.push(o.status);
          } catch (e) {
            expect(e).toBeInstanceOf(IllegalTransition);
          }
        }
        // Once terminal, the status never changes again.
        const firstTerminal = seen.findIndex(isTerminal);
        if (firstTerminal >= 0) expect(new Set(seen.slice(firstTerminal)).size).toBe(1);
        expect(seen.slice(1)).not.toContain('pending-new');
      }),
    );
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BookSync, type BookDiff } from './book-sync.js';
import { L2Book } from './order-book.js';

const lv = (...xs: number[]) => new Float64Array(xs);
const diff = (first: number, last: number, bids: number[] = [], asks: number[] = []): BookDiff => ({
  first,
  last,
  time: last,
  bids: lv(...bids),
  asks: lv(...asks),
});
const snapshot = (nonce: number) => ({
  nonce,
  time: nonce,
  bids: lv(100, 1, 99, 2),
  asks: lv(101, 1, 102, 2),
});

describe('BookSync', () => {
  it('buffers diffs until the snapshot, drops those the snapshot contains, applies the rest in order', () => {
    const sync = new BookSync(new L2Book('X'));
    expect(sync.onDiff(diff(8, 9, [100, 5])).kind).toBe('buffered');
    expect(sync.onDiff(diff(10, 12, [100, 7])).kind).toBe('buffered');
    expect(sync.onDiff(diff(13, 13, [], [101, 0]))).toEqual({ kind: 'buffered' });
    expect(sync.onSnapshot(snapshot(10)).kind).toBe('applied');
    // 8..9 is older than the snapshot; 10..12 straddles it (10 <= 11 <= 12); 13 follows.
    expect(sync.book.bids.get(100)).toBe(7);
    expect(sync.book.asks.get(101)).toBe(0);
    expect(sync.book.nonce).toBe(13);
    expect(sync.isSynced).toBe(true);
  });

  it('asks for a new snapshot when the snapshot is older than every buffered diff', () => {
    const sync = new BookSync(new L2Book('X'));
    sync.onDiff(diff(20, 25, [100, 5]));
    const outcome = sync.onSnapshot(snapshot(10));
    expect(outcome.kind).toBe('resnapshot');
    expect(sync.isSynced).toBe(false);
    // The kept diff bridges the next, newer snapshot.
    expect(sync.onSnapshot(snapshot(22)).kind).toBe('applied');
    expect(sync.book.bids.get(100)).toBe(5);
    expect(sync.book.nonce).toBe(25);
  });

  it('treats a gap in update ids as a lost book and applies nothing from the gapped diff', () => {
    const sync = new BookSync(new L2Book('X'));
    sync.onSnapshot(snapshot(10));
    expect(sync.onDiff(diff(11, 11, [100, 3])).kind).toBe('applied');
    const outcome = sync.onDiff(diff(13, 14, [100, 99]));
    expect(outcome).toEqual({ kind: 'resnapshot', reason: expect.stringContaining('expected 12') });
    expect(sync.book.bids.get(100)).toBe(3);
    expect(sync.isSynced).toBe(false);
    expect(sync.onDiff(diff(15, 15)).kind).toBe('buffered');
  });

  it('ignores a diff it has already seen', () => {
    const sync = new BookSync(new L2Book('X'));
    sync.onSnapshot(snapshot(10));
    sync.onDiff(diff(11, 12, [100, 3]));
    expect(sync.onDiff(diff(11, 12, [100, 50])).kind).toBe('ignored-stale');
    expect(sync.book.bids.get(100)).toBe(3);
  });

  it('requests a new snapshot when a diff crosses the book', () => {
    const sync = new BookSync(new L2Book('X'));
    sync.onSnapshot(snapshot(10));
    const outcome = sync.onDiff(diff(11, 11, [105, 1]));
    expect(outcome.kind).toBe('resnapshot');
    expect(sync.isSynced).toBe(false);
  });

  it('stays equal to the true book for any split of a contiguous stream, any snapshot point, any reorder-free delivery', () => {
    // A true book evolves through ids 1..n; the local copy sees a snapshot at some id and the diffs
    // batched arbitrarily, with some batches before the snapshot arriving early.
    const update = fc.record({
      bid: fc.boolean(),
      price: fc.integer({ min: 1, max: 40 }),
      size: fc.integer({ min: 0, max: 5 }),
    });
    fc.assert(
      fc.property(
        fc.array(update, { minLength: 1, maxLength: 200, size: 'max' }),
        fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 200 }),
        fc.nat(),
        (updates, batchSizes, snapAt) => {
          // Keep sides apart so the true book is never crossed: bids below 50, asks above.
          const truth = new L2Book('T');
          const states: Array<{ bids: Float64Array; asks: Float64Array }> = [];
          const record = () => {
            const v = truth.view(1000);
            states.push({ bids: v.bids, asks: v.asks });
          };
          record();
          const steps = updates.map((u, i) => {
            const price = u.bid ? u.price : 50 + u.price;
            const levels = lv(price, u.size);
            truth.apply(u.bid ? levels : lv(), u.bid ? lv() : levels, i + 1, i + 1);
            record();
            return { id: i + 1, bid: u.bid, price, size: u.size };
          });
          const diffs: BookDiff[] = [];
          let i = 0;
          let b = 0;
          while (i < steps.length) {
            const batch = steps.slice(i, i + (batchSizes[b++ % batchSizes.length] as number));
            const bids: number[] = [];
            const asks: number[] = [];
            for (const s of batch) (s.bid ? bids : asks).push(s.price, s.size);
            diffs.push(diff(batch[0]!.id, batch[batch.length - 1]!.id, bids, asks));
            i += batch.length;
          }
          const snapId = snapAt % (steps.length + 1);
          const snap = states[snapId]!;
          const sync = new BookSync(new L2Book('L'));
          // Diffs up to a little past the snapshot were received before it arrived.
          const early = diffs.filter((d) => d.first <= snapId + 3);
          const late = diffs.filter((d) => d.first > snapId + 3);
          for (const d of early) sync.onDiff(d);
          expect(sync.onSnapshot({ nonce: snapId, time: 0, bids: snap.bids, asks: snap.asks }).kind).toBe(
            'applied',
          );
          for (const d of late) expect(sync.onDiff(d).kind).toBe('applied');
          const final = sync.book.view(1000);
          const want = states[steps.length]!;
          expect([...final.bids]).toEqual([...want.bids]);
          expect([...final.asks]).toEqual([...want.asks]);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('with diffs lost at random: never applies past a gap, asks for a snapshot, and is exact again after it', () => {
    const update = fc.record({
      bid: fc.boolean(),
      price: fc.integer({ min: 1, max: 40 }),
      size: fc.integer({ min: 0, max: 5 }),
    });
    fc.assert(
      fc.property(
        fc.array(update, { minLength: 2, maxLength: 150, size: 'max' }),
        fc.array(fc.boolean(), { minLength: 1, maxLength: 150 }),
        (updates, keepMask) => {
          const truth = new L2Book('T');
          const states: Array<{ bids: number[]; asks: number[] }> = [{ bids: [], asks: [] }];
          const diffs: BookDiff[] = updates.map((u, i) => {
            const price = u.bid ? u.price : 50 + u.price;
            const lvl = [price, u.size];
            truth.apply(u.bid ? lv(...lvl) : lv(), u.bid ? lv() : lv(...lvl), i + 1, i + 1);
            const v = truth.view(1000);
            states.push({ bids: [...v.bids], asks: [...v.asks] });
            return diff(i + 1, i + 1, u.bid ? lvl : [], u.bid ? [] : lvl);
          });
          const sync = new BookSync(new L2Book('L'));
          expect(sync.onSnapshot({ nonce: 0, time: 0, bids: lv(), asks: lv() }).kind).toBe('applied');
          let lostOne = false;
          for (const [i, d] of diffs.entries()) {
            if (!keepMask[i % keepMask.length] && i < diffs.length - 1) {
              lostOne = true;
              continue;
            }
            const outcome = sync.onDiff(d);
            if (outcome.kind === 'applied') {
              // Applied means exact: the local book equals the exchange's at that update id.
              const v = sync.book.view(1000);
              expect([...v.bids]).toEqual(states[d.last]!.bids);
              expect([...v.asks]).toEqual(states[d.last]!.asks);
            } else if (lostOne && outcome.kind === 'resnapshot') {
              // Recover from a fresh snapshot at the exchange's current id: exact again.
              const now = states[d.last]!;
              expect(
                sync.onSnapshot({ nonce: d.last, time: 0, bids: lv(...now.bids), asks: lv(...now.asks) })
                  .kind,
              ).toBe('applied');
              lostOne = false;
            } else {
              expect(outcome.kind).toBe('buffered');
            }
          }
          const final = sync.book.view(1000);
          if (sync.isSynced) {
            expect([...final.bids]).toEqual(states[sync.book.nonce]!.bids);
            expect([...final.asks]).toEqual(states[sync.book.nonce]!.asks);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareTable, indexOfRows, StateBuilder, type BackupState } from './restore-plan.js';
import {
  keyString,
  snapshotSegments,
  type BackupIndex,
  type SnapshotResult,
  type SnapshotTable,
  type TableIndex,
} from './snapshot.js';
import { CodecError, decodeValue, encodeValue } from './value-codec.js';

// --- the model: each table a map of key (as JSON text) → row ----------------------------------------

interface OrderRow {
  id: string;
  symbol: string;
  qty: number;
  note: string | null;
}
interface CandleRow {
  ex: string;
  start: number;
  close: Float64Array;
}
interface AuditRow {
  seq: number;
  kind: string;
  at: number;
  tags: string[];
}
type Row = OrderRow | CandleRow | AuditRow;
type Model = Record<TableName, Map<string, Row>>;

const tableNames = ['orders', 'candles', 'audit'] as const;
type TableName = (typeof tableNames)[number];

const keyOf: Record<TableName, (row: unknown) => unknown> = {
  orders: (r) => (r as OrderRow).id,
  candles: (r) => [(r as CandleRow).ex, (r as CandleRow).start],
  audit: (r) => (r as AuditRow).seq,
};

// Text without lone surrogates: the codec replaces those (value-codec.test.ts).
const text = fc.string({ unit: 'binary', maxLength: 8 });
const num = fc.oneof(fc.double(), fc.integer(), fc.constantFrom(0, -0, NaN, 2 ** 40));

// fc.record builds objects with a null prototype; rows read from IndexedDB are plain objects.
const plain = <T extends object>(r: T): T => ({ ...r });
const rowOf: Record<TableName, fc.Arbitrary<Row>> = {
  orders: fc
    .record({
      id: fc.constantFrom('ord1', 'ord2', 'ord3', 'ord4', 'ord5', 'ördér', '"quoted"', '𝔘nicode', ''),
      symbol: fc.constantFrom('BTC/USDT', 'ETH/USDT'),
      qty: num,
      note: fc.option(text),
    })
    .map(plain),
  candles: fc
    .record({
      ex: fc.constantFrom('binance', 'kraken'),
      start: fc.integer({ min: 0, max: 4 }).map((i) => 1_767_225_600_000 + i * 60_000),
      close: fc.float64Array({ maxLength: 6 }),
    })
    .map(plain),
  audit: fc
    .record({
      seq: fc.integer({ min: 1, max: 8 }),
      kind: fc.constantFrom('order', 'fill'),
      at: num,
      tags: fc.array(text, { maxLength: 3 }),
    })
    .map(plain),
};

type Command =
  | { type: 'put'; table: TableName; row: Row }
  | { type: 'edit'; table: TableName; pick: number; row: Row }
  | { type: 'delete'; table: TableName; pick: number }
  | { type: 'rewrite'; table: TableName; pick: number }
  | { type: 'clear'; table: TableName };

const tableArb = fc.constantFrom(...tableNames);
const command: fc.Arbitrary<Command> = fc.oneof(
  {
    weight: 4,
    arbitrary: tableArb.chain((table) => rowOf[table].map((row) => ({ type: 'put', table, row }) as const)),
  },
  {
    weight: 3,
    arbitrary: tableArb.chain((table) =>
      fc.tuple(fc.nat(), rowOf[table]).map(([pick, row]) => ({ type: 'edit', table, pick, row }) as const),
    ),
  },
  {
    weight: 2,
    arbitrary: fc.record({ type: fc.constant('delete' as const), table: tableArb, pick: fc.nat() }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ type: fc.constant('rewrite' as const), table: tableArb, pick: fc.nat() }),
  },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('clear' as const), table: tableArb }) },
);

function emptyModel(): Model {
  return { orders: new Map(), candles: new Map(), audit: new Map() };
}

function copyModel(m: Model): Model {
  return { orders: new Map(m.orders), candles: new Map(m.candles), audit: new Map(m.audit) };
}

function nth<T>(map: Map<string, T>, pick: number): [string, T] | undefined {
  return map.size ? [...map][pick % map.size] : undefined;
}

function apply(model: Model, commands: Command[]): Model {
  const next = copyModel(model);
  for (const c of commands) {
    const rows = next[c.table];
    switch (c.type) {
      case 'put':
        rows.set(keyString(keyOf[c.table](c.row)), c.row);
        break;
      case 'edit': {
        // Every field but the key changes to the generated row's.
        const hit = nth(rows, c.pick);
        if (!hit) break;
        const [key, old] = hit;
        rows.set(key, { ...c.row, ...keyFields(c.table, old) } as Row);
        break;
      }
      case 'delete': {
        const hit = nth(rows, c.pick);
        if (hit) rows.delete(hit[0]);
        break;
      }
      case 'rewrite': {
        // The same content in a new object: not a change.
        const hit = nth(rows, c.pick);
        if (hit) rows.set(hit[0], structuredClone(hit[1]));
        break;
      }
      case 'clear':
        rows.clear();
        break;
    }
  }
  return next;
}

function keyFields(table: TableName, row: Row): Partial<Row> {
  if (table === 'orders') return { id: (row as OrderRow).id };
  if (table === 'candles') return { ex: (row as CandleRow).ex, start: (row as CandleRow).start };
  return { seq: (row as AuditRow).seq };
}

function tablesOf(model: Model, reverse = false): SnapshotTable[] {
  return tableNames.map((name) => {
    const rows = [...model[name].values()];
    return { name, rows: reverse ? rows.reverse() : rows, keyOf: keyOf[name] };
  });
}

function snapshot(model: Model, previous: BackupIndex | null, segmentBytes: number) {
  const result: SnapshotResult = { index: {}, stats: {}, plainBytes: 0, rowsDone: 0 };
  const segments = [...snapshotSegments(tablesOf(model), previous, result, segmentBytes)];
  return { result, segments };
}

// --- comparing a rebuilt state with the model -----------------------------------------------------

/** Exact equality: Object.is for numbers (-0, NaN), typed arrays by kind and bytes, plain objects. */
function same(a: unknown, e: unknown): boolean {
  if (typeof e !== 'object' || e === null) return Object.is(a, e);
  if (typeof a !== 'object' || a === null) return false;
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(e)) return false;
  if (e instanceof Float64Array) {
    const x = new Uint8Array(
      (a as Float64Array).buffer,
      (a as Float64Array).byteOffset,
      (a as Float64Array).byteLength,
    );
    const y = new Uint8Array(e.buffer, e.byteOffset, e.byteLength);
    return x.length === y.length && x.every((b, i) => b === y[i]);
  }
  const ka = Object.keys(a);
  const ke = Object.keys(e);
  return (
    ka.length === ke.length &&
    ke.every(
      (k, i) => ka[i] === k && same((a as Record<string, unknown>)[k], (e as Record<string, unknown>)[k]),
    )
  );
}

function expectStateIs(state: BackupState, model: Model, label: string): void {
  expect([...state.keys()].sort(), label).toEqual([...tableNames].sort());
  for (const name of tableNames) {
    const rebuilt = state.get(name)!;
    const expected = model[name];
    expect([...rebuilt.keys()].sort(), `${label}: keys of ${name}`).toEqual([...expected.keys()].sort());
    for (const [key, row] of expected) {
      const back = decodeValue(rebuilt.get(key)!);
      if (!same(back, row)) {
        throw new Error(`${label}: ${name} ${key} is ${String(back)} instead of the model's row`);
      }
    }
  }
}

function replay(versions: Uint8Array[][], upTo: number, cuts: number[] = []): BackupState {
  const builder = new StateBuilder(new Set(tableNames));
  for (let k = 0; k <= upTo; k++) {
    builder.beginVersion(k === 0 ? 'full' : 'incremental');
    for (const piece of resplit(versions[k]!, cuts)) builder.push(piece);
    builder.endVersion();
  }
  return builder.state;
}

/** The segments' bytes cut at other places, so frames arrive split across pushes. */
function resplit(segments: Uint8Array[], cuts: number[]): Uint8Array[] {
  const all = new Uint8Array(segments.reduce((n, s) => n + s.length, 0));
  let at = 0;
  for (const s of segments) {
    all.set(s, at);
    at += s.length;
  }
  const points = [...new Set(cuts.map((c) => c % (all.length + 1)))].sort((a, b) => a - b);
  const bounds = [0, ...points, all.length];
  return bounds.slice(1).map((end, i) => all.slice(bounds[i], end));
}

const bytesOf = (row: Row) => encodeValue(row).join(',');

// --- the property --------------------------------------------------------------------------------

describe('full + incremental snapshots replayed through StateBuilder', () => {
  it('rebuild every state exactly, with the right stats', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(command, { maxLength: 12 }), { minLength: 1, maxLength: 7 }),
        fc.integer({ min: 1, max: 600 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        fc.nat(),
        (batches, segmentBytes, cuts, pickK) => {
          const states: Model[] = [];
          let model = emptyModel();
          for (const batch of batches) states.push((model = apply(model, batch)));

          const builder = new StateBuilder(new Set(tableNames));
          const versions: Uint8Array[][] = [];
          let previous: BackupIndex | null = null;
          for (const [k, state] of states.entries()) {
            const { result, segments } = snapshot(state, previous, segmentBytes);
            versions.push(segments);
            builder.beginVersion(k === 0 ? 'full' : 'incremental');
            for (const s of segments) builder.push(s);
            builder.endVersion();
            expectStateIs(builder.state, state, `version ${k}`);

            // What the version says about itself.
            expect(result.plainBytes).toBe(segments.reduce((n, s) => n + s.length, 0));
            expect(result.rowsDone).toBe(tableNames.reduce((n, t) => n + state[t].size, 0));
            for (const t of tableNames) {
              const before = k === 0 ? new Map<string, Row>() : states[k - 1]![t];
              const now = state[t];
              const puts = [...now].filter(([key, row]) => {
                const old = before.get(key);
                return !old || bytesOf(old) !== bytesOf(row);
              }).length;
              const deletes = [...before.keys()].filter((key) => !now.has(key)).length;
              expect(result.stats[t], `version ${k} ${t}`).toEqual({ rows: now.size, puts, deletes });
              // The rebuilt rows hash to the index the next incremental diffs against.
              const idx = result.index[t]!;
              expect(idx.keys).toHaveLength(now.size);
              expect(compareTable(indexOfRows(builder.state.get(t)!), idx)).toEqual({
                current: now.size,
                restored: now.size,
                added: 0,
                changed: 0,
                removed: 0,
              });
            }
            previous = result.index;
          }

          // Replaying only up to version k, frames cut anywhere, gives state k.
          const k = pickK % states.length;
          expectStateIs(replay(versions, k, cuts), states[k]!, `replay to ${k}`);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('writes nothing for an unchanged state, in whatever order and objects its rows come', () => {
    fc.assert(
      fc.property(fc.array(command, { maxLength: 20 }), (commands) => {
        const state = apply(emptyModel(), commands);
        const full = snapshot(state, null, 1 << 20);
        const result: SnapshotResult = { index: {}, stats: {}, plainBytes: 0, rowsDone: 0 };
        const again = tableNames.map((name) => ({
          name,
          rows: [...state[name].values()].reverse().map((r) => structuredClone(r)),
          keyOf: keyOf[name],
        }));
        const segments = [...snapshotSegments(again, full.result.index, result)];
        for (const t of tableNames) {
          expect(result.stats[t]).toEqual({ rows: state[t].size, puts: 0, deletes: 0 });
          expect(full.result.stats[t]).toEqual({ rows: state[t].size, puts: state[t].size, deletes: 0 });
        }
        // Only the header frame: applying it changes nothing.
        const builder = new StateBuilder(new Set(tableNames));
        builder.beginVersion('full');
        for (const s of full.segments) builder.push(s);
        builder.endVersion();
        builder.beginVersion('incremental');
        for (const s of segments) builder.push(s);
        builder.endVersion();
        expectStateIs(builder.state, state, 'unchanged');
      }),
      { numRuns: 200 },
    );
  });

  it('refuses an incremental with no full before it, and a header naming an unknown table', () => {
    const builder = new StateBuilder(new Set(['orders']));
    expect(() => builder.beginVersion('incremental')).toThrow(CodecError);
    const state = apply(emptyModel(), []);
    const { segments } = snapshot(state, null, 1 << 20);
    builder.beginVersion('full');
    expect(() => segments.forEach((s) => builder.push(s))).toThrow(CodecError);
  });

  it('refuses a version with no header', () => {
    const builder = new StateBuilder(new Set(tableNames));
    builder.beginVersion('full');
    expect(() => builder.endVersion()).toThrow(CodecError);
  });
});

// --- compareTable ---------------------------------------------------------------------------------

describe('compareTable', () => {
  const indexArb = fc
    .dictionary(
      fc.constantFrom(...'abcdefghij'.split('').map((c) => JSON.stringify(c))),
      fc.integer({ min: 0, max: 3 }),
    )
    .map((d) => new Map(Object.entries(d)));

  const toIndex = (m: Map<string, number>): TableIndex => ({
    keys: [...m.keys()],
    hashes: Float64Array.from(m.values()),
  });

  it('counts added, changed and removed rows as a plain model does', () => {
    fc.assert(
      fc.property(indexArb, indexArb, (current, target) => {
        const added = [...target.keys()].filter((k) => !current.has(k)).length;
        const changed = [...target].filter(([k, h]) => current.has(k) && current.get(k) !== h).length;
        const removed = [...current.keys()].filter((k) => !target.has(k)).length;
        expect(compareTable(toIndex(current), toIndex(target))).toEqual({
          current: current.size,
          restored: target.size,
          added,
          changed,
          removed,
        });
      }),
      { numRuns: 500 },
    );
  });

  it('sees a row changed in place through indexOfRows', () => {
    const rows = (m: Record<string, unknown>) =>
      new Map(Object.entries(m).map(([k, v]) => [JSON.stringify(k), encodeValue(v)]));
    expect(
      compareTable(
        indexOfRows(rows({ a: { x: 1 }, b: { x: 2 }, c: { x: 3 } })),
        indexOfRows(rows({ a: { x: 1 }, b: { x: -0 }, d: { x: 4 }, e: { x: 5 } })),
      ),
    ).toEqual({ current: 3, restored: 4, added: 2, changed: 1, removed: 1 });
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Comparison, Condition, IndicatorInfo, ParamSpec } from '$workers/api';
import {
  COMPARISONS,
  PRICE_FIELDS,
  defaultExitsDraft,
  defaultRuleDraft,
  exitsDraftFrom,
  exitsFromDraft,
  errorsAt,
  indicatorOperand,
  ruleSetFromDraft,
  type ConditionDraft,
  type OperandDraft,
  type RuleDraft,
} from './rule-draft';

const period = (name: string, label: string, def: number): ParamSpec => ({
  name,
  label,
  default: def,
  min: 2,
  max: 500,
  step: 1,
  integer: true,
});

/** A catalogue shaped like the engine's: one- and several-output indicators, one that needs OHLCV. */
const catalogue: IndicatorInfo[] = [
  {
    name: 'sma',
    label: 'SMA',
    params: [period('period', 'Period', 20)],
    outputs: ['value'],
    placement: 'overlay',
    needsOhlcv: false,
  },
  {
    name: 'rsi',
    label: 'RSI',
    params: [period('period', 'Period', 14)],
    outputs: ['value'],
    placement: 'pane',
    needsOhlcv: false,
  },
  {
    name: 'macd',
    label: 'MACD',
    params: [period('fast', 'Fast', 12), period('slow', 'Slow', 26), period('signal', 'Signal', 9)],
    outputs: ['macd', 'signal', 'hist'],
    placement: 'pane',
    needsOhlcv: false,
  },
  {
    name: 'bbands',
    label: 'Bollinger',
    params: [
      period('period', 'Period', 20),
      { name: 'k', label: 'Width (sd)', default: 2, min: 0.5, max: 5, step: 0.1, integer: false },
    ],
    outputs: ['lower', 'middle', 'upper', 'pctB'],
    placement: 'overlay',
    needsOhlcv: false,
  },
  {
    name: 'stoch',
    label: 'Stochastic',
    params: [period('k', '%K period', 14)],
    outputs: ['k', 'd'],
    placement: 'pane',
    needsOhlcv: true,
  },
];
const usable = catalogue.filter((i) => !i.needsOhlcv);

function valueFor(spec: ParamSpec): fc.Arbitrary<number> {
  return spec.integer
    ? fc.integer({ min: spec.min, max: spec.max })
    : fc.double({ min: spec.min, max: spec.max, noNaN: true }).map((v) => Math.round(v * 1000) / 1000);
}

const indicatorArb: fc.Arbitrary<{
  draft: OperandDraft;
  params: Record<string, number>;
  info: IndicatorInfo;
}> = fc.constantFrom(...usable).chain((info) =>
  fc
    .tuple(fc.tuple(...info.params.map(valueFor)), fc.constantFrom(...info.outputs))
    .map(([values, output]) => {
      const params = Object.fromEntries(info.params.map((p, i) => [p.name, values[i] as number]));
      return {
        info,
        params,
        draft: {
          kind: 'indicator' as const,
          name: info.name,
          params: Object.fromEntries(Object.entries(params).map(([k, v]) => [k, String(v)])),
          output,
        },
      };
    }),
);

const operandArb: fc.Arbitrary<OperandDraft> = fc.oneof(
  fc
    .constantFrom(...PRICE_FIELDS.filter((f) => f !== 'volume'))
    .map((field) => ({ kind: 'price' as const, field })),
  fc.double({ min: -1e6, max: 1e6, noNaN: true }).map((v) => ({ kind: 'value' as const, value: String(v) })),
  indicatorArb.map((x) => x.draft),
);

const opArb = fc.constantFrom<Comparison>(...COMPARISONS.map((c) => c.op));

const conditionArb = (key: number): fc.Arbitrary<ConditionDraft> =>
  fc
    .record({ left: operandArb, op: opArb, right: operandArb })
    .filter((c) => !(c.left.kind === 'value' && c.right.kind === 'value'))
    .map((c) => ({ key, ...c }));

const groupArb = (min: number) =>
  fc.record({
    join: fc.constantFrom<'and' | 'or'>('and', 'or'),
    conditions: fc
      .array(fc.nat(), { minLength: min, maxLength: 4 })
      .chain((keys) => fc.tuple(...keys.map((_, i) => conditionArb(i)))),
  });

const pctArb = fc.oneof(fc.constant(''), fc.integer({ min: 1, max: 99 }).map(String));

const draftArb: fc.Arbitrary<RuleDraft> = fc.record({
  name: fc.string({ minLength: 1, maxLength: 40 }).filter((s) => s.trim() !== ''),
  entry: groupArb(1),
  exit: groupArb(0),
  stopLoss: pctArb,
  takeProfit: pctArb,
  trailing: pctArb,
  size: fc.oneof(
    fc.integer({ min: 1, max: 100 }).map((v) => ({ kind: 'equity-fraction' as const, value: String(v) })),
    fc.integer({ min: 1, max: 1e6 }).map((v) => ({ kind: 'cash' as const, value: String(v) })),
    fc
      .double({ min: 0.001, max: 100, noNaN: true })
      .map((v) => ({ kind: 'units' as const, value: String(v) })),
  ),
});

function expectOperand(actual: Condition['left'], draft: OperandDraft): void {
  if (draft.kind === 'price') expect(actual).toEqual({ kind: 'price', field: draft.field });
  else if (draft.kind === 'value') expect(actual).toEqual({ kind: 'value', value: Number(draft.value) });
  else {
    const info = catalogue.find((i) => i.name === draft.name) as IndicatorInfo;
    expect(actual.kind).toBe('indicator');
    if (actual.kind !== 'indicator') return;
    expect(actual.name).toBe(draft.name);
    expect(actual.params).toEqual(
      Object.fromEntries(Object.entries(draft.params).map(([k, v]) => [k, Number(v)])),
    );
    expect(actual.output).toBe(info.outputs.length > 1 ? draft.output : undefined);
  }
}

describe('rule builder draft to RuleSet', () => {
  it('turns any valid draft into the rule set it shows, with percent fields as fractions', () => {
    fc.assert(
      fc.property(draftArb, (draft) => {
        const r = ruleSetFromDraft(draft, catalogue);
        if (!r.ok) throw new Error(JSON.stringify(r.errors));
        expect(r.rules.name).toBe(draft.name.trim());
        for (const side of ['entry', 'exit'] as const) {
          expect(r.rules[side].join).toBe(draft[side].join);
          expect(r.rules[side].items).toHaveLength(draft[side].conditions.length);
          draft[side].conditions.forEach((c, i) => {
            const item = r.rules[side].items[i] as Condition;
            expect(item.op).toBe(c.op);
            expectOperand(item.left, c.left);
            expectOperand(item.right, c.right);
          });
        }
        const frac = (t: string) => (t === '' ? null : Number(t) / 100);
        expect(r.rules.exits).toEqual({
          stopLoss: frac(draft.stopLoss),
          takeProfit: frac(draft.takeProfit),
          trailing: frac(draft.trailing),
        });
        const v = Number(draft.size.value);
        expect(r.rules.size).toEqual(
          draft.size.kind === 'equity-fraction'
            ? { kind: 'equity-fraction', fraction: v / 100 }
            : { kind: draft.size.kind, amount: v },
        );
      }),
    );
  });

  it('names the exact param of the exact row for an out-of-range or fractional period', () => {
    fc.assert(
      fc.property(
        draftArb,
        fc.oneof(fc.integer({ min: 501, max: 1e5 }), fc.integer({ min: -100, max: 1 }), fc.constant(2.5)),
        (draft, bad) => {
          const row = draft.entry.conditions[draft.entry.conditions.length - 1] as ConditionDraft;
          row.right = { ...indicatorOperand(catalogue[0] as IndicatorInfo) };
          (row.right as Extract<OperandDraft, { kind: 'indicator' }>).params.period = String(bad);
          const r = ruleSetFromDraft(draft, catalogue);
          expect(r.ok).toBe(false);
          if (r.ok) return;
          const msgs = errorsAt(r.errors, `entry.${row.key}.right.params.period`);
          expect(msgs).toEqual(['Period must be a whole number from 2 to 500.']);
        },
      ),
    );
  });

  it('refuses an empty entry group, text in a number field and stops out of range, each at its field', () => {
    let k = 0;
    const draft = defaultRuleDraft(catalogue, () => ++k);
    draft.entry.conditions = [];
    draft.exit.conditions[0] = {
      ...(draft.exit.conditions[0] as ConditionDraft),
      right: { kind: 'value', value: 'ten' },
    };
    draft.stopLoss = '150';
    draft.trailing = '-1';
    draft.size = { kind: 'equity-fraction', value: '120' };
    const r = ruleSetFromDraft(draft, catalogue);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const exitKey = (draft.exit.conditions[0] as ConditionDraft).key;
    expect(r.errors.map((e) => e.path).sort()).toEqual(
      ['entry', `exit.${exitKey}.right.value`, 'size', 'stopLoss', 'trailing'].sort(),
    );
  });

  it('refuses what close-only data cannot give: OHLCV indicators and volume', () => {
    let k = 0;
    const draft = defaultRuleDraft(catalogue, () => ++k);
    const row = draft.entry.conditions[0] as ConditionDraft;
    row.right = indicatorOperand(catalogue.find((i) => i.needsOhlcv) as IndicatorInfo);
    row.left = { kind: 'price', field: 'volume' };
    expect(ruleSetFromDraft(draft, catalogue, false).ok).toBe(true);
    const r = ruleSetFromDraft(draft, catalogue, true);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.map((e) => e.path).sort()).toEqual([
      `entry.${row.key}.left.field`,
      `entry.${row.key}.right.name`,
    ]);
  });

  it('refuses a row comparing two fixed numbers and an indicator the catalogue does not have', () => {
    let k = 0;
    const draft = defaultRuleDraft(catalogue, () => ++k);
    const row = draft.entry.conditions[0] as ConditionDraft;
    row.left = { kind: 'value', value: '1' };
    row.right = { kind: 'value', value: '2' };
    const exitRow = draft.exit.conditions[0] as ConditionDraft;
    exitRow.right = { kind: 'indicator', name: 'nope', params: {}, output: 'value' };
    const r = ruleSetFromDraft(draft, catalogue);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(errorsAt(r.errors, `entry.${row.key}.op`)).toHaveLength(1);
    expect(errorsAt(r.errors, `exit.${exitRow.key}.right.name`)[0]).toMatch(/"nope"/);
  });

  it('starts from the close crossing the SMA at its default period, with keys that differ', () => {
    let k = 0;
    const draft = defaultRuleDraft(catalogue, () => ++k);
    const r = ruleSetFromDraft(draft, catalogue);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.rules.entry.items[0]).toEqual({
      left: { kind: 'price', field: 'close' },
      op: 'crosses-above',
      right: { kind: 'indicator', name: 'sma', params: { period: 20 } },
    });
    expect(draft.entry.conditions[0]?.key).not.toBe(draft.exit.conditions[0]?.key);
  });
});

describe('exits and size of a built-in strategy', () => {
  const fraction = fc.option(
    fc.integer({ min: 1, max: 99 }).map((v) => v / 100),
    { nil: null },
  );
  it('shows a strategy’s own exits and size in the form and reads them back unchanged', () => {
    fc.assert(
      fc.property(
        fraction,
        fraction,
        fraction,
        fc.oneof(
          fc
            .integer({ min: 1, max: 100 })
            .map((v) => ({ kind: 'equity-fraction' as const, fraction: v / 100 })),
          fc.integer({ min: 1, max: 1e6 }).map((amount) => ({ kind: 'cash' as const, amount })),
        ),
        (stopLoss, takeProfit, trailing, size) => {
          const exits = { stopLoss, takeProfit, trailing };
          const r = exitsFromDraft(exitsDraftFrom(exits, size));
          expect(r.ok).toBe(true);
          if (!r.ok) return;
          for (const k of ['stopLoss', 'takeProfit', 'trailing'] as const) {
            if (exits[k] === null) expect(r.exits[k]).toBeNull();
            else expect(r.exits[k]).toBeCloseTo(exits[k] as number, 12);
          }
          expect(r.size.kind).toBe(size.kind);
        },
      ),
    );
  });

  it('says which exit field is wrong', () => {
    const r = exitsFromDraft({ ...defaultExitsDraft(), takeProfit: 'x', size: { kind: 'cash', value: '0' } });
    expect(r.ok === false && r.errors.map((e) => e.path)).toEqual(['takeProfit', 'size']);
  });
});

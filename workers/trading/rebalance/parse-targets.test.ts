import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Decimal } from '../../money/decimal.js';
import { parseTargets } from './parse-targets.js';

const input = (targets: { asset: string; weight: string }[], tolerance = '2') => ({
  targets,
  tolerance,
  quote: 'USDT',
});

describe('parseTargets', () => {
  it('reads weights and tolerance as exact decimals', () => {
    const r = parseTargets(
      input([
        { asset: ' BTC ', weight: '33.33' },
        { asset: 'ETH', weight: '33.33' },
        { asset: 'USDT', weight: '33.34' },
      ]),
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.targets.map((t) => [t.asset, t.weight.toString()])).toEqual([
      ['BTC', '33.33'],
      ['ETH', '33.33'],
      ['USDT', '33.34'],
    ]);
    expect(r.tolerance.toString()).toBe('2');
  });

  it('adds exactly: weights whose float sum misses 100 still add up', () => {
    const weights = ['19.51', '39.14', '19.71', '3.3', '18.34'];
    expect(weights.map(Number).reduce((a, b) => a + b, 0)).not.toBe(100);
    const r = parseTargets(input(weights.map((weight, i) => ({ asset: `A${i}`, weight }))));
    expect(r.ok).toBe(true);
  });

  it('refuses a sum short of 100 with the difference', () => {
    const r = parseTargets(
      input([
        { asset: 'BTC', weight: '50' },
        { asset: 'ETH', weight: '47.5' },
      ]),
    );
    expect(r).toEqual({
      ok: false,
      error: 'Targets add up to 97.5 %: 2.5 % short of 100 %.',
      field: 'targets',
    });
  });

  it('refuses a sum over 100 with the difference', () => {
    const r = parseTargets(
      input([
        { asset: 'BTC', weight: '60' },
        { asset: 'ETH', weight: '40.01' },
      ]),
    );
    expect(r).toEqual({
      ok: false,
      error: 'Targets add up to 100.01 %: 0.01 % over 100 %.',
      field: 'targets',
    });
  });

  it('refuses the same asset twice, whatever its case', () => {
    const r = parseTargets(
      input([
        { asset: 'BTC', weight: '50' },
        { asset: 'btc', weight: '50' },
      ]),
    );
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.field).toBe('targets.1.asset');
    expect(r.error).toContain('listed twice');
  });

  it.each([
    [{}, 'targets'],
    [null, 'targets'],
    [{ targets: [], tolerance: '1' }, 'targets'],
    [input([{ asset: '', weight: '100' }]), 'targets.0.asset'],
    [input([{ asset: 'BTC/USDT', weight: '100' }]), 'targets.0.asset'],
    [input([{ asset: 'BTC', weight: 'lots' }]), 'targets.0.weight'],
    [input([{ asset: 'BTC', weight: '' }]), 'targets.0.weight'],
    [
      input([
        { asset: 'BTC', weight: '-1' },
        { asset: 'ETH', weight: '101' },
      ]),
      'targets.0.weight',
    ],
    [input([{ asset: 'BTC', weight: '101' }]), 'targets.0.weight'],
    [input([{ asset: 'BTC', weight: '100' }], '50.01'), 'tolerance'],
    [input([{ asset: 'BTC', weight: '100' }], '-0.5'), 'tolerance'],
    [input([{ asset: 'BTC', weight: '100' }], ''), 'tolerance'],
    [{ targets: [{ asset: 'BTC', weight: '100' }] }, 'tolerance'],
  ])('refuses %j at %s', (value, field) => {
    const r = parseTargets(value);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.field).toBe(field);
    expect(r.error.length).toBeGreaterThan(10);
  });

  it('accepts the edges: a 0 % target, tolerance 0 and 50', () => {
    const targets = [
      { asset: 'BTC', weight: '100' },
      { asset: 'ETH', weight: '0' },
    ];
    expect(parseTargets(input(targets, '0')).ok).toBe(true);
    expect(parseTargets(input(targets, '50')).ok).toBe(true);
  });

  it('property: any sum other than 100 is refused with the exact difference', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 10_000 }), { minLength: 1, maxLength: 8 }),
        (hundredths) => {
          const weights = hundredths.map((h) => Decimal.from(h).div(100, 2, 'floor'));
          const r = parseTargets(input(weights.map((w, i) => ({ asset: `A${i}`, weight: w.toString() }))));
          // Independent of Decimal: whole hundredths, and n / 100 prints as the decimal it stands for.
          const sum = hundredths.reduce((a, b) => a + b, 0);
          if (sum === 10_000) return r.ok;
          if (r.ok) return false;
          const gap = `${Math.abs(10_000 - sum) / 100} % ${sum < 10_000 ? 'short of' : 'over'} 100 %`;
          return r.error === `Targets add up to ${sum / 100} %: ${gap}.`;
        },
      ),
      { numRuns: 300 },
    );
  });
});

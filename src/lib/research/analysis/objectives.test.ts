import { describe, expect, it } from 'vitest';
import type { Objective } from '$workers/api';
import { formatScore, objectiveInfo, objectives } from './objectives';
import { formatParams, formatParamValue, paramLabel } from './params';

describe('objectives', () => {
  it('offers the five objectives the worker scores, each naming a metric', () => {
    expect(objectives.map((o) => o.value)).toEqual(['sharpe', 'total_return', 'cagr', 'calmar', 'sortino']);
    expect(objectiveInfo('cagr').metric).toBe('cagr');
  });

  it('prints returns as percent and ratios plainly', () => {
    expect(formatScore('total_return', 0.1234)).toBe('12.34%');
    expect(formatScore('cagr', -0.05)).toBe('−5.00%');
    expect(formatScore('sharpe', 1.2345)).toBe('1.23');
    expect(formatScore('calmar', Infinity)).toBe('∞');
    expect(formatScore('sortino', NaN)).toBe('—');
  });

  it('names the valid objectives when given another', () => {
    expect(() => objectiveInfo('profit' as Objective)).toThrow(/use one of sharpe, total_return/);
  });
});

describe('params as text', () => {
  const specs = [
    { name: 'fast', label: 'Fast period', default: 10, min: 2, max: 200, step: 1, integer: true },
    { name: 'slow', label: 'Slow period', default: 50, min: 5, max: 400, step: 1, integer: true },
  ];

  it('uses the spec labels in the strategy order, unknown params last', () => {
    expect(formatParams({ extra: 2, slow: 50, fast: 10 }, specs)).toBe(
      'Fast period 10, Slow period 50, extra 2',
    );
    expect(formatParams({ fast: 10, slow: 50 }, specs, ['slow', 'fast'])).toBe(
      'Slow period 50, Fast period 10',
    );
    expect(paramLabel('zzz', specs)).toBe('zzz');
  });

  it('prints values without float noise', () => {
    expect(formatParamValue(0.1 + 0.2)).toBe('0.3');
    expect(formatParamValue(20)).toBe('20');
    expect(formatParamValue(NaN)).toBe('—');
  });
});

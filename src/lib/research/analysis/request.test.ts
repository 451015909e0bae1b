import { describe, expect, it } from 'vitest';
import type { BacktestRequest } from '$workers/api';
import { baseParams, requestKey, sentence } from './request';

const request: BacktestRequest = {
  datasetId: 'd1',
  strategy: { kind: 'builtin', id: 'sma-cross', params: { fast: 10, slow: 50 } },
  config: {
    capital: 10_000,
    fee: 0.001,
    slippage: { model: 'none' },
    execution: 'close',
    periodsPerYear: null,
  },
};

describe('request key', () => {
  it('is the same for equal requests whatever the key order, and differs when anything changes', () => {
    const reordered: BacktestRequest = {
      config: {
        periodsPerYear: null,
        execution: 'close',
        slippage: { model: 'none' },
        fee: 0.001,
        capital: 10_000,
      },
      strategy: { params: { slow: 50, fast: 10 }, id: 'sma-cross', kind: 'builtin' },
      datasetId: 'd1',
    };
    expect(requestKey(reordered)).toBe(requestKey(request));
    expect(requestKey({ ...request, config: { ...request.config, fee: 0.002 } })).not.toBe(
      requestKey(request),
    );
    expect(requestKey({ ...request, from: 5 })).not.toBe(requestKey(request));
  });
});

describe('base params', () => {
  it('are the built-in strategy params, none for a rule set', () => {
    expect(baseParams(request)).toEqual({ fast: 10, slow: 50 });
    const rules = {
      ...request,
      strategy: {
        kind: 'rules' as const,
        rules: {
          name: 'r',
          entry: { join: 'and' as const, items: [] },
          exit: { join: 'and' as const, items: [] },
          exits: { stopLoss: null, takeProfit: null, trailing: null },
          size: { kind: 'equity-fraction' as const, fraction: 1 },
        },
      },
    };
    expect(baseParams(rules)).toEqual({});
  });
});

describe('sentence', () => {
  it('capitalises and ends a worker message', () => {
    expect(sentence('the grid has no combinations: widen the axes')).toBe(
      'The grid has no combinations: widen the axes.',
    );
    expect(sentence('Already fine.')).toBe('Already fine.');
    expect(sentence('  ')).toBe('');
  });
});

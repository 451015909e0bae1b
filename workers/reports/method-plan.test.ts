import { describe, expect, it } from 'vitest';
import { methodChoice, methodPlanText } from './method-plan.js';

describe('the method plan', () => {
  it('chooses the account, then the year, then the default', () => {
    const choice = methodChoice(
      { method: 'FIFO', byYear: { '2022-23': 'HIFO' }, byYearAccount: { '2022-23': { acc: 'LIFO' } } },
      '07-01',
    );
    expect(typeof choice).toBe('function');
    const of = choice as (y: string, a: string) => string;
    expect([of('2022-23', 'acc'), of('2022-23', 'other'), of('2021-22', 'acc')]).toEqual([
      'LIFO',
      'HIFO',
      'FIFO',
    ]);
    expect(methodChoice({ method: 'ACB' }, '07-01')).toBe('ACB');
  });

  it('is written the way the CLI takes it', () => {
    expect(
      methodPlanText({
        method: 'FIFO',
        byYear: { '2022-23': 'HIFO' },
        byYearAccount: { '2023-24': { ACC: 'LIFO' } },
      }),
    ).toBe('FIFO,2022-23=HIFO,2023-24:ACC=LIFO');
  });

  it('refuses an unknown method or a year that is not one of the year start, saying how to write it', () => {
    expect(() => methodChoice({ method: 'FOFI' as 'FIFO' }, '07-01')).toThrow(
      /"FOFI" is not one of FIFO, LIFO, HIFO, ACB/,
    );
    expect(() => methodChoice({ method: 'FIFO', byYear: { '2022': 'LIFO' } }, '07-01')).toThrow(
      /write it like 2021-22/,
    );
    expect(() => methodChoice({ method: 'FIFO', byYear: { '2022-23': 'LIFO' } }, '01-01')).toThrow(
      /write it like 2021/,
    );
  });
});

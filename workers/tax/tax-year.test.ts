import { describe, expect, it } from 'vitest';
import { parseYearStart, taxYearOf, yearBounds, type YearStart } from './tax-year.js';

const july: YearStart = { month: 7, day: 1 };
const january: YearStart = { month: 1, day: 1 };

describe('tax years', () => {
  it('labels Australian years by both calendar years, split on 1 July', () => {
    expect(taxYearOf('2022-06-30', july)).toBe('2021-22');
    expect(taxYearOf('2022-07-01', july)).toBe('2022-23');
    expect(taxYearOf('1999-07-01', july)).toBe('1999-00');
    expect(yearBounds('2021-22', july)).toEqual({ first_day: '2021-07-01', last_day: '2022-06-30' });
  });

  it('labels calendar years by the year', () => {
    expect(taxYearOf('2022-12-31', january)).toBe('2022');
    expect(taxYearOf('2023-01-01', january)).toBe('2023');
    expect(yearBounds('2024', january)).toEqual({ first_day: '2024-01-01', last_day: '2024-12-31' });
  });

  it('supports other starts, such as the UK 6 April', () => {
    const april6 = parseYearStart('04-06') as YearStart;
    expect(taxYearOf('2023-04-05', april6)).toBe('2022-23');
    expect(taxYearOf('2023-04-06', april6)).toBe('2023-24');
    expect(yearBounds('2023-24', april6)).toEqual({ first_day: '2023-04-06', last_day: '2024-04-05' });
  });

  it('refuses labels and starts that do not fit', () => {
    expect(yearBounds('2022', july)).toBeNull();
    expect(yearBounds('2021-23', july)).toBeNull();
    expect(yearBounds('2021-22', january)).toBeNull();
    expect(parseYearStart('02-29')).toBeNull();
    expect(parseYearStart('13-01')).toBeNull();
    expect(parseYearStart('7-1')).toBeNull();
  });
});

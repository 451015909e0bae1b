import { describe, expect, it } from 'vitest';
import { auditCsv } from './audit-csv.js';
import { auditEntry } from './test-support.js';

describe('auditCsv', () => {
  it('defuses a message a spreadsheet would run as a formula', () => {
    const [, row] = auditCsv([auditEntry({ seq: 1, message: '=cmd|" /C calc"!A0' })]).split('\r\n');
    expect(row).toContain(`"'=cmd|"" /C calc""!A0"`);
    expect(row).not.toMatch(/,=cmd/);
  });

  it('writes a null field as an empty cell and an empty text as ""', () => {
    const [, row] = auditCsv([auditEntry({ seq: 2, time: 5, orderId: null, rule: null, message: '' })]).split(
      '\r\n',
    );
    // seq, time, time_ms, kind, account_id, order_id (null), symbol, rule (null), message ('') ...
    expect(row!.split(',').slice(0, 9)).toEqual([
      '2',
      new Date(5).toISOString(),
      '5',
      'order-accepted',
      'paper:binance',
      '',
      'BTC/USDT',
      '',
      '""',
    ]);
  });
});

import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../config.js';

describe('backup settings', () => {
  it('defaults to a 1 GiB quota, 4 MiB chunks and 7/30/365 days of retention', () => {
    expect(loadConfig({}).backups).toEqual({
      quotaBytes: 1024 * 1024 * 1024,
      maxChunkBytes: 4 * 1024 * 1024,
      keepAllDays: 7,
      keepDailyDays: 30,
      keepWeeklyDays: 365,
    });
  });

  it('reads the environment and refuses values out of range, naming the variable', () => {
    expect(
      loadConfig({ BACKUP_QUOTA_MB: '10', BACKUP_MAX_CHUNK_MB: '16', BACKUP_KEEP_ALL_DAYS: '0' }).backups,
    ).toMatchObject({ quotaBytes: 10 * 1024 * 1024, maxChunkBytes: 16 * 1024 * 1024, keepAllDays: 0 });
    expect(() => loadConfig({ BACKUP_MAX_CHUNK_MB: '17' })).toThrow(ConfigError);
    expect(() => loadConfig({ BACKUP_MAX_CHUNK_MB: '17' })).toThrow(/BACKUP_MAX_CHUNK_MB/);
    expect(() => loadConfig({ BACKUP_QUOTA_MB: '0' })).toThrow(/BACKUP_QUOTA_MB/);
    expect(() => loadConfig({ BACKUP_KEEP_WEEKLY_DAYS: 'a year' })).toThrow(/BACKUP_KEEP_WEEKLY_DAYS/);
  });
});

import { describe, expect, it } from 'vitest';
import { backedUpTables } from '../../../workers/sync/backup-tables';
import type { BackupVersion } from '$workers/api';
import { dependentsOf, tableLabels } from './table-labels';

const v = (id: string, parentId: string | null) => ({ id, parentId }) as BackupVersion;

describe('backup version helpers', () => {
  it('names every backed-up table', () => {
    expect(backedUpTables.filter((t) => !tableLabels[t])).toEqual([]);
  });

  it('counts every version that builds on one, directly or not', () => {
    const list = [v('f', null), v('a', 'f'), v('b', 'a'), v('c', 'b'), v('g', null), v('h', 'g')];
    expect(dependentsOf('f', list)).toBe(3);
    expect(dependentsOf('b', list)).toBe(1);
    expect(dependentsOf('c', list)).toBe(0);
    expect(dependentsOf('g', list)).toBe(1);
  });
});

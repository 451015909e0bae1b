import { backedUpTables } from './backup-tables.js';

export interface AutoBackupTarget {
  autoBackup(online: boolean, dirty: boolean): Promise<'ran' | 'skipped'>;
}

export interface AutoBackupTimers {
  setInterval(fn: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

const backedUp = new Set<string>(backedUpTables);

/** Whether a Dexie 'storagemutated' report touches a backed-up table (parts look like idb://lyra/orders/...). */
export function touchesBackedUpTable(parts: Record<string, unknown>, dbName: string): boolean {
  const prefix = `idb://${dbName}/`;
  for (const part of Object.keys(parts)) {
    if (!part.startsWith(prefix)) continue;
    if (backedUp.has(part.slice(prefix.length).split('/')[0]!)) return true;
  }
  return false;
}

/**
 * Drives automatic backups: a change to a backed-up table (in any tab) marks the store dirty; a
 * periodic pass asks the service, which decides whether one is due (interval, online, key, another
 * tab already at it). Coming back online triggers a pass at once, so a stopped upload resumes.
 */
export class AutoBackup {
  private dirty = true;
  private handle: unknown = null;
  private running = false;

  constructor(
    private readonly target: AutoBackupTarget,
    private readonly online: () => boolean,
    private readonly timers: AutoBackupTimers,
    private readonly everyMs = 60_000,
  ) {}

  start(): void {
    if (this.handle !== null) return;
    this.handle = this.timers.setInterval(() => void this.pass(), this.everyMs);
  }

  stop(): void {
    if (this.handle !== null) this.timers.clearInterval(this.handle);
    this.handle = null;
  }

  markDirty(): void {
    this.dirty = true;
  }

  async pass(): Promise<void> {
    if (this.running) return;
    this.running = true;
    // Changes made while a backup runs belong to the next one.
    const wasDirty = this.dirty;
    this.dirty = false;
    try {
      const result = await this.target.autoBackup(this.online(), wasDirty);
      if (result === 'skipped' && wasDirty) this.dirty = true;
    } catch {
      this.dirty = this.dirty || wasDirty;
    } finally {
      this.running = false;
    }
  }
}

import { Counter, type Registry } from 'prom-client';

export interface BackupMetrics {
  bytesIn(n: number): void;
  bytesOut(n: number): void;
  versionCompleted(): void;
  /** `reason` is the error code: a small fixed set, never a user's value. */
  rejected(reason: string): void;
}

// Registering twice on one registry throws; a second createBackups on the same registry reuses these.
function counter<L extends string>(registry: Registry, name: string, help: string, labelNames: L[]) {
  const existing = registry.getSingleMetric(name) as Counter<L> | undefined;
  return existing ?? new Counter<L>({ name, help, labelNames, registers: [registry] });
}

export function backupMetrics(registry: Registry): BackupMetrics {
  const bytes = counter(
    registry,
    'lyra_backup_bytes_total',
    'Encrypted backup chunk bytes received (in) and served (out)',
    ['direction'],
  );
  const completed = counter(
    registry,
    'lyra_backup_versions_completed_total',
    'Backup versions completed',
    [],
  );
  const rejections = counter(
    registry,
    'lyra_backup_rejections_total',
    'Backup requests refused, by error code',
    ['reason'],
  );
  return {
    bytesIn: (n) => bytes.inc({ direction: 'in' }, n),
    bytesOut: (n) => bytes.inc({ direction: 'out' }, n),
    versionCompleted: () => completed.inc(),
    rejected: (reason) => rejections.inc({ reason }),
  };
}

import type { Queryable } from '../db/db.js';

export type VersionStatus = 'uploading' | 'complete';

export interface VersionRow {
  id: string;
  userId: string;
  kind: 'full' | 'incremental';
  parentId: string | null;
  format: number;
  dataKeyId: string;
  status: VersionStatus;
  plannedBytes: number;
  chunkCount: number | null;
  totalBytes: number;
  sha256: string | null;
  manifest: Buffer | null;
  createdAt: Date;
  completedAt: Date | null;
}

export interface ChunkInfo {
  index: number;
  size: number;
  sha256: string;
}

interface RawVersion {
  id: string;
  user_id: string;
  kind: 'full' | 'incremental';
  parent_id: string | null;
  format: number;
  data_key_id: string;
  status: VersionStatus;
  planned_bytes: unknown;
  chunk_count: number | null;
  total_bytes: unknown;
  sha256: string | null;
  manifest: Uint8Array | null;
  created_at: Date;
  completed_at: Date | null;
}

const versionColumns = `id, user_id, kind, parent_id, format, data_key_id, status, planned_bytes, chunk_count,
  total_bytes, sha256, manifest, created_at, completed_at`;

/** bytea comes back as a Buffer from pg and a plain Uint8Array from PGlite. */
export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

// bigint columns arrive as strings from pg; the amounts stay far below 2^53.
function toVersion(r: RawVersion): VersionRow {
  return {
    id: r.id,
    userId: r.user_id,
    kind: r.kind,
    parentId: r.parent_id,
    format: r.format,
    dataKeyId: r.data_key_id,
    status: r.status,
    plannedBytes: Number(r.planned_bytes),
    chunkCount: r.chunk_count,
    totalBytes: Number(r.total_bytes),
    sha256: r.sha256,
    manifest: r.manifest && asBuffer(r.manifest),
    createdAt: new Date(r.created_at),
    completedAt: r.completed_at && new Date(r.completed_at),
  };
}

/**
 * The version with this id if it belongs to `userId`. Someone else's version reads as missing, so ids
 * reveal nothing. `forUpdate` locks the row until the transaction ends (chunk writes and completion).
 */
export async function findVersion(
  q: Queryable,
  userId: string,
  id: string,
  forUpdate = false,
): Promise<VersionRow | undefined> {
  const [row] = await q.query<RawVersion>(
    `SELECT ${versionColumns} FROM backup_versions WHERE id = $1 AND user_id = $2${forUpdate ? ' FOR UPDATE' : ''}`,
    [id, userId],
  );
  return row && toVersion(row);
}

/** Whether any user holds this id (ids are one namespace). */
export async function versionIdTaken(q: Queryable, id: string): Promise<boolean> {
  return (await q.query('SELECT 1 FROM backup_versions WHERE id = $1', [id])).length > 0;
}

export async function insertUpload(
  q: Queryable,
  v: {
    id: string;
    userId: string;
    kind: 'full' | 'incremental';
    parentId: string | null;
    format: number;
    dataKeyId: string;
    plannedBytes: number;
    now: number;
  },
): Promise<void> {
  await q.query(
    `INSERT INTO backup_versions
       (id, user_id, kind, parent_id, format, data_key_id, status, planned_bytes, total_bytes, created_at, touched_at)
     VALUES ($1, $2, $3, $4, $5, $6, 'uploading', $7, 0, $8, $8)`,
    [v.id, v.userId, v.kind, v.parentId, v.format, v.dataKeyId, v.plannedBytes, new Date(v.now)],
  );
}

export async function listChunks(q: Queryable, versionId: string): Promise<ChunkInfo[]> {
  return q.query<ChunkInfo>(
    'SELECT idx AS "index", size, sha256 FROM backup_chunks WHERE version_id = $1 ORDER BY idx',
    [versionId],
  );
}

export async function findChunkInfo(
  q: Queryable,
  versionId: string,
  index: number,
): Promise<ChunkInfo | undefined> {
  const [row] = await q.query<ChunkInfo>(
    'SELECT idx AS "index", size, sha256 FROM backup_chunks WHERE version_id = $1 AND idx = $2',
    [versionId, index],
  );
  return row;
}

/** Stores a chunk and counts its bytes on the upload, which also marks the upload as still alive. */
export async function insertChunk(
  q: Queryable,
  c: { versionId: string; index: number; sha256: string; bytes: Uint8Array; now: number },
): Promise<void> {
  await q.query(
    'INSERT INTO backup_chunks (version_id, idx, size, sha256, bytes) VALUES ($1, $2, $3, $4, $5)',
    [c.versionId, c.index, c.bytes.byteLength, c.sha256, c.bytes],
  );
  await q.query('UPDATE backup_versions SET total_bytes = total_bytes + $2, touched_at = $3 WHERE id = $1', [
    c.versionId,
    c.bytes.byteLength,
    new Date(c.now),
  ]);
}

export async function readChunk(
  q: Queryable,
  versionId: string,
  index: number,
): Promise<{ sha256: string; bytes: Buffer } | undefined> {
  const [row] = await q.query<{ sha256: string; bytes: Uint8Array }>(
    'SELECT sha256, bytes FROM backup_chunks WHERE version_id = $1 AND idx = $2',
    [versionId, index],
  );
  return row && { sha256: row.sha256, bytes: asBuffer(row.bytes) };
}

export async function markComplete(
  q: Queryable,
  c: {
    id: string;
    chunkCount: number;
    totalBytes: number;
    sha256: string;
    manifest: Uint8Array;
    now: number;
  },
): Promise<void> {
  await q.query(
    `UPDATE backup_versions
        SET status = 'complete', chunk_count = $2, total_bytes = $3, sha256 = $4, manifest = $5,
            completed_at = $6, touched_at = $6
      WHERE id = $1`,
    [c.id, c.chunkCount, c.totalBytes, c.sha256, c.manifest, new Date(c.now)],
  );
}

/** The user's complete versions, newest first. */
export async function listCompleteVersions(q: Queryable, userId: string): Promise<VersionRow[]> {
  const rows = await q.query<RawVersion>(
    `SELECT ${versionColumns} FROM backup_versions
      WHERE user_id = $1 AND status = 'complete'
      ORDER BY completed_at DESC, id DESC`,
    [userId],
  );
  return rows.map(toVersion);
}

/** The ids of every version (any status) whose parent chain reaches `id`, not counting `id` itself. */
export async function listDescendants(q: Queryable, userId: string, id: string): Promise<string[]> {
  const rows = await q.query<{ id: string }>(
    `WITH RECURSIVE tree (id) AS (
       SELECT id FROM backup_versions WHERE parent_id = $1 AND user_id = $2
       UNION
       SELECT v.id FROM backup_versions v JOIN tree t ON v.parent_id = t.id WHERE v.user_id = $2
     )
     SELECT id FROM tree`,
    [id, userId],
  );
  return rows.map((r) => r.id);
}

/** Deletes versions of `userId`; their chunks and anything built on them go too (ON DELETE CASCADE). */
export async function deleteVersions(q: Queryable, userId: string, ids: readonly string[]): Promise<void> {
  for (const id of ids) {
    await q.query('DELETE FROM backup_versions WHERE id = $1 AND user_id = $2', [id, userId]);
  }
}

export interface KeyBundle {
  dataKeyId: string;
  bundle: Buffer;
  updatedAt: Date;
}

export async function putKeyBundle(
  q: Queryable,
  b: { userId: string; dataKeyId: string; bundle: Uint8Array; now: number },
): Promise<void> {
  await q.query(
    `INSERT INTO backup_key_bundles (user_id, data_key_id, bundle, updated_at) VALUES ($1, $2, $3, $4)
     ON CONFLICT (user_id, data_key_id) DO UPDATE SET bundle = EXCLUDED.bundle, updated_at = EXCLUDED.updated_at`,
    [b.userId, b.dataKeyId, b.bundle, new Date(b.now)],
  );
}

export async function listKeyBundles(q: Queryable, userId: string): Promise<KeyBundle[]> {
  const rows = await q.query<{ data_key_id: string; bundle: Uint8Array; updated_at: Date }>(
    'SELECT data_key_id, bundle, updated_at FROM backup_key_bundles WHERE user_id = $1 ORDER BY updated_at DESC, data_key_id',
    [userId],
  );
  return rows.map((r) => ({
    dataKeyId: r.data_key_id,
    bundle: asBuffer(r.bundle),
    updatedAt: new Date(r.updated_at),
  }));
}

export async function hasKeyBundle(q: Queryable, userId: string, dataKeyId: string): Promise<boolean> {
  const rows = await q.query('SELECT 1 FROM backup_key_bundles WHERE user_id = $1 AND data_key_id = $2', [
    userId,
    dataKeyId,
  ]);
  return rows.length > 0;
}

export async function countKeyBundles(q: Queryable, userId: string): Promise<number> {
  const [row] = await q.query<{ n: unknown }>(
    'SELECT count(*) AS n FROM backup_key_bundles WHERE user_id = $1',
    [userId],
  );
  return Number(row?.n ?? 0);
}

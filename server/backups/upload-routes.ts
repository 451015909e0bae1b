import { readBody } from '../auth/errors.js';
import { rootHash, sha256Hex } from './checksums.js';
import type { BackupContext } from './context.js';
import { BackupError } from './errors.js';
import { applyRetention } from './prune.js';
import {
  completeUploadBody,
  parseChunkIndex,
  parseChunkSha256,
  parseVersionId,
  startUploadBody,
  type StartUpload,
} from './schemas.js';
import {
  deleteVersions,
  findChunkInfo,
  findVersion,
  insertChunk,
  insertUpload,
  listChunks,
  markComplete,
  versionIdTaken,
  type VersionRow,
} from './store.js';
import { checkQuota, lockUserBackups, usedBytes } from './usage.js';
import { publicVersion, uploadState } from './wire.js';

const uploadUnknown = () =>
  new BackupError(
    404,
    'upload-unknown',
    'There is no backup upload in progress with this id (it was abandoned, or removed after a day without progress). Start the backup again.',
  );

// The same answer whether the id is this user's finished version or someone else's: ids reveal nothing.
const alreadyComplete = () =>
  new BackupError(
    409,
    'already-complete',
    'A finished backup with this id already exists and cannot be changed. Start a new backup with a new id.',
  );

/** Postgres' unique-violation code: two requests raced to create the same id. */
const isUniqueViolation = (e: unknown) => (e as { code?: unknown } | null)?.code === '23505';

function sameSettings(v: VersionRow, b: StartUpload): boolean {
  return (
    v.kind === b.kind && v.parentId === b.parentId && v.format === b.format && v.dataKeyId === b.dataKeyId
  );
}

/** Starting, resuming, filling and finishing uploads: POST/PUT/GET/DELETE /backups/uploads/... */
export function registerUploadRoutes(ctx: BackupContext): void {
  const { app, db, config, log, metrics, now } = ctx;

  app.post('/backups/uploads', async (c) => {
    const body = await readBody(c, startUploadBody);
    const userId = c.var.session.userId;
    if (body.kind === 'full' && body.parentId !== null) {
      throw new BackupError(400, 'parent-not-allowed', 'A full backup stands alone: send parentId null.');
    }
    if (body.kind === 'incremental' && body.parentId === null) {
      throw new BackupError(
        400,
        'parent-required',
        'An incremental backup needs the id of the version it builds on in parentId; otherwise make a full backup.',
      );
    }
    let result: { status: 200 | 201; state: ReturnType<typeof uploadState> };
    try {
      result = await db.transaction(async (tx) => {
        await lockUserBackups(tx, userId);
        const existing = await findVersion(tx, userId, body.id);
        if (existing) {
          if (existing.status === 'complete') throw alreadyComplete();
          if (!sameSettings(existing, body)) {
            throw new BackupError(
              409,
              'upload-mismatch',
              'An upload with this id is already in progress with a different kind, parent, format or key. Resume it with the same settings, or start a new backup with a new id.',
            );
          }
          // Resuming after a reload: the client sends only what is not listed yet.
          return { status: 200 as const, state: uploadState(existing, await listChunks(tx, body.id)) };
        }
        if (await versionIdTaken(tx, body.id)) throw alreadyComplete();
        if (body.parentId !== null) {
          const parent = await findVersion(tx, userId, body.parentId);
          if (!parent || parent.status !== 'complete') {
            throw new BackupError(
              400,
              'parent-unknown',
              'This incremental backup cannot be stored: the version this backup builds on is gone (pruned or deleted); make a full backup.',
            );
          }
        }
        checkQuota(await usedBytes(tx, userId), body.plannedBytes, config.quotaBytes, 'This backup');
        await insertUpload(tx, { ...body, userId, now: now() });
        return {
          status: 201 as const,
          state: { id: body.id, status: 'uploading' as const, received: [] },
        };
      });
    } catch (e) {
      if (isUniqueViolation(e)) throw alreadyComplete();
      throw e;
    }
    return c.json(result.state, result.status);
  });

  app.get('/backups/uploads/:id', async (c) => {
    const id = parseVersionId(c.req.param('id'));
    const version = await findVersion(db, c.var.session.userId, id);
    if (!version) throw uploadUnknown();
    return c.json(uploadState(version, await listChunks(db, id)));
  });

  app.put('/backups/uploads/:id/chunks/:index', async (c) => {
    const id = parseVersionId(c.req.param('id'));
    const index = parseChunkIndex(c.req.param('index'));
    const claimed = parseChunkSha256(c.req.header('x-chunk-sha256'));
    const userId = c.var.session.userId;
    // The body limit in front of this route has already capped the size.
    const bytes = new Uint8Array(await c.req.arrayBuffer());
    const sha256 = sha256Hex(bytes);
    if (sha256 !== claimed) {
      throw new BackupError(
        400,
        'chunk-checksum',
        'The chunk arrived damaged (its SHA-256 differs); send it again.',
      );
    }
    const chunk = { index, size: bytes.byteLength, sha256 };
    const stored = await db.transaction(async (tx) => {
      await lockUserBackups(tx, userId);
      const version = await findVersion(tx, userId, id);
      if (!version) throw uploadUnknown();
      if (version.status === 'complete') throw alreadyComplete();
      const existing = await findChunkInfo(tx, id, index);
      if (existing) {
        // A retry after a lost answer: the same bytes again are harmless.
        if (existing.sha256 === sha256) return false;
        throw new BackupError(
          409,
          'chunk-conflict',
          `Chunk ${index} of this upload is already stored with different content. Chunks cannot be replaced: start a new backup with a new id.`,
        );
      }
      checkQuota(
        (await usedBytes(tx, userId, id)) + version.totalBytes,
        bytes.byteLength,
        config.quotaBytes,
        'This chunk',
      );
      await insertChunk(tx, { versionId: id, index, sha256, bytes, now: now() });
      return true;
    });
    if (stored) metrics.bytesIn(bytes.byteLength);
    return c.json(chunk, stored ? 201 : 200);
  });

  app.post('/backups/uploads/:id/complete', async (c) => {
    const id = parseVersionId(c.req.param('id'));
    const body = await readBody(c, completeUploadBody);
    const userId = c.var.session.userId;
    const outcome = await db.transaction(async (tx) => {
      await lockUserBackups(tx, userId);
      const version = await findVersion(tx, userId, id);
      if (!version) throw uploadUnknown();
      if (version.status === 'complete') throw alreadyComplete();
      const chunks = await listChunks(tx, id);
      checkChunks(chunks, body.chunkCount);
      const total = chunks.reduce((sum, ch) => sum + ch.size, 0);
      if (total !== body.totalBytes) {
        throw new BackupError(
          400,
          'checksum-mismatch',
          `The stored chunks add up to ${total} bytes, not the ${body.totalBytes} in totalBytes. Check the sizes, or abandon this upload and back up again.`,
        );
      }
      if (rootHash(chunks.map((ch) => ch.sha256)) !== body.sha256) {
        throw new BackupError(
          400,
          'checksum-mismatch',
          'The stored chunks do not match the sha256 you sent (SHA-256 over the chunk digests in order). Check how it is computed, or abandon this upload and back up again.',
        );
      }
      const at = now();
      await markComplete(tx, { id, ...body, now: at });
      const retention = await applyRetention(tx, { userId, policy: config, now: at, justCompleted: id });
      return { version: (await findVersion(tx, userId, id))!, retention };
    });
    metrics.versionCompleted();
    log.info(
      { userId, versionId: id, chunks: body.chunkCount, bytes: body.totalBytes, ...outcome.retention },
      'backup completed',
    );
    return c.json({ version: publicVersion(outcome.version) });
  });

  app.delete('/backups/uploads/:id', async (c) => {
    const id = parseVersionId(c.req.param('id'));
    const userId = c.var.session.userId;
    const version = await findVersion(db, userId, id);
    if (!version) throw uploadUnknown();
    if (version.status === 'complete') {
      throw new BackupError(
        409,
        'already-complete',
        'This backup is finished, not an upload in progress: delete it with DELETE /backups/:id.',
      );
    }
    await deleteVersions(db, userId, [id]);
    return c.body(null, 204);
  });
}

/** Chunks 0..count-1 must all be there, and nothing beyond. */
function checkChunks(chunks: { index: number }[], count: number): void {
  const present = new Set(chunks.map((ch) => ch.index));
  const missing: number[] = [];
  for (let i = 0; i < count && missing.length <= 20; i++) if (!present.has(i)) missing.push(i);
  if (missing.length > 0) {
    const named = missing.slice(0, 20).join(', ') + (missing.length > 20 ? ', ...' : '');
    throw new BackupError(
      400,
      'chunks-missing',
      `The server does not have every chunk yet; missing: ${named}. Send them, then complete again.`,
    );
  }
  const extra = chunks.filter((ch) => ch.index >= count).map((ch) => ch.index);
  if (extra.length > 0) {
    throw new BackupError(
      400,
      'chunks-unexpected',
      `The server holds chunks beyond chunkCount ${count} (${extra.slice(0, 20).join(', ')}). Send the right chunkCount, or abandon this upload and back up again.`,
    );
  }
}

import { z } from 'zod';
import { readBody } from '../auth/errors.js';
import type { BackupContext } from './context.js';
import { BackupError } from './errors.js';
import { keyBundleBody, parseChunkIndex, parseDataKeyId, parseVersionId } from './schemas.js';
import {
  countKeyBundles,
  deleteVersions,
  findVersion,
  hasKeyBundle,
  listCompleteVersions,
  listDescendants,
  listKeyBundles,
  putKeyBundle,
  readChunk,
} from './store.js';
import { countCompleteVersions, usedBytes } from './usage.js';
import { publicVersion } from './wire.js';

/** Enough for every device the user ever sets up and every key rotation, far from a storage channel. */
const maxKeyBundles = 64;

const versionUnknown = () =>
  new BackupError(
    404,
    'version-unknown',
    'There is no finished backup with this id in your account (it may have been pruned or deleted). Reload the list.',
  );

const withDependentsQuery = z.enum(['0', '1', 'true', 'false']).optional();

/** Listing, restoring and deleting finished versions, key bundles and usage. */
export function registerVersionRoutes(ctx: BackupContext): void {
  const { app, db, config, log, metrics, now } = ctx;

  app.get('/backups', async (c) => {
    const userId = c.var.session.userId;
    const versions = await listCompleteVersions(db, userId);
    return c.json({
      versions: versions.map(publicVersion),
      usage: { usedBytes: await usedBytes(db, userId), quotaBytes: config.quotaBytes },
    });
  });

  app.get('/backups/usage', async (c) => {
    const userId = c.var.session.userId;
    return c.json({
      usedBytes: await usedBytes(db, userId),
      quotaBytes: config.quotaBytes,
      versions: await countCompleteVersions(db, userId),
    });
  });

  app.get('/backups/keys', async (c) => {
    const bundles = await listKeyBundles(db, c.var.session.userId);
    return c.json({
      bundles: bundles.map((b) => ({
        dataKeyId: b.dataKeyId,
        bundle: b.bundle.toString('base64url'),
        updatedAt: b.updatedAt.toISOString(),
      })),
    });
  });

  app.put('/backups/keys/:dataKeyId', async (c) => {
    const dataKeyId = parseDataKeyId(c.req.param('dataKeyId'));
    const body = await readBody(c, keyBundleBody);
    const userId = c.var.session.userId;
    await db.transaction(async (tx) => {
      if (
        !(await hasKeyBundle(tx, userId, dataKeyId)) &&
        (await countKeyBundles(tx, userId)) >= maxKeyBundles
      ) {
        throw new BackupError(
          409,
          'too-many-keys',
          `Your account already holds ${maxKeyBundles} backup key bundles, the most it may. Replace an existing one (same key id) instead.`,
        );
      }
      await putKeyBundle(tx, { userId, dataKeyId, bundle: body.bundle, now: now() });
    });
    return c.body(null, 204);
  });

  app.get('/backups/:id/chunks/:index', async (c) => {
    const id = parseVersionId(c.req.param('id'));
    const index = parseChunkIndex(c.req.param('index'));
    const version = await findVersion(db, c.var.session.userId, id);
    if (!version || version.status !== 'complete') throw versionUnknown();
    const chunk = await readChunk(db, id, index);
    if (!chunk) {
      throw new BackupError(
        404,
        'chunk-unknown',
        `This backup has no chunk ${index}; it has ${version.chunkCount} (numbered from 0).`,
      );
    }
    metrics.bytesOut(chunk.bytes.byteLength);
    return c.body(new Uint8Array(chunk.bytes), 200, {
      'content-type': 'application/octet-stream',
      'x-chunk-sha256': chunk.sha256,
    });
  });

  app.delete('/backups/:id', async (c) => {
    const id = parseVersionId(c.req.param('id'));
    const flag = withDependentsQuery.safeParse(c.req.query('withDependents'));
    if (!flag.success) {
      throw new BackupError(400, 'invalid-param', 'withDependents must be 1 (or true) when given.');
    }
    const withDependents = flag.data === '1' || flag.data === 'true';
    const userId = c.var.session.userId;
    const deleted = await db.transaction(async (tx) => {
      const version = await findVersion(tx, userId, id);
      if (!version || version.status !== 'complete') throw versionUnknown();
      const dependents = await listDescendants(tx, userId, id);
      if (dependents.length > 0 && !withDependents) {
        const n = dependents.length;
        throw new BackupError(
          409,
          'has-dependents',
          `${n} later ${n === 1 ? 'version builds' : 'versions build'} on this one; delete them first or pass ?withDependents=1.`,
        );
      }
      // Its dependents go with it (ON DELETE CASCADE on parent_id).
      await deleteVersions(tx, userId, [id]);
      return 1 + dependents.length;
    });
    log.info({ userId, versionId: id, deleted }, 'backup deleted');
    return c.body(null, 204);
  });
}

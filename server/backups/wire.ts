import type { ChunkInfo, VersionRow } from './store.js';

/** A complete version as the client lists it; the manifest is its own ciphertext, handed back as sent. */
export function publicVersion(v: VersionRow) {
  return {
    id: v.id,
    kind: v.kind,
    parentId: v.parentId,
    format: v.format,
    dataKeyId: v.dataKeyId,
    chunkCount: v.chunkCount,
    totalBytes: v.totalBytes,
    sha256: v.sha256,
    createdAt: v.createdAt.toISOString(),
    completedAt: v.completedAt?.toISOString() ?? null,
    manifest: v.manifest?.toString('base64url') ?? null,
  };
}

export function uploadState(v: VersionRow, received: ChunkInfo[]) {
  return { id: v.id, status: v.status, received };
}

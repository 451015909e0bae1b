import { EngineFailure } from '../shared/errors.js';
import { fromBase64Url } from '../vault/bytes.js';
import type { BackupOp, BackupProgress } from './api.js';
import { backupFailure, tamperedMessage } from './backup-errors.js';
import { backedUpTables } from './backup-tables.js';
import type { BackupTransport, RemoteVersion } from './backup-transport.js';
import { openManifest, sha256Hex } from './chunk-crypto.js';
import { decodeManifest, type BackupManifest } from './manifest.js';
import { openStream } from './pipeline.js';
import { StateBuilder, type BackupState } from './restore-plan.js';

export interface Downloaded {
  manifest: BackupManifest;
  state: BackupState;
  chunks: number;
  storedBytes: number;
}

/** The versions to read, oldest first: the full backup, then each increment up to `target`. */
export function chainOf(target: RemoteVersion, byId: Map<string, RemoteVersion>): RemoteVersion[] | null {
  const chain: RemoteVersion[] = [];
  let v: RemoteVersion | undefined = target;
  while (v) {
    chain.unshift(v);
    if (v.kind === 'full') return chain;
    if (chain.length > 1000 || !v.parentId) return null;
    v = byId.get(v.parentId);
  }
  return null;
}

/** Opens a version's manifest and checks it describes the version the server listed. */
export async function readManifest(key: CryptoKey, v: RemoteVersion): Promise<BackupManifest> {
  const sealed = fromBase64Url(v.manifest);
  if (!sealed) throw backupFailure('backup-tampered', tamperedMessage, false, { part: 'manifest' });
  const manifest = decodeManifest(await openManifest(key, v.id, sealed));
  if (
    !manifest ||
    manifest.versionId !== v.id ||
    manifest.kind !== v.kind ||
    manifest.parentId !== v.parentId ||
    manifest.chunkCount !== v.chunkCount
  ) {
    throw backupFailure('backup-tampered', tamperedMessage, false, { part: 'manifest' });
  }
  return manifest;
}

export interface DownloadInput {
  transport: BackupTransport;
  versionId: string;
  keyFor: (dataKeyId: string) => Promise<CryptoKey | null>;
  op: BackupOp;
  signal: AbortSignal;
  progress: (p: BackupProgress) => void;
}

/**
 * Downloads a version and the versions it builds on, checking each chunk against the manifest's
 * checksum and AES-GCM's tag, and replays them into one state in memory. Nothing local is touched.
 */
export async function downloadVersion(input: DownloadInput): Promise<Downloaded> {
  const { transport, versionId, op, signal, progress } = input;
  const { versions } = await transport.list();
  const byId = new Map(versions.map((v) => [v.id, v]));
  const target = byId.get(versionId);
  if (!target) {
    throw backupFailure(
      'backup-version-unknown',
      'That backup version is no longer on the server. Refresh the list.',
    );
  }
  const chain = chainOf(target, byId);
  if (!chain) {
    throw backupFailure(
      'backup-chain-broken',
      'A version this backup builds on is missing from the server, so it cannot be restored. Pick another version.',
    );
  }
  const key = await input.keyFor(target.dataKeyId);
  if (!key) {
    throw backupFailure(
      'backup-key-locked',
      'This device has no key for this backup yet: unlock backups with your passkey or recovery key.',
    );
  }
  const total = chain.reduce((n, v) => n + v.chunkCount, 0);
  let done = 0;
  const builder = new StateBuilder(new Set(backedUpTables));
  let manifest: BackupManifest | null = null;
  for (const v of chain) {
    const m = await readManifest(key, v);
    manifest = m;
    builder.beginVersion(v.kind);
    try {
      await openStream(
        async (i) => {
          const { bytes, sha256 } = await transport.chunk(v.id, i);
          const actual = await sha256Hex(bytes.slice());
          if (actual !== m.chunkSha256[i] || (sha256 !== null && sha256 !== actual)) {
            throw backupFailure('backup-tampered', tamperedMessage, false, { part: `chunk ${i}` });
          }
          return bytes;
        },
        key,
        v.id,
        v.chunkCount,
        (plain) => builder.push(plain),
        () => progress({ op, phase: 'downloading', done: ++done, total, versionId }),
        signal,
      );
      builder.endVersion();
    } catch (e) {
      if (e instanceof EngineFailure) throw e;
      // Bytes that pass the tag but do not parse: never silently accepted.
      throw backupFailure(
        'backup-damaged',
        `This backup could not be read (${e instanceof Error ? e.message : String(e)}). Nothing was changed.`,
      );
    }
  }
  return {
    manifest: manifest!,
    state: builder.state,
    chunks: total,
    storedBytes: chain.reduce((n, v) => n + v.totalBytes, 0),
  };
}

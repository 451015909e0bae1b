import { backupFailure } from './backup-errors.js';

/** A complete version as the server lists it: metadata in clear, the manifest still sealed. */
export interface RemoteVersion {
  id: string;
  kind: 'full' | 'incremental';
  parentId: string | null;
  format: number;
  dataKeyId: string;
  chunkCount: number;
  totalBytes: number;
  sha256: string;
  createdAt: string;
  completedAt: string;
  /** base64url, sealed with the backup key. */
  manifest: string;
}

export interface RemoteChunk {
  index: number;
  size: number;
  sha256: string;
}

export interface Usage {
  usedBytes: number;
  quotaBytes: number;
}

export interface UploadStart {
  id: string;
  kind: 'full' | 'incremental';
  parentId: string | null;
  format: number;
  dataKeyId: string;
  plannedBytes: number;
}

export interface UploadCompletion {
  chunkCount: number;
  totalBytes: number;
  sha256: string;
  manifest: string;
}

/** The server's backup API (server/backups/README.md), as the engine uses it. */
export interface BackupTransport {
  list(): Promise<{ versions: RemoteVersion[]; usage: Usage }>;
  startUpload(start: UploadStart): Promise<RemoteChunk[]>;
  putChunk(id: string, index: number, bytes: Uint8Array<ArrayBuffer>, sha256: string): Promise<void>;
  complete(id: string, completion: UploadCompletion): Promise<void>;
  chunk(id: string, index: number): Promise<{ bytes: Uint8Array; sha256: string | null }>;
  remove(id: string, withDependents: boolean): Promise<void>;
  putKeyBundle(dataKeyId: string, bundle: string): Promise<void>;
  keyBundles(): Promise<Array<{ dataKeyId: string; bundle: string }>>;
}

type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

/** Turns a refusal into a failure whose message says what to do; the server's own message when it has one. */
async function refusal(res: Response): Promise<never> {
  let code = 'unknown';
  let message = '';
  try {
    const body = (await res.json()) as { error?: { code?: unknown; message?: unknown } };
    if (typeof body?.error?.code === 'string') code = body.error.code;
    if (typeof body?.error?.message === 'string') message = body.error.message;
  } catch {
    // Not JSON (a proxy's error page): fall through to the generic messages.
  }
  if (res.status === 401) {
    throw backupFailure('backup-signed-out', 'Sign in on the Account screen to use backups.');
  }
  if (res.status === 403) {
    throw backupFailure('backup-read-only', message || 'Only the workspace owner can use backups.');
  }
  if (code === 'quota-exceeded') {
    throw backupFailure('backup-quota', message || 'Backup storage on the server is full.');
  }
  if (res.status === 429) {
    const wait = Number(res.headers.get('retry-after') ?? '60');
    throw backupFailure(
      'backup-rate-limited',
      `The server is limiting backup requests; Lyra tries again in ${wait} s.`,
      true,
      { retryAfterSeconds: wait },
    );
  }
  if (res.status >= 500) {
    throw backupFailure(
      'backup-server',
      `The server failed (${res.status}). Lyra tries again later; nothing was lost.`,
      true,
    );
  }
  throw backupFailure(`backup-${code}`, message || `The server refused the request (${res.status}).`, false, {
    status: res.status,
  });
}

function offline(): never {
  throw backupFailure(
    'backup-offline',
    'Lyra cannot reach its server. The backup carries on when the connection is back.',
    true,
  );
}

function str(v: unknown): v is string {
  return typeof v === 'string';
}

function num(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0;
}

function badReply(what: string): never {
  throw backupFailure(
    'backup-bad-reply',
    `The server sent an unexpected answer (${what}). Try again later.`,
    true,
  );
}

function checkChunks(value: unknown): RemoteChunk[] {
  if (!Array.isArray(value)) badReply('chunk list');
  return value.map((c: Partial<RemoteChunk>) => {
    if (!c || !num(c.index) || !num(c.size) || !str(c.sha256)) badReply('chunk');
    return { index: c.index, size: c.size, sha256: c.sha256 };
  });
}

function checkVersion(v: Partial<RemoteVersion>): RemoteVersion {
  if (
    !v ||
    !str(v.id) ||
    (v.kind !== 'full' && v.kind !== 'incremental') ||
    !(v.parentId === null || str(v.parentId)) ||
    !num(v.format) ||
    !str(v.dataKeyId) ||
    !num(v.chunkCount) ||
    !num(v.totalBytes) ||
    !str(v.sha256) ||
    !str(v.createdAt) ||
    !str(v.completedAt) ||
    !str(v.manifest)
  ) {
    badReply('version');
  }
  return v as RemoteVersion;
}

export function httpTransport(
  origin: string,
  fetchFn: FetchLike = (i, init) => fetch(i, init),
): BackupTransport {
  const base = `${origin.replace(/\/$/, '')}/backups`;
  const call = async (path: string, init: RequestInit = {}): Promise<Response> => {
    let res: Response;
    try {
      res = await fetchFn(`${base}${path}`, { credentials: 'same-origin', cache: 'no-store', ...init });
    } catch {
      offline();
    }
    if (!res.ok) await refusal(res);
    return res;
  };
  const json = (body: unknown): RequestInit => ({
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const e = encodeURIComponent;

  return {
    async list() {
      const body = (await (await call('')).json()) as { versions?: unknown; usage?: Partial<Usage> };
      if (!Array.isArray(body?.versions) || !num(body.usage?.usedBytes) || !num(body.usage?.quotaBytes)) {
        badReply('version list');
      }
      return {
        versions: body.versions.map((v) => checkVersion(v as Partial<RemoteVersion>)),
        usage: { usedBytes: body.usage.usedBytes, quotaBytes: body.usage.quotaBytes },
      };
    },
    async startUpload(start) {
      const body = (await (await call('/uploads', json(start))).json()) as { received?: unknown };
      return checkChunks(body?.received);
    },
    async putChunk(id, index, bytes, sha256) {
      await call(`/uploads/${e(id)}/chunks/${index}`, {
        method: 'PUT',
        headers: { 'content-type': 'application/octet-stream', 'x-chunk-sha256': sha256 },
        body: bytes,
      });
    },
    async complete(id, completion) {
      await call(`/uploads/${e(id)}/complete`, json(completion));
    },
    async chunk(id, index) {
      const res = await call(`/${e(id)}/chunks/${index}`);
      return { bytes: new Uint8Array(await res.arrayBuffer()), sha256: res.headers.get('x-chunk-sha256') };
    },
    async remove(id, withDependents) {
      await call(`/${e(id)}${withDependents ? '?withDependents=1' : ''}`, { method: 'DELETE' });
    },
    async putKeyBundle(dataKeyId, bundle) {
      await call(`/keys/${e(dataKeyId)}`, { ...json({ bundle }), method: 'PUT' });
    },
    async keyBundles() {
      const body = (await (await call('/keys')).json()) as { bundles?: unknown };
      if (!Array.isArray(body?.bundles)) badReply('key list');
      return body.bundles.map((b: { dataKeyId?: unknown; bundle?: unknown }) => {
        if (!str(b?.dataKeyId) || !str(b.bundle)) badReply('key');
        return { dataKeyId: b.dataKeyId, bundle: b.bundle };
      });
    },
  };
}

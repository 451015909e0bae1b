import { z } from 'zod';
import { BackupError } from './errors.js';

/** Version ids are chosen by the client (so a reload can resume the same upload): long enough to be unique. */
export const versionIdPattern = /^[A-Za-z0-9_-]{16,64}$/;
const dataKeyIdPattern = /^[A-Za-z0-9_-]{1,64}$/;
const sha256Pattern = /^[0-9a-f]{64}$/;
export const maxChunkIndex = 99_999;
export const maxManifestBytes = 256 * 1024;
export const maxKeyBundleBytes = 64 * 1024;

const versionId = z.string().regex(versionIdPattern, 'must be 16 to 64 letters, digits, "-" or "_"');
const dataKeyId = z.string().regex(dataKeyIdPattern, 'must be 1 to 64 base64url characters');
const sha256Hex = z.string().regex(sha256Pattern, 'must be 64 lower-case hex digits (SHA-256)');

/**
 * Unpadded base64url, decoded. Only the canonical spelling is accepted, so what the client reads back is
 * exactly the string it sent.
 */
function base64urlBytes(maxBytes: number) {
  return z
    .string()
    .max(Math.ceil((maxBytes * 4) / 3), `must encode at most ${maxBytes} bytes`)
    .regex(/^[A-Za-z0-9_-]*$/, 'must be unpadded base64url')
    .transform((s, ctx) => {
      const bytes = Buffer.from(s, 'base64url');
      if (bytes.toString('base64url') !== s) {
        ctx.addIssue({ code: 'custom', message: 'is not canonical unpadded base64url' });
        return z.NEVER;
      }
      return bytes;
    });
}

export const startUploadBody = z.object({
  id: versionId,
  kind: z.enum(['full', 'incremental']),
  parentId: versionId.nullable(),
  format: z.number().int().min(1).max(1000),
  dataKeyId,
  plannedBytes: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
});
export type StartUpload = z.infer<typeof startUploadBody>;

export const completeUploadBody = z.object({
  chunkCount: z
    .number()
    .int()
    .min(0)
    .max(maxChunkIndex + 1),
  totalBytes: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  sha256: sha256Hex,
  manifest: base64urlBytes(maxManifestBytes),
});

export const keyBundleBody = z.object({ bundle: base64urlBytes(maxKeyBundleBytes) });

function parseParam<T>(schema: z.ZodType<T>, raw: string | undefined, what: string, rule: string): T {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new BackupError(400, 'invalid-param', `The ${what} in the URL ${rule}.`);
  return parsed.data;
}

export const parseVersionId = (raw: string | undefined) =>
  parseParam(versionId, raw, 'backup id', 'must be 16 to 64 letters, digits, "-" or "_"');

export const parseDataKeyId = (raw: string | undefined) =>
  parseParam(dataKeyId, raw, 'key id', 'must be 1 to 64 base64url characters');

export const parseChunkIndex = (raw: string | undefined) =>
  parseParam(
    z
      .string()
      .regex(/^(0|[1-9]\d{0,4})$/)
      .transform(Number),
    raw,
    'chunk index',
    `must be a whole number from 0 to ${maxChunkIndex}`,
  );

export function parseChunkSha256(raw: string | undefined): string {
  if (raw === undefined || !sha256Pattern.test(raw)) {
    throw new BackupError(
      400,
      'invalid-header',
      'The x-chunk-sha256 header must hold the SHA-256 of the chunk as 64 lower-case hex digits.',
    );
  }
  return raw;
}

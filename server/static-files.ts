import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { Readable } from 'node:stream';
import type { Context } from 'hono';

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
};

interface Found {
  path: string;
  size: number;
  mtimeMs: number;
}

async function fileAt(path: string): Promise<Found | undefined> {
  try {
    const s = await stat(path);
    return s.isFile() ? { path, size: s.size, mtimeMs: s.mtimeMs } : undefined;
  } catch {
    return undefined;
  }
}

// Hashed build output never changes; everything else (pages, the service worker, the manifest) must be
// revalidated so an update reaches users on their next visit.
function cacheControl(urlPath: string): string {
  return urlPath.startsWith('/_app/immutable/') ? 'public, max-age=31536000, immutable' : 'no-cache';
}

/**
 * Serves the built SPA from `root`: exact files, prerendered pages (`/trade` -> `trade.html`), and the
 * SPA fallback page for other navigations, so deep links work. The directory is read on every request:
 * a new build dropped in place is served at once (the update prompt relies on it).
 */
export function staticFiles(root: string, fallback = '200.html') {
  const base = normalize(root + sep);
  return async (c: Context): Promise<Response> => {
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD')
      return c.json({ error: 'Method not allowed' }, 405);
    let urlPath: string;
    try {
      urlPath = decodeURIComponent(new URL(c.req.url).pathname);
    } catch {
      return c.json({ error: 'Malformed URL path' }, 400);
    }
    const target = normalize(join(base, urlPath));
    if (!target.startsWith(base) && target + sep !== base) return c.json({ error: 'Not found' }, 404);

    const candidates = urlPath.endsWith('/')
      ? [join(target, 'index.html')]
      : [target, target + '.html', join(target, 'index.html')];
    let found: Found | undefined;
    for (const candidate of candidates) {
      found = await fileAt(candidate);
      if (found) break;
    }
    const wantsPage = (c.req.header('accept') ?? '').includes('text/html');
    if (!found && wantsPage && !extname(urlPath)) found = await fileAt(join(base, fallback));
    if (!found) return c.json({ error: `Not found: ${urlPath}` }, 404);

    const etag = `W/"${found.size.toString(16)}-${Math.floor(found.mtimeMs).toString(16)}"`;
    const headers: Record<string, string> = {
      'content-type': contentTypes[extname(found.path)] ?? 'application/octet-stream',
      'cache-control': cacheControl(urlPath),
      etag,
    };
    if (c.req.header('if-none-match') === etag) return new Response(null, { status: 304, headers });
    headers['content-length'] = String(found.size);
    if (c.req.method === 'HEAD') return new Response(null, { status: 200, headers });
    const body = Readable.toWeb(createReadStream(found.path)) as ReadableStream<Uint8Array>;
    return new Response(body, { status: 200, headers });
  };
}

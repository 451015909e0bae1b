import { cancelledFailure } from './backup-errors.js';
import { openChunk, sealChunk } from './chunk-crypto.js';

export interface SealedChunk {
  index: number;
  bytes: Uint8Array<ArrayBuffer>;
}

/**
 * Compresses the plaintext segments as one gzip stream (CompressionStream), cuts the compressed bytes
 * into chunks of `chunkBytes`, and seals each. A chunk is sealed only once the next one has started,
 * so the last one can be marked as last. Segments are pulled lazily: memory stays about two chunks.
 */
export async function sealStream(
  segments: AsyncIterator<Uint8Array<ArrayBuffer>> | Iterator<Uint8Array<ArrayBuffer>>,
  key: CryptoKey,
  versionId: string,
  chunkBytes: number,
  emit: (chunk: SealedChunk) => Promise<void>,
  signal?: AbortSignal,
): Promise<number> {
  const plain = new ReadableStream<Uint8Array<ArrayBuffer>>(
    {
      async pull(controller) {
        if (signal?.aborted) return controller.error(cancelledFailure());
        const next = await segments.next();
        if (next.done) controller.close();
        else controller.enqueue(next.value);
      },
    },
    { highWaterMark: 1 },
  );
  const reader = plain.pipeThrough(new CompressionStream('gzip')).getReader();
  let buffer = new Uint8Array(chunkBytes);
  let filled = 0;
  let held: Uint8Array<ArrayBuffer> | null = null;
  let index = 0;
  const release = async (last: boolean) => {
    if (!held) return;
    const sealed = await sealChunk(key, versionId, index, last, held);
    held = null;
    await emit({ index, bytes: sealed });
    index++;
  };
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    let at = 0;
    while (at < value.length) {
      const n = Math.min(chunkBytes - filled, value.length - at);
      buffer.set(value.subarray(at, at + n), filled);
      filled += n;
      at += n;
      if (filled === chunkBytes) {
        await release(false);
        held = buffer;
        buffer = new Uint8Array(chunkBytes);
        filled = 0;
      }
    }
    if (signal?.aborted) {
      await reader.cancel();
      throw cancelledFailure();
    }
  }
  if (filled > 0) {
    await release(false);
    held = buffer.slice(0, filled);
  }
  await release(true);
  return index;
}

/**
 * Opens a version's chunks in order and feeds the decompressed plaintext to `sink`. A damaged,
 * swapped, foreign or missing chunk stops it with backup-tampered before anything is written anywhere.
 */
export async function openStream(
  fetchChunk: (index: number) => Promise<Uint8Array>,
  key: CryptoKey,
  versionId: string,
  chunkCount: number,
  sink: (plain: Uint8Array) => void,
  onChunk?: (index: number) => void,
  signal?: AbortSignal,
): Promise<void> {
  const inflate = new DecompressionStream('gzip');
  const writer = inflate.writable.getWriter();
  const reading = (async () => {
    const reader = inflate.readable.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      sink(value);
    }
  })();
  // Whichever side fails first, the other must not surface as an unhandled rejection.
  reading.catch(() => undefined);
  try {
    for (let i = 0; i < chunkCount; i++) {
      if (signal?.aborted) throw cancelledFailure();
      const plain = await openChunk(key, versionId, i, i === chunkCount - 1, await fetchChunk(i));
      await writer.write(plain);
      onChunk?.(i);
    }
    await writer.close();
    await reading;
  } catch (e) {
    await writer.abort(e).catch(() => undefined);
    throw e;
  }
}

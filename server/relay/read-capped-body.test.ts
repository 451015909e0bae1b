import { describe, expect, it } from 'vitest';
import { readCappedBody } from './read-capped-body.js';

function streamOf(chunks: number[]): { stream: ReadableStream<Uint8Array>; cancelled: () => boolean } {
  let cancelled = false;
  let i = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      const size = chunks[i++];
      if (size === undefined) controller.close();
      else controller.enqueue(new Uint8Array(size).fill(i));
    },
    cancel() {
      cancelled = true;
    },
  });
  return { stream, cancelled: () => cancelled };
}

describe('readCappedBody', () => {
  it('joins the chunks of a body within the cap', async () => {
    const read = await readCappedBody(streamOf([3, 2]).stream, 5);
    expect(read).toEqual({ ok: true, bytes: new Uint8Array([1, 1, 1, 2, 2]) });
  });

  it('stops reading and cancels the stream once the cap is passed', async () => {
    const body = streamOf([4, 4, 4, 4]);
    expect(await readCappedBody(body.stream, 6)).toEqual({ ok: false });
    expect(body.cancelled()).toBe(true);
  });

  it('treats a missing body as empty', async () => {
    expect(await readCappedBody(null, 10)).toEqual({ ok: true, bytes: new Uint8Array(0) });
  });
});

/**
 * The buffers behind every typed array in a result, once each, for `Comlink.transfer`: moving a 2 M bar
 * equity curve to the page is free, copying it is not. Only for values made for the caller: a
 * transferred buffer is empty afterwards on the sending side.
 *
 * Arrays in research results are homogeneous (signals, fills, cells): when an array's first element
 * holds no typed array, the rest are not searched, so a result with 100,000 fills costs one look.
 */
export function transferablesOf(value: unknown): ArrayBuffer[] {
  const found = new Set<ArrayBuffer>();
  collect(value, found, 0);
  return [...found];
}

const maxDepth = 8;

function collect(value: unknown, found: Set<ArrayBuffer>, depth: number): void {
  if (value === null || typeof value !== 'object' || depth > maxDepth) return;
  if (ArrayBuffer.isView(value)) {
    if (value.buffer instanceof ArrayBuffer && value.buffer.byteLength > 0) found.add(value.buffer);
    return;
  }
  if (Array.isArray(value)) {
    if (value.length === 0) return;
    const before = found.size;
    collect(value[0], found, depth + 1);
    if (found.size === before) return;
    for (let i = 1; i < value.length; i++) collect(value[i], found, depth + 1);
    return;
  }
  for (const key of Object.keys(value)) collect((value as Record<string, unknown>)[key], found, depth + 1);
}

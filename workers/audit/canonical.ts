/**
 * A canonical text for a stored row, so the same row always hashes the same: object keys sorted, no
 * whitespace, numbers as JavaScript prints them, strings JSON-escaped. Absent (undefined) object
 * properties are left out, as structured cloning may or may not keep them.
 *
 * It never throws: the version 8 upgrade chains whatever older versions stored, and a throw there
 * would leave the database unable to open. Values that are not plain data (a bigint, a Map, bytes, a
 * class instance, a cycle) get a tagged text starting with `#`, which no plain value can produce
 * (plain texts are quoted), so two different rows never share a text. The tags depend only on the
 * value, so the upgrade and every later check agree.
 */
export function canonicalJson(value: unknown): string {
  return canonical(value, []);
}

function canonical(value: unknown, parents: object[]): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      return String(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'bigint':
      return `#bigint(${value.toString()})`;
    case 'object':
      return canonicalObject(value, parents);
    case 'undefined':
      return '#undefined';
    default:
      // Functions and symbols cannot be stored in IndexedDB; they are named, never hashed by content.
      return `#${typeof value}`;
  }
}

function canonicalObject(value: object, parents: object[]): string {
  const depth = parents.indexOf(value);
  // Structured cloning keeps cycles; a cycle is named by how many levels up it points.
  if (depth >= 0) return `#cycle(${String(parents.length - depth)})`;
  const inner = [...parents, value];
  const text = (v: unknown) => canonical(v, inner);
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : text(v))).join(',')}]`;
  // Dates are plain data to IndexedDB; they hash as their instant.
  if (value instanceof Date) return `{"$date":${String(value.getTime())}}`;
  const proto = Object.getPrototypeOf(value) as unknown;
  const plain = proto === Object.prototype || proto === null;
  return (plain ? null : taggedObject(value, text)) ?? `{${fieldsText(value, text)}}`;
}

/** An object's own enumerable fields, keys sorted, undefined left out. */
function fieldsText(value: object, text: (v: unknown) => string): string {
  const record = value as Record<string, unknown>;
  return Object.keys(record)
    .sort()
    .filter((k) => record[k] !== undefined)
    .map((k) => `${JSON.stringify(k)}:${text(record[k])}`)
    .join(',');
}

/**
 * Not plain data: a tagged, lossless text for what IndexedDB stores as its own type, in a fixed order.
 * Null for a class instance, which structured cloning stores as a plain object of its own fields: it
 * must hash the same before it is written (appendAudit) and after it is read back (the check).
 */
function taggedObject(value: object, text: (v: unknown) => string): string | null {
  if (value instanceof Map)
    return `#Map[${[...value.entries()].map(([k, v]) => `[${text(k)},${text(v)}]`).join(',')}]`;
  if (value instanceof Set) return `#Set[${[...value.values()].map(text).join(',')}]`;
  if (value instanceof ArrayBuffer) return `#ArrayBuffer(${hex(new Uint8Array(value))})`;
  if (ArrayBuffer.isView(value))
    return `#${value.constructor.name}(${hex(new Uint8Array(value.buffer, value.byteOffset, value.byteLength))})`;
  if (value instanceof RegExp)
    return `#RegExp(${JSON.stringify(value.source)},${JSON.stringify(value.flags)})`;
  if (value instanceof Error) return `#Error(${JSON.stringify(value.name)},${JSON.stringify(value.message)})`;
  if (value instanceof Number || value instanceof String || value instanceof Boolean)
    return `#${value.constructor.name}(${text(value.valueOf())})`;
  // Anything else stored as its own type (a Blob, a File): its tag and own fields.
  const tag = Object.prototype.toString.call(value).slice(8, -1);
  return tag === 'Object' ? null : `#${tag}{${fieldsText(value, text)}}`;
}

function hex(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += b.toString(16).padStart(2, '0');
  return out;
}

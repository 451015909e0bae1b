/**
 * A canonical text for a stored row, so the same row always hashes the same: object keys sorted, no
 * whitespace, numbers as JavaScript prints them, strings JSON-escaped. Absent (undefined) object
 * properties are left out, as structured cloning may or may not keep them.
 */
export function canonicalJson(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      return String(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      return canonicalObject(value);
    default:
      throw new TypeError(
        `A ${typeof value} cannot be part of an audit entry: only plain data can be hashed.`,
      );
  }
}

function canonicalObject(value: object): string {
  if (Array.isArray(value))
    return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  // Dates are plain data to IndexedDB; they hash as their instant.
  if (value instanceof Date) return `{"$date":${String(value.getTime())}}`;
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null)
    throw new TypeError('Only plain objects can be part of an audit entry: this value cannot be hashed.');
  const record = value as Record<string, unknown>;
  const parts: string[] = [];
  for (const key of Object.keys(record).sort()) {
    const v = record[key];
    if (v !== undefined) parts.push(`${JSON.stringify(key)}:${canonicalJson(v)}`);
  }
  return `{${parts.join(',')}}`;
}

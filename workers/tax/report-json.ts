import { Decimal } from '../money/decimal.js';

/**
 * JSON text of a report with every Decimal written as a JSON number in its exact decimal form (14.9,
 * not "14.9" and not the float nearest to it): readers that parse numbers as doubles get the nearest
 * double, and readers that keep the text get the exact value. Indented like JSON.stringify(v, null, 2).
 */
export function exactJson(value: unknown, indent = ''): string {
  if (value instanceof Decimal) return value.toString();
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[\n${value.map((v) => inner + exactJson(v === undefined ? null : v, inner)).join(',\n')}\n${indent}]`;
  }
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined && typeof v !== 'function');
    if (entries.length === 0) return '{}';
    const body = entries.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${exactJson(v, inner)}`);
    return `{\n${body.join(',\n')}\n${indent}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

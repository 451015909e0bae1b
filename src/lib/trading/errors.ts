/** Engine refusals split into messages per field, so each shows next to its input. */
import type { EngineError } from '$workers/api';

/**
 * Messages for `fields` from an EngineError's details: a `fieldErrors` object (what the trading
 * engine sends), details keyed by a field's name, a `field` + `message` pair, or a `field` naming one
 * of them (then the error's own message is its). What belongs to no field is in `rest`.
 */
export function fieldMessages<F extends string>(
  error: EngineError | null,
  fields: readonly F[],
): { fields: Partial<Record<F, string>>; rest: string | null } {
  if (!error) return { fields: {}, rest: null };
  const known = new Set<string>(fields);
  const out: Partial<Record<F, string>> = {};
  const d = (error.details ?? {}) as Record<string, unknown>;
  const nested =
    typeof d.fieldErrors === 'object' && d.fieldErrors !== null
      ? (d.fieldErrors as Record<string, unknown>)
      : {};
  for (const [k, v] of [...Object.entries(d), ...Object.entries(nested)]) {
    if (known.has(k) && typeof v === 'string' && v !== '') out[k as F] = v;
  }
  if (typeof d.field === 'string' && known.has(d.field))
    out[d.field as F] = typeof d.message === 'string' && d.message ? d.message : error.message;
  const named = Object.keys(out).length > 0;
  return { fields: out, rest: named ? null : error.message };
}

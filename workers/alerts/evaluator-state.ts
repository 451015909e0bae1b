import type { LevelChannel } from './level-crossing.js';
import type { PriceWindowState } from './price-window.js';
import type { AlertSpec, PercentMoveAlert } from './types.js';

// The evaluator's state as plain JSON, so the engine worker can store it, and reading it back part by
// part: an unreadable part starts fresh instead of failing the whole restore.

export interface AlertState {
  /** The condition this state belongs to (the kind's own fields as JSON): a changed condition starts over. */
  condition: string;
  /**
   * Crossing state per channel: '' for prices and indicators, 'up' and 'down' for percent moves, the
   * account, the pair or the feed for risk events.
   */
  channels: Record<string, LevelChannel>;
  firedCount: number;
  lastFiredAt: number | null;
}

export interface EvaluatorState {
  v: 1;
  alerts: Record<string, AlertState>;
  /** Price windows of percent-move alerts, by `windowKey` (symbol and window length). */
  windows: Record<string, PriceWindowState>;
  /** Ids of recent fills, newest last, so a fill delivered twice fires once. */
  seenFills: string[];
}

const commonKeys = new Set([
  'v',
  'id',
  'name',
  'repeat',
  'hysteresis',
  'snoozedUntil',
  'sound',
  'enabled',
  'createdAt',
]);

export function stableJson(x: unknown): string {
  if (x === null || typeof x !== 'object') return JSON.stringify(x) ?? 'null';
  if (Array.isArray(x)) return `[${x.map(stableJson).join(',')}]`;
  const entries = Object.entries(x as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
}

/** The kind's own fields: what the crossing state depends on. Name, snooze, sound and the like do not. */
export function conditionOf(spec: AlertSpec): string {
  const own: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(spec)) if (!commonKeys.has(k)) own[k] = v;
  return stableJson(own);
}

export function windowKey(spec: PercentMoveAlert): string {
  return `${spec.windowMs}|${spec.symbol}`;
}

export function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

export const finite = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);

function readChannel(x: unknown): LevelChannel | null {
  if (!isRecord(x)) return null;
  const { armedUp, armedDown, side, value, time } = x;
  if (typeof armedUp !== 'boolean' || typeof armedDown !== 'boolean' || !finite(value) || !finite(time))
    return null;
  if (side !== 'above' && side !== 'below' && side !== 'at') return null;
  return { armedUp, armedDown, side, value, time };
}

function readAlertState(x: unknown): AlertState | null {
  if (!isRecord(x) || typeof x.condition !== 'string' || !isRecord(x.channels)) return null;
  const channels: Record<string, LevelChannel> = {};
  for (const [k, v] of Object.entries(x.channels)) {
    const c = readChannel(v);
    if (c) channels[k] = c;
  }
  const firedCount =
    Number.isInteger(x.firedCount) && (x.firedCount as number) >= 0 ? (x.firedCount as number) : 0;
  const lastFiredAt = finite(x.lastFiredAt) ? x.lastFiredAt : null;
  return { condition: x.condition, channels, firedCount, lastFiredAt };
}

function readWindow(x: unknown): PriceWindowState | null {
  if (!isRecord(x) || !finite(x.windowMs) || !Array.isArray(x.times) || !Array.isArray(x.prices)) return null;
  const { times, prices } = x;
  if (times.length !== prices.length || !times.every(finite) || !prices.every(finite)) return null;
  const lastTime = finite(x.lastTime) ? x.lastTime : null;
  return { windowMs: x.windowMs, times: times.slice(), prices: prices.slice(), lastTime };
}

/**
 * A stored `EvaluatorState`, its readable parts as entries in stored order; null when it is not one.
 * Entries, not records, so an id such as '__proto__' is restored like any other.
 */
export function readEvaluatorState(raw: unknown): {
  alerts: [string, AlertState][];
  windows: [string, PriceWindowState][];
  seenFills: string[];
} | null {
  if (!isRecord(raw) || raw.v !== 1) return null;
  const alerts: [string, AlertState][] = [];
  if (isRecord(raw.alerts))
    for (const [id, s] of Object.entries(raw.alerts)) {
      const st = readAlertState(s);
      if (st) alerts.push([id, st]);
    }
  const windows: [string, PriceWindowState][] = [];
  if (isRecord(raw.windows))
    for (const [k, w] of Object.entries(raw.windows)) {
      const win = readWindow(w);
      if (win) windows.push([k, win]);
    }
  const seenFills = Array.isArray(raw.seenFills)
    ? raw.seenFills.filter((x): x is string => typeof x === 'string')
    : [];
  return { alerts, windows, seenFills };
}

export function copyState(s: AlertState): AlertState {
  const channels: Record<string, LevelChannel> = {};
  for (const [k, c] of Object.entries(s.channels)) channels[k] = { ...c };
  return { condition: s.condition, channels, firedCount: s.firedCount, lastFiredAt: s.lastFiredAt };
}

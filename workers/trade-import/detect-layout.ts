import type { ImportProblem, LayoutId } from './types.js';

/**
 * Which export a trades CSV is, from its header row. Column names are matched by their text in any case,
 * with spaces, hyphens and underscores alike (`Fee Coin`, `fee_coin`), in any order; columns a layout
 * does not read are ignored.
 */

export interface LayoutColumn {
  /** The field's name in the code (`fee_asset`, `executed`). */
  field: string;
  /** The header text the export writes, for messages and the file's template. */
  header: string;
  required: boolean;
}

export interface Layout {
  id: LayoutId;
  title: string;
  columns: readonly LayoutColumn[];
}

const req = (field: string, header = field): LayoutColumn => ({ field, header, required: true });
const opt = (field: string, header = field): LayoutColumn => ({ field, header, required: false });

export const LAYOUTS: readonly Layout[] = [
  {
    id: 'generic',
    title: 'Generic trades CSV',
    columns: [
      req('date'),
      req('symbol'),
      req('side'),
      req('amount'),
      req('price'),
      req('fee'),
      req('fee_asset'),
      opt('id'),
      opt('account'),
      opt('quote'),
    ],
  },
  {
    id: 'binance',
    title: 'Binance spot trade history',
    columns: [
      req('date', 'Date(UTC)'),
      req('pair', 'Pair'),
      req('side', 'Side'),
      req('price', 'Price'),
      req('executed', 'Executed'),
      req('amount', 'Amount'),
      req('fee', 'Fee'),
    ],
  },
  {
    id: 'binance-market',
    title: 'Binance spot trade history (Market, Fee Coin)',
    columns: [
      req('date', 'Date(UTC)'),
      req('market', 'Market'),
      req('type', 'Type'),
      req('price', 'Price'),
      req('amount', 'Amount'),
      req('total', 'Total'),
      req('fee', 'Fee'),
      req('fee_coin', 'Fee Coin'),
    ],
  },
  {
    id: 'kraken',
    title: 'Kraken trades export',
    columns: [
      req('txid'),
      req('ordertxid'),
      req('pair'),
      req('time'),
      req('type'),
      opt('ordertype'),
      req('price'),
      req('cost'),
      req('fee'),
      req('vol'),
      opt('margin'),
      opt('misc'),
      opt('ledgers'),
    ],
  },
];

export function layoutById(id: LayoutId): Layout {
  const layout = LAYOUTS.find((l) => l.id === id);
  if (layout === undefined) throw new Error(`unknown layout ${String(id)}`);
  return layout;
}

/** A header cell as a key: lower case, spaces, hyphens and underscores as one underscore. */
export function headerKey(text: string): string {
  return text
    .trim()
    .toLowerCase()
    .replace(/[\s_-]+/g, '_');
}

/**
 * Binance names its time column after the zone the times are in: `Date(UTC)`, or `Date(UTC+8)` when the
 * user picked another zone for the export. The offset in minutes, or null when the cell is not that column.
 */
export function binanceDateOffset(text: string): number | null {
  const m = /^date\(utc(?:([+-])(\d{1,2})(?::?(\d{2}))?)?\)$/.exec(text.replace(/\s+/g, '').toLowerCase());
  if (m === null) return null;
  const [, sign, hours, minutes] = m;
  if (sign === undefined) return 0;
  const total = Number(hours) * 60 + Number(minutes ?? '0');
  if (total > 14 * 60) return null;
  return sign === '-' ? -total : total;
}

function keyOf(layout: Layout, column: LayoutColumn): string {
  return layout.id.startsWith('binance') && column.field === 'date' ? 'date(utc)' : headerKey(column.header);
}

export interface DetectedLayout {
  ok: true;
  layout: Layout;
  /** The header index of each field the layout reads (absent optional fields are missing). */
  index: Readonly<Record<string, number>>;
  /** The header text of each field, as the file writes it, for messages. */
  names: Readonly<Record<string, string>>;
  /** Offset from UTC of the file's times without a zone, in minutes (Binance's `Date(UTC+8)`). */
  utcOffsetMinutes: number;
}

export type DetectResult =
  DetectedLayout | { ok: false; problems: ImportProblem[]; closest: LayoutId | null };

/** Where each of a layout's columns is in the header, with the Binance date column found by its zone. */
function locate(layout: Layout, keys: readonly string[], header: readonly string[]) {
  const index: Record<string, number> = {};
  const names: Record<string, string> = {};
  let utcOffsetMinutes = 0;
  for (const column of layout.columns) {
    const want = keyOf(layout, column);
    const at =
      want === 'date(utc)' ? header.findIndex((h) => binanceDateOffset(h) !== null) : keys.indexOf(want);
    if (at === -1) continue;
    index[column.field] = at;
    names[column.field] = (header[at] as string).trim();
    if (want === 'date(utc)') utcOffsetMinutes = binanceDateOffset(header[at] as string) ?? 0;
  }
  const missing = layout.columns.filter((c) => c.required && index[c.field] === undefined);
  return { index, names, utcOffsetMinutes, missing };
}

function describe(layout: Layout): string {
  const required = layout.columns.filter((c) => c.required).map((c) => c.header);
  const optional = layout.columns.filter((c) => !c.required).map((c) => c.header);
  return `${layout.id} (${layout.title}): ${required.join(',')}${optional.length > 0 ? ` (optional ${optional.join(',')})` : ''}`;
}

/** The layouts known and their columns, for the message about an unknown header. */
export function describeLayouts(): string {
  return LAYOUTS.map(describe).join('; ');
}

/** Columns the layout reads that the header has twice: which one is meant cannot be guessed. */
function repeated(layout: Layout, keys: readonly string[], header: readonly string[], line: number) {
  const problems: ImportProblem[] = [];
  for (const column of layout.columns) {
    const want = keyOf(layout, column);
    const hits = keys.filter((k, i) =>
      want === 'date(utc)' ? binanceDateOffset(header[i] as string) !== null : k === want,
    );
    if (hits.length > 1)
      problems.push({
        line,
        column: column.header,
        message: `column ${column.header} appears ${hits.length} times: keep one`,
      });
  }
  return problems;
}

/**
 * The layout of a header row (`line` is its line in the file): the one asked for, or the one whose
 * required columns are all there. An unknown header gets a problem listing every layout and its
 * columns, and the nearest layout's missing ones.
 */
export function detectLayout(header: readonly string[], line = 1, wanted?: LayoutId): DetectResult {
  const keys = header.map(headerKey);
  const candidates = wanted === undefined ? LAYOUTS : [layoutById(wanted)];
  const located = candidates.map((layout) => ({ layout, ...locate(layout, keys, header) }));
  const found = located.find((l) => l.missing.length === 0);
  if (found !== undefined) {
    const problems = repeated(found.layout, keys, header, line);
    if (problems.length > 0) return { ok: false, problems, closest: found.layout.id };
    return {
      ok: true,
      layout: found.layout,
      index: found.index,
      names: found.names,
      utcOffsetMinutes: found.utcOffsetMinutes,
    };
  }
  const share = (l: (typeof located)[number]) =>
    l.missing.length / l.layout.columns.filter((c) => c.required).length;
  const nearest = [...located].sort((a, b) => share(a) - share(b) || a.missing.length - b.missing.length)[0]!;
  const present = nearest.layout.columns.filter((c) => c.required).length - nearest.missing.length;
  const missing = nearest.missing.map((c) => c.header).join(', ');
  const message =
    wanted !== undefined
      ? `the header is not a ${nearest.layout.title}: missing column${nearest.missing.length > 1 ? 's' : ''} ${missing}`
      : present > 0
        ? `unknown header: closest is ${nearest.layout.title}, which is missing column${nearest.missing.length > 1 ? 's' : ''} ${missing}. Layouts read: ${describeLayouts()}`
        : `unknown header: the first line must name the columns of one of these layouts: ${describeLayouts()}`;
  return {
    ok: false,
    problems: [{ line, column: null, message }],
    closest: present > 0 ? nearest.layout.id : null,
  };
}

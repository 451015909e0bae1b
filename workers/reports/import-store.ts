import { EngineFailure, engineError } from '../shared/errors.js';
import type { LyraDb } from '../store/db.js';
import { layoutById } from '../trade-import/detect-layout.js';
import { parseTradesCsv } from '../trade-import/parse-trades.js';
import type { ImportProblem } from '../trade-import/types.js';
import type { FillRecord } from '../trading/types.js';
import type { TradeImportCommit, TradeImportResult, TradeImportPreview, TradeImportRequest } from './api.js';
import { inOwnFills } from './own-fills.js';
import type { ImportedFillRow, ImportRow } from './rows.js';

/** Trades shown in the preview table: enough to recognise the file. */
export const PREVIEW_ROWS = 20;

/** Trade files larger than this are refused before parsing: a trade history is far smaller. */
export const MAX_IMPORT_CHARS = 50_000_000;

function checkSize(text: string): void {
  if (text.length > MAX_IMPORT_CHARS)
    throw new EngineFailure(
      engineError(
        'file-too-large',
        `The file has ${text.length.toLocaleString('en-US')} characters, more than the ${MAX_IMPORT_CHARS.toLocaleString('en-US')} an import reads: split it by date and import the parts.`,
      ),
    );
}

/** The file's trades an earlier import already stored, each with the import that holds it. */
async function storedIds(db: LyraDb, fills: readonly FillRecord[]): Promise<Map<string, string>> {
  const found = await db.importedFills.bulkGet(fills.map((f) => f.id));
  return new Map(found.filter((f): f is ImportedFillRow => f !== undefined).map((f) => [f.id, f.importId]));
}

function badRows(problems: readonly ImportProblem[]): number {
  return new Set(problems.filter((p) => p.line !== null).map((p) => p.line)).size;
}

/** What an import of `text` would do, with nothing written. */
export async function previewImport(
  db: LyraDb,
  text: string,
  request: TradeImportRequest,
): Promise<TradeImportPreview> {
  checkSize(text);
  const parsed = parseTradesCsv(text, { accountId: request.account, layout: request.layout ?? undefined });
  if (!parsed.ok)
    return {
      layout: parsed.layout,
      layoutTitle: parsed.layout === null ? null : layoutById(parsed.layout).title,
      problems: parsed.problems,
      badRows: badRows(parsed.problems),
      trades: 0,
      toAdd: 0,
      duplicates: 0,
      inOwnFills: 0,
      skipped: [],
      repeatedRows: 0,
      firstTime: null,
      lastTime: null,
      symbols: [],
      accounts: [],
      sample: [],
      conventions: [],
    };
  const existing = await storedIds(db, parsed.trades);
  const own = await inOwnFills(
    db,
    parsed.trades.filter((f) => !existing.has(f.id)),
  );
  const p = parsed.preview;
  return {
    layout: parsed.layout,
    layoutTitle: p.layoutTitle,
    problems: [],
    badRows: 0,
    trades: p.trades,
    toAdd: p.trades - existing.size - own.size,
    duplicates: existing.size,
    inOwnFills: own.size,
    skipped: parsed.skipped,
    repeatedRows: p.repeatedRows,
    firstTime: p.firstTime,
    lastTime: p.lastTime,
    symbols: p.symbols,
    accounts: p.accounts,
    sample: parsed.trades.slice(0, PREVIEW_ROWS).map((f, k) => ({
      line: parsed.lines[k] ?? 0,
      time: f.time,
      accountId: f.accountId,
      symbol: f.symbol,
      side: f.side,
      amount: f.amount,
      price: f.price,
      fee: f.fee,
      feeAsset: f.feeAsset,
      duplicate: existing.has(f.id),
      inOwnFills: own.has(f.id),
    })),
    conventions: p.conventions,
  };
}

function problemText(p: ImportProblem): string {
  const at = [p.line === null ? null : `line ${p.line}`, p.column === null ? null : `column ${p.column}`]
    .filter((x) => x !== null)
    .join(', ');
  return at === '' ? p.message : `${at}: ${p.message}`;
}

/**
 * Writes the file's trades that are not stored yet and one import row, in one transaction: a file with a
 * bad row writes nothing, and the same file imported again adds nothing (its trades' ids are stable).
 * Trades Lyra already holds as a live account's own fills are skipped, so no trade counts twice.
 */
export async function commitImport(
  db: LyraDb,
  text: string,
  request: TradeImportCommit,
  now: () => number = Date.now,
  newId: () => string = () => crypto.randomUUID(),
): Promise<TradeImportResult> {
  checkSize(text);
  const parsed = parseTradesCsv(text, { accountId: request.account, layout: request.layout ?? undefined });
  if (!parsed.ok) {
    const first = parsed.problems[0];
    throw new EngineFailure(
      engineError(
        'bad-import',
        `Nothing was imported: ${parsed.problems.length === 1 ? 'the file has a problem' : `the file has ${parsed.problems.length} problems`}${first ? `, the first at ${problemText(first)}` : ''}. Fix the file and import it again.`,
        false,
        { problems: parsed.problems.length },
      ),
    );
  }
  return db.transaction('rw', [db.imports, db.importedFills, db.fills, db.accounts], async () => {
    // Read inside the transaction: an import in another tab between preview and commit is seen here.
    const existing = await storedIds(db, parsed.trades);
    const notImported = parsed.trades.filter((f) => !existing.has(f.id));
    const own = await inOwnFills(db, notImported);
    const fresh = notImported.filter((f) => !own.has(f.id));
    if (fresh.length === 0)
      return { import: null, added: 0, alreadyImported: existing.size, inOwnFills: own.size };
    const id = newId();
    let firstTime = Infinity;
    let lastTime = -Infinity;
    for (const f of fresh) {
      firstTime = Math.min(firstTime, f.time);
      lastTime = Math.max(lastTime, f.time);
    }
    const row: ImportRow = {
      id,
      fileName: request.fileName.trim() || 'pasted text',
      accountId: request.account.trim(),
      accounts: [...new Set(fresh.map((f) => f.accountId))].sort(),
      layout: parsed.layout,
      rows: fresh.length,
      alreadyImported: existing.size,
      overlaps: [...new Set(existing.values())].sort(),
      inOwnFills: own.size,
      firstTime,
      lastTime,
      symbols: [...new Set(fresh.map((f) => f.symbol))].sort(),
      createdAt: now(),
    };
    await db.imports.add(row);
    await db.importedFills.bulkAdd(fresh.map((f) => ({ ...f, importId: id })));
    return { import: row, added: fresh.length, alreadyImported: existing.size, inOwnFills: own.size };
  });
}

/** Imports, newest first. */
export async function listImports(db: LyraDb): Promise<ImportRow[]> {
  const rows = await db.imports.orderBy('createdAt').reverse().toArray();
  return rows;
}

/** Removes an import and the fills it added, together. */
export async function removeImport(db: LyraDb, id: string): Promise<void> {
  await db.transaction('rw', db.imports, db.importedFills, async () => {
    const row = await db.imports.get(id);
    if (row === undefined)
      throw new EngineFailure(
        engineError(
          'not-found',
          'That import is not stored any more (removed in another tab?). Refresh the list.',
        ),
      );
    await db.importedFills.where('importId').equals(id).delete();
    await db.imports.delete(id);
  });
}

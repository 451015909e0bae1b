import { expect, type Locator, type Page } from '@playwright/test';

/** Text like "1,234.56", "−12.5%", "0.85" as a number (the UI's minus sign included). */
function parseShown(text: string): number {
  return Number(text.replace(/−/g, '-').replace(/[^0-9.+-]/g, ''));
}

export type AnalysisTab = 'sweep' | 'walk-forward' | 'monte-carlo' | 'lookahead';

/** One sweep axis as the user types it; `param` is the param's name or its label ("fast" or "Fast period"). */
export interface AxisInput {
  param: string;
  from: number | string;
  to: number | string;
  step: number | string;
}

export interface SweepInput {
  /** Replaces the prefilled axes; omit to keep them. */
  axes?: AxisInput[];
  /** Option label: 'Sharpe', 'Total return', 'CAGR', 'Calmar', 'Sortino'. */
  objective?: string;
  workers?: number;
  /** Wait for the results (default) or return as soon as it started (to watch progress or cancel). */
  wait?: boolean;
}

const TAB_TESTID: Record<AnalysisTab, string> = {
  sweep: 'sweep-tab',
  'walk-forward': 'wf-tab',
  'monte-carlo': 'mc-tab',
  lookahead: 'lookahead-tab',
};

const PROGRESS_TESTID: Record<AnalysisTab, string> = {
  sweep: 'sweep',
  'walk-forward': 'wf',
  'monte-carlo': 'mc',
  lookahead: 'lookahead',
};

/**
 * The Robustness panel under a backtest (src/lib/components/research/analysis/AnalysisPanel.svelte):
 * sweeps, walk-forward, Monte Carlo and the lookahead check, as a user drives them.
 */
export class AnalysisPage {
  readonly panel: Locator;

  constructor(readonly page: Page) {
    this.panel = page.getByTestId('analysis-panel');
  }

  /** The panel before any backtest ran. */
  async expectEmpty(): Promise<void> {
    await expect(this.panel.getByTestId('analysis-empty')).toContainText('Run a backtest first');
  }

  async openTab(tab: AnalysisTab): Promise<void> {
    const t = this.panel.getByTestId(`analysis-tab-${tab}`);
    await t.scrollIntoViewIfNeeded();
    await t.click();
    await expect(t).toHaveAttribute('aria-selected', 'true');
  }

  /** The content of one tab (present while the panel has a backtest; visible when that tab is open). */
  tabPanel(tab: AnalysisTab): Locator {
    return this.panel.getByTestId(TAB_TESTID[tab]);
  }

  /** Sets the axes of the sweep (or walk-forward) grid: adds or removes rows, then fills each. */
  async setAxes(axes: AxisInput[], tab: 'sweep' | 'walk-forward' = 'sweep'): Promise<void> {
    const editor = this.tabPanel(tab).getByTestId(tab === 'sweep' ? 'axes' : 'wf-axes');
    const rows = editor.getByTestId('axis');
    while ((await rows.count()) > axes.length)
      await rows
        .last()
        .getByRole('button', { name: /Remove axis/ })
        .click();
    while ((await rows.count()) < axes.length) await editor.getByTestId('add-axis').click();
    for (const [i, a] of axes.entries()) {
      const row = rows.nth(i);
      await row.getByLabel(`Axis ${i + 1}`, { exact: true }).selectOption(a.param);
      await row.getByLabel('From', { exact: true }).fill(String(a.from));
      await row.getByLabel('To', { exact: true }).fill(String(a.to));
      await row.getByLabel('Step', { exact: true }).fill(String(a.step));
    }
  }

  /** The live combination count under the axes ("6 × 9 = 54 backtests" -> 54). */
  async combinations(tab: 'sweep' | 'walk-forward' = 'sweep'): Promise<number> {
    const text = await this.tabPanel(tab).getByTestId('combinations').innerText();
    const m = /([\d,]+) backtests/.exec(text);
    if (!m) throw new Error(`No combination count shown, the editor says: "${text}"`);
    return Number((m[1] as string).replace(/,/g, ''));
  }

  /**
   * Records every progress text the tab shows from now on, however briefly (a fast job may show its bar
   * for less than one of Playwright's polls).
   */
  private async recordProgress(tab: AnalysisTab): Promise<void> {
    await this.page.evaluate((id) => {
      const w = window as unknown as {
        __lyraProgress?: Record<string, { seen: string[]; stop: () => void }>;
      };
      w.__lyraProgress ??= {};
      w.__lyraProgress[id]?.stop();
      const seen: string[] = [];
      const look = () => {
        const el = document.querySelector(`[data-testid="${id}-progress"] [data-testid="progress-text"]`);
        const text = el?.textContent?.trim();
        if (text && seen[seen.length - 1] !== text) seen.push(text);
      };
      const mo = new MutationObserver(look);
      mo.observe(document.body, { subtree: true, childList: true, characterData: true });
      w.__lyraProgress[id] = { seen, stop: () => mo.disconnect() };
    }, PROGRESS_TESTID[tab]);
  }

  /** Progress texts seen since the tab's job started ("Sweeping: 312 of 600 backtests", ...). */
  async progressSeen(tab: AnalysisTab = 'sweep'): Promise<string[]> {
    return this.page.evaluate(
      (id) =>
        (window as unknown as { __lyraProgress?: Record<string, { seen: string[] }> }).__lyraProgress?.[id]
          ?.seen ?? [],
      PROGRESS_TESTID[tab],
    );
  }

  /**
   * The job showed a counted progress bar ("N of M backtests", or "runs" for Monte Carlo) at some point. Give the
   * sweep enough combinations (a few hundred) that it lasts longer than the first progress report.
   */
  async expectProgressShown(tab: AnalysisTab = 'sweep'): Promise<void> {
    const unit = tab === 'monte-carlo' ? 'runs' : 'backtests';
    const pattern = new RegExp(`[\\d,]+ of [\\d,]+ ${unit}`);
    await expect
      .poll(async () => (await this.progressSeen(tab)).some((t) => pattern.test(t)), {
        message: `a "N of M ${unit}" progress text on the ${tab} tab`,
      })
      .toBe(true);
  }

  /** Cancels the tab's running job and waits until it says so. */
  async cancel(tab: AnalysisTab = 'sweep'): Promise<void> {
    const id = PROGRESS_TESTID[tab];
    await this.panel.getByTestId(`${id}-cancel`).click();
    await expect(this.panel.getByTestId(`${id}-cancelled`)).toBeVisible();
  }

  /** The error shown in place on a tab, e.g. a sweep too large to start. */
  errorOf(tab: AnalysisTab): Locator {
    return this.panel.getByTestId(`${PROGRESS_TESTID[tab]}-error`);
  }

  async runSweep(input: SweepInput = {}): Promise<void> {
    await this.openTab('sweep');
    const tab = this.tabPanel('sweep');
    if (input.axes) await this.setAxes(input.axes, 'sweep');
    if (input.objective) await tab.getByTestId('objective').selectOption({ label: input.objective });
    if (input.workers !== undefined) await tab.getByTestId('sweep-workers').fill(String(input.workers));
    await this.recordProgress('sweep');
    await tab.getByTestId('run-sweep').click();
    if (input.wait === false) return;
    await this.waitForSweep();
  }

  /** Waits until the running sweep is done and its results are drawn (or it failed, which throws). */
  async waitForSweep(timeout = 60_000): Promise<void> {
    const tab = this.tabPanel('sweep');
    await expect(tab.getByTestId('sweep-progress')).toBeHidden({ timeout });
    await expect(this.errorOf('sweep')).toBeHidden();
    await expect(tab.getByTestId('sweep-results')).toBeVisible();
  }

  /** The heat map (a canvas): its rows, columns, and cells with a score (skipped or failed runs have none). */
  async heatMapSize(): Promise<{ rows: number; cols: number; filled: number }> {
    const map = this.tabPanel('sweep').getByTestId('heatmap');
    await expect(map).toBeVisible();
    const n = async (name: string) => Number(await map.getAttribute(name));
    return { rows: await n('data-rows'), cols: await n('data-cols'), filled: await n('data-filled') };
  }

  /** Cells of the heat map that have a score. */
  async heatMapCells(): Promise<number> {
    return (await this.heatMapSize()).filled;
  }

  /** The heat map's active cell (moved by hover, tap and the arrow keys). */
  async heatMapActive(): Promise<{ row: number; col: number } | null> {
    const cursor = this.tabPanel('sweep').getByTestId('heat-cursor');
    if ((await cursor.count()) === 0) return null;
    return {
      row: Number(await cursor.getAttribute('data-row')),
      col: Number(await cursor.getAttribute('data-col')),
    };
  }

  /** What the heat map says about its active cell (params and score). */
  heatMapReadout(): Locator {
    return this.tabPanel('sweep').getByTestId('heat-readout');
  }

  /** Points at a heat map cell like the user would: a tap on a touch screen, else the mouse over it. */
  async pointAtHeatMapCell(row: number, col: number): Promise<void> {
    const drawing = this.tabPanel('sweep').getByTestId('heatmap').locator('.drawing');
    const n = async (name: string) => Number(await drawing.getAttribute(name));
    const position = {
      x: (await n('data-x0')) + (col + 0.5) * (await n('data-cell-width')),
      y: (await n('data-y0')) + (row + 0.5) * (await n('data-cell-height')),
    };
    await drawing.scrollIntoViewIfNeeded();
    const touch = await this.page.evaluate(() => navigator.maxTouchPoints > 0);
    if (touch) await drawing.tap({ position });
    else await drawing.hover({ position });
    await expect.poll(() => this.heatMapActive()).toEqual({ row, col });
  }

  /** Focuses the heat map and moves its active cell with the keyboard. */
  async moveInHeatMap(...keys: string[]): Promise<void> {
    await this.tabPanel('sweep')
      .getByRole('group', { name: /Arrow keys move between cells/ })
      .focus();
    for (const k of keys) await this.page.keyboard.press(k);
  }

  /** The best score as shown (a ratio, or a percentage's number: "12.34%" -> 12.34). */
  async bestScore(): Promise<number> {
    return parseShown(await this.tabPanel('sweep').getByTestId('best-score').locator('.v').innerText());
  }

  /** The best params as the card says them: "Fast period 10, Slow period 50". */
  async bestParamsText(): Promise<string> {
    return (await this.tabPanel('sweep').getByTestId('best-score').locator('.sub').innerText()).trim();
  }

  /** The deflated Sharpe probability in percent, or null when it is n/a. */
  async deflatedSharpe(): Promise<number | null> {
    const text = await this.tabPanel('sweep').getByTestId('deflated-sharpe').locator('.v').innerText();
    return text.trim() === 'n/a' ? null : parseShown(text);
  }

  /** Rows of the sweep's table (each has `data-score`). */
  sweepRows(): Locator {
    return this.tabPanel('sweep').getByTestId('sweep-row');
  }

  /** Clicks a column header of the sweep table ("Total return", "Holm", a param label...). */
  async sortSweepBy(column: string): Promise<void> {
    await this.tabPanel('sweep')
      .getByTestId('sweep-table')
      .getByRole('button', { name: column, exact: true })
      .click();
  }

  /** "Use these params" on the best combination (the page adopts them in its strategy form). */
  async useBest(): Promise<void> {
    await this.tabPanel('sweep').getByTestId('use-best').click();
  }

  async runWalkForward(
    input: {
      mode?: 'Rolling' | 'Anchored';
      inSample?: number;
      outOfSample?: number;
      axes?: AxisInput[];
      objective?: string;
      wait?: boolean;
    } = {},
  ): Promise<void> {
    await this.openTab('walk-forward');
    const tab = this.tabPanel('walk-forward');
    if (input.mode) await tab.getByRole('radio', { name: input.mode }).check();
    if (input.inSample !== undefined) await tab.getByTestId('wf-in-sample').fill(String(input.inSample));
    if (input.outOfSample !== undefined)
      await tab.getByTestId('wf-out-of-sample').fill(String(input.outOfSample));
    if (input.axes) await this.setAxes(input.axes, 'walk-forward');
    if (input.objective) await tab.getByTestId('objective').selectOption({ label: input.objective });
    await this.recordProgress('walk-forward');
    await tab.getByTestId('run-walk-forward').click();
    if (input.wait === false) return;
    await expect(tab.getByTestId('wf-progress')).toBeHidden({ timeout: 60_000 });
    await expect(this.errorOf('walk-forward')).toBeHidden();
    await expect(tab.getByTestId('wf-results')).toBeVisible();
  }

  walkForwardWindows(): Locator {
    return this.tabPanel('walk-forward').getByTestId('wf-window');
  }

  /** The stitched out-of-sample total return in percent. */
  async walkForwardReturn(): Promise<number> {
    return parseShown(
      await this.tabPanel('walk-forward').getByTestId('wf-total-return').locator('.v').innerText(),
    );
  }

  async runMonteCarlo(
    input: { runs?: number; method?: 'Trade returns' | 'Bar returns'; seed?: number; wait?: boolean } = {},
  ): Promise<void> {
    await this.openTab('monte-carlo');
    const tab = this.tabPanel('monte-carlo');
    if (input.method) await tab.getByRole('radio', { name: input.method }).check();
    if (input.runs !== undefined) await tab.getByTestId('mc-runs').fill(String(input.runs));
    if (input.seed !== undefined) await tab.getByTestId('mc-seed').fill(String(input.seed));
    await this.recordProgress('monte-carlo');
    await tab.getByTestId('run-monte-carlo').click();
    if (input.wait === false) return;
    await expect(tab.getByTestId('mc-progress')).toBeHidden({ timeout: 60_000 });
    await expect(this.errorOf('monte-carlo')).toBeHidden();
    await expect(tab.getByTestId('mc-results')).toBeVisible();
  }

  /** The fan chart's canvas (uPlot draws into it). */
  fanChart(): Locator {
    return this.tabPanel('monte-carlo').getByTestId('mc-fan').locator('canvas').first();
  }

  /** The chance of ending below the starting capital, in percent. */
  async lossProbability(): Promise<number> {
    return parseShown(await this.tabPanel('monte-carlo').getByTestId('mc-loss').locator('.v').innerText());
  }

  /** Percentile table rows: level ('p5'...'p95') to the final equity shown. */
  async finalEquityPercentiles(): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    for (const row of await this.tabPanel('monte-carlo')
      .getByTestId('mc-percentiles')
      .locator('tbody tr')
      .all())
      out[(await row.getAttribute('data-level')) as string] = parseShown(
        await row.locator('td').first().innerText(),
      );
    return out;
  }

  async runLookahead(): Promise<void> {
    await this.openTab('lookahead');
    const tab = this.tabPanel('lookahead');
    await this.recordProgress('lookahead');
    await tab.getByTestId('run-lookahead').click();
    await expect(tab.getByTestId('lookahead-progress')).toBeHidden({ timeout: 60_000 });
    await expect(this.errorOf('lookahead')).toBeHidden();
    await expect(tab.getByTestId('lookahead-ok').or(tab.getByTestId('lookahead-found'))).toBeVisible();
  }

  /** "No lookahead found in N checks": returns N. */
  async expectNoLookahead(): Promise<number> {
    const ok = this.tabPanel('lookahead').getByTestId('lookahead-ok');
    await expect(ok).toBeVisible();
    return parseShown(/in ([\d,]+) check/.exec(await ok.innerText())?.[1] ?? 'NaN');
  }
}

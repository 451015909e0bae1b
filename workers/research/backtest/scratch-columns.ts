/**
 * Float64 columns that live only while something runs, handed back afterwards for the next run in the
 * same thread. A sweep runs a strategy hundreds of times over the same bars; a fresh 16 MB column per
 * indicator per run (2 M bars) costs a page fault on every 4 KB of it the first time it is written,
 * which took longer than computing the indicator. Columns given back are kept up to a total size, the
 * newest first; a take finds one at least as long and hands out a view of the length asked for, so a
 * shorter window reuses a longer column.
 *
 * Only for columns that stay inside a run: nothing taken from here may reach a caller.
 */
export class ScratchColumns {
  private spares: Float64Array[] = [];

  constructor(private readonly maxBytes: number) {}

  /** A column of exactly `length` numbers, its values left from earlier use: write before reading. */
  take(length: number): Float64Array {
    let best = -1;
    for (let k = 0; k < this.spares.length; k++) {
      const n = (this.spares[k] as Float64Array).length;
      if (n >= length && (best < 0 || n < (this.spares[best] as Float64Array).length)) best = k;
    }
    if (best < 0) return new Float64Array(length);
    const [whole] = this.spares.splice(best, 1) as [Float64Array];
    return whole.length === length ? whole : whole.subarray(0, length);
  }

  /** Gives back a column from `take`: the caller must not use it afterwards. */
  give(column: Float64Array): void {
    const whole = new Float64Array(column.buffer);
    if (whole.byteLength > this.maxBytes || this.spares.some((s) => s.buffer === whole.buffer)) return;
    this.spares.unshift(whole);
    let bytes = 0;
    for (let k = 0; k < this.spares.length; k++) {
      bytes += (this.spares[k] as Float64Array).byteLength;
      if (bytes > this.maxBytes) {
        this.spares.length = k;
        break;
      }
    }
  }

  /** Bytes held for later runs. */
  get heldBytes(): number {
    return this.spares.reduce((sum, s) => sum + s.byteLength, 0);
  }
}

/**
 * The columns of this thread's runs. 64 MB: four columns of 2 M bars, held by a research worker between
 * runs.
 */
export const scratchColumns = new ScratchColumns(64 * 1024 * 1024);

/**
 * Input a backtest cannot run with (a config value, a strategy param, a rule). `field` names the input
 * as the form knows it (`config.fee`, `params.fast`, `rules.entry.items[0].left`) so the screen can put
 * the message next to it; the message says what was wrong and how to fix it.
 */
export class ResearchInputError extends Error {
  override readonly name = 'ResearchInputError';
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/** A long run stopped because its caller asked (`shouldStop` returned true). */
export class CancelledError extends Error {
  override readonly name = 'CancelledError';
  constructor(message = 'the run was cancelled') {
    super(message);
  }
}

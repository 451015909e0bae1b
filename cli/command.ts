import type { Io } from './io.js';

/** One `lyra <name>` subcommand. Later ones (backtest, tax) plug in the same way. */
export interface Command {
  name: string;
  /** One line for `lyra --help`. */
  summary: string;
  /** Full text for `lyra <name> --help`. */
  help: string;
  /** Returns the exit code; throws UsageError for bad input. */
  run(argv: string[], io: Io): Promise<number>;
}

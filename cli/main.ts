import type { Command } from './command.js';
import { backtestCommand } from './commands/backtest.js';
import { riskCommand } from './commands/risk.js';
import { taxCommand } from './commands/tax.js';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, processIo, UsageError, type Io } from './io.js';

const commands: Command[] = [riskCommand, backtestCommand, taxCommand];

function overview(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return (
    'Usage: lyra <command> [options]\n\n' +
    "Lyra's engine from the command line, offline, on your own files.\n\nCommands:\n" +
    commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n') +
    '\n\nRun lyra <command> --help for its options.\n'
  );
}

/** Runs `lyra <argv>` and returns the exit code. Never throws: failures become a message on stderr. */
export async function main(argv: string[], io: Io = processIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    if (name === undefined) {
      io.err(overview());
      return EXIT_USAGE;
    }
    const topic = name === 'help' ? commands.find((c) => c.name === rest[0]) : undefined;
    io.out(topic ? topic.help : overview());
    return EXIT_OK;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    io.err(`lyra: unknown command "${name}"\n\n${overview()}`);
    return EXIT_USAGE;
  }
  try {
    return await command.run(rest, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`lyra ${command.name}: ${e.message}\n`);
      return EXIT_USAGE;
    }
    // A bug, not bad input: one line by default, the stack only when asked for.
    const message = e instanceof Error ? e.message : String(e);
    io.err(`lyra ${command.name}: internal error: ${message}\n`);
    if (process.env.LYRA_DEBUG && e instanceof Error && e.stack) io.err(`${e.stack}\n`);
    return EXIT_FAILURE;
  }
}

import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './io.js';

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

/**
 * Parses a subcommand's flags strictly: an unknown flag, a missing value or a stray positional argument
 * is a UsageError naming it, rather than being ignored.
 */
export function parseFlags<T extends OptionSpec>(
  argv: string[],
  options: T,
  command: string,
): ReturnType<typeof parseArgs<{ options: T; strict: true; allowPositionals: false }>>['values'] {
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals: false }).values;
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    // node's messages are good but mention internals ("To specify a positional argument..."): keep the
    // first sentence and point to the help.
    const first = message.split(/\.\s/)[0]?.replace(/\.$/, '') ?? message;
    throw new UsageError(`${first}. See: lyra ${command} --help`);
  }
}

/** A number flag: finite, and within [min, max] when given. */
export function numberFlag(
  name: string,
  raw: string | undefined,
  fallback: number,
  range: {
    min?: number;
    max?: number;
    integer?: boolean;
    exclusiveMin?: boolean;
    exclusiveMax?: boolean;
  } = {},
): number {
  if (raw === undefined) return fallback;
  const v = raw.trim() === '' ? NaN : Number(raw);
  const bad = (why: string) => new UsageError(`--${name} ${why}, got "${raw}"`);
  if (!Number.isFinite(v)) throw bad('must be a number');
  if (range.integer && !Number.isInteger(v)) throw bad('must be a whole number');
  if (range.min !== undefined && (range.exclusiveMin ? v <= range.min : v < range.min))
    throw bad(`must be ${range.exclusiveMin ? 'greater than' : 'at least'} ${range.min}`);
  if (range.max !== undefined && (range.exclusiveMax ? v >= range.max : v > range.max))
    throw bad(`must be ${range.exclusiveMax ? 'less than' : 'at most'} ${range.max}`);
  return v;
}

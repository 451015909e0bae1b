import { pino, type Logger } from 'pino';

// One JSON line per event. Request logs carry method, path and status only: never headers, bodies or
// query strings, which is where credentials travel.
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { app: 'lyra' },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: ['*.headers', '*.authorization', '*.secret', '*.apiKey', '*.password'], remove: true },
  });
}

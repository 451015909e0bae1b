import { pino, type DestinationStream, type Logger } from 'pino';

// One JSON line per event. Request logs carry method, path and status only: never headers, bodies or
// query strings, which is where credentials travel.
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { app: 'lyra' },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: ['*.headers', '*.authorization', '*.secret', '*.apiKey', '*.password'], remove: true },
    },
    // Tests pass a memory stream to read every line back; the server writes to stdout.
    destination ?? pino.destination(1),
  );
}

import { type DestinationStream, type Logger, pino } from 'pino';
import type { LogLevel } from './settings.ts';

export type { Logger };

// A write to stdout per line was the largest cost of a request. Lines now collect in a
// buffer and go out together: as soon as BATCH_BYTES are waiting, and at the latest
// FLUSH_MS after they were logged when traffic is light.
const BATCH_BYTES = 4096;
const FLUSH_MS = 100;

let stdout: ReturnType<typeof pino.destination> | undefined;

/**
 * The buffered stdout destination, one per process so that lines from every logger keep
 * their order. Its writes stay synchronous (`sync: true`): no write is ever in flight in
 * the background, so the flush at exit writes every line that is left, in order, even on
 * process.exit() or a crash. A SIGKILL loses at most FLUSH_MS of lines.
 */
export function stdoutDestination(): ReturnType<typeof pino.destination> {
  if (!stdout) {
    const destination = pino.destination({
      dest: 1,
      sync: true,
      minLength: BATCH_BYTES,
      periodicFlush: FLUSH_MS,
    });
    // Timers no longer run once the process exits: write what is left now.
    process.once('exit', () => destination.flushSync());
    stdout = destination;
  }
  return stdout;
}

/**
 * Creates the JSON logger: one object per line on stdout, level names as text,
 * ISO timestamps. Pass a destination stream to capture lines in tests.
 */
export function createLogger({
  level = 'info',
  destination = stdoutDestination(),
}: {
  level?: LogLevel;
  destination?: DestinationStream;
} = {}): Logger {
  return pino(
    {
      level,
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: {
        level: (label) => ({ level: label }),
      },
    },
    destination,
  );
}

/**
 * A crash (an exception nothing caught, a promise rejection nothing handled) becomes one
 * JSON log line at level fatal, then exit 1, instead of a bare stack trace on stderr.
 */
export function exitOnCrash(logger: Logger): void {
  process.on('uncaughtException', (err, origin) => {
    const msg = origin === 'unhandledRejection' ? 'unhandled rejection' : 'uncaught exception';
    logger.fatal({ err }, msg);
    process.exit(1);
  });
}

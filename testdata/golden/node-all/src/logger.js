import pino from 'pino';

/**
 * Creates the JSON logger: one object per line on stdout, level names as text,
 * ISO timestamps. Pass a destination stream to capture lines in tests.
 * Writes are synchronous, so no line is lost or reordered when the process exits.
 */
export function createLogger({
  level = 'info',
  destination = pino.destination({ sync: true }),
} = {}) {
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

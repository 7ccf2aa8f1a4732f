import pino from 'pino';

/**
 * Creates the JSON logger: one object per line on stdout, level names as text,
 * ISO timestamps. Pass a destination stream to capture lines in tests.
 */
export function createLogger({ level = 'info', destination } = {}) {
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

// Settings come from the environment only; a bad value stops the start before anything listens.

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export const DEFAULT_PORT = 3000;

export class SettingsError extends Error {
  constructor(message) {
    super(message);
    this.name = 'SettingsError';
  }
}

function readInteger(env, name, fallback, min, max) {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^[0-9]+$/.test(raw)) {
    throw new SettingsError(
      `${name}=${JSON.stringify(raw)} is not valid: expected an integer from ${min} to ${max}`,
    );
  }
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new SettingsError(
      `${name}=${JSON.stringify(raw)} is out of range: expected an integer from ${min} to ${max}`,
    );
  }
  return value;
}

function readChoice(env, name, fallback, choices) {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = raw.toLowerCase();
  if (!choices.includes(value)) {
    throw new SettingsError(
      `${name}=${JSON.stringify(raw)} is not valid: expected one of ${choices.join(', ')}`,
    );
  }
  return value;
}

/**
 * Reads the settings from an environment object (process.env by default).
 * Unset or empty variables take their defaults; anything else must be valid.
 * @throws {SettingsError} naming the variable and the expected values
 */
export function loadSettings(env = process.env) {
  const host = env.HOST === undefined || env.HOST === '' ? '127.0.0.1' : env.HOST.trim();
  if (host === '' || /\s/.test(host)) {
    throw new SettingsError(
      `HOST=${JSON.stringify(env.HOST)} is not valid: expected a host name or address`,
    );
  }
  return Object.freeze({
    host,
    port: readInteger(env, 'PORT', DEFAULT_PORT, 0, 65535),
    logLevel: readChoice(env, 'LOG_LEVEL', 'info', LOG_LEVELS),
    bodyLimitBytes: readInteger(env, 'BODY_LIMIT_BYTES', 102400, 1, 1024 * 1024 * 1024),
    wsMaxMessageBytes: readInteger(env, 'WS_MAX_MESSAGE_BYTES', 65536, 1, 1024 * 1024 * 1024),
    shutdownTimeoutMs: readInteger(env, 'SHUTDOWN_TIMEOUT_MS', 10000, 0, 24 * 60 * 60 * 1000),
  });
}

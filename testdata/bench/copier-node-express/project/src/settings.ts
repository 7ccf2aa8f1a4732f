// Settings come from the environment (and a .env file for local runs); a bad value stops
// the start before anything listens.
import { readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';
import type { Level } from 'pino';

/** A variable source: process.env, or a plain object in tests. */
export type Env = Readonly<Record<string, string | undefined>>;

export type LogLevel = Level | 'silent';

// The names every stackpick skeleton accepts, case-insensitively, mapped to pino's levels.
const LOG_LEVELS: Readonly<Record<string, LogLevel>> = {
  trace: 'trace',
  debug: 'debug',
  info: 'info',
  warn: 'warn',
  warning: 'warn',
  error: 'error',
  fatal: 'fatal',
  critical: 'fatal',
  silent: 'silent',
};

export const DEFAULT_PORT = 3000;

/** A SQLite file under data/, resolved from the working directory. */
export const DEFAULT_DATABASE_URL = 'sqlite:///data/app.db';

/** Where items live: a SQLite file (a relative path is from the working directory). */
export interface Database {
  readonly engine: 'sqlite';
  readonly path: string;
}

export interface Settings {
  readonly host: string;
  readonly port: number;
  readonly logLevel: LogLevel;
  readonly bodyLimitBytes: number;
  readonly shutdownTimeoutMs: number;
  /** The largest request head (request line and headers) in bytes; over it, 431. */
  readonly maxHeaderBytes: number;
  /** Origins allowed to call the API from a browser; empty: no CORS headers at all. */
  readonly corsOrigins: readonly string[];
  /** DATABASE_URL, parsed. */
  readonly database: Database;
  /** Apply pending migrations before listening (MIGRATE_ON_START). */
  readonly migrateOnStart: boolean;
}

export class SettingsError extends Error {
  override name = 'SettingsError';
}

/** A variable's value, or undefined when it is unset or empty (empty counts as unset). */
function read(env: Env, name: string): string | undefined {
  const raw = env[name];
  return raw === undefined || raw === '' ? undefined : raw;
}

function readInteger(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = read(env, name);
  if (raw === undefined) return fallback;
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

function readLogLevel(env: Env): LogLevel {
  const raw = read(env, 'LOG_LEVEL');
  if (raw === undefined) return 'info';
  const level = Object.hasOwn(LOG_LEVELS, raw.toLowerCase())
    ? LOG_LEVELS[raw.toLowerCase()]
    : undefined;
  if (level === undefined) {
    throw new SettingsError(
      `LOG_LEVEL=${JSON.stringify(raw)} is not valid: expected one of ${Object.keys(LOG_LEVELS).join(', ')}`,
    );
  }
  return level;
}

function readHost(env: Env): string {
  const raw = read(env, 'HOST');
  if (raw === undefined) return '127.0.0.1';
  const host = raw.trim();
  if (host === '' || /\s/.test(host)) {
    throw new SettingsError(
      `HOST=${JSON.stringify(raw)} is not valid: expected a host name or address`,
    );
  }
  return host;
}

const ORIGIN = /^https?:\/\/[^\s/?#]+$/i;

/** A comma-separated list of origins: scheme://host[:port], exactly as browsers send them. */
function readOrigins(env: Env): readonly string[] {
  const raw = read(env, 'CORS_ORIGINS');
  if (raw === undefined) return [];
  const origins = raw
    .split(',')
    .map((origin) => origin.trim())
    .filter((origin) => origin !== '');
  for (const origin of origins) {
    if (!ORIGIN.test(origin)) {
      throw new SettingsError(
        `CORS_ORIGINS=${JSON.stringify(raw)} is not valid: ${JSON.stringify(origin)} is not an origin; expected a comma-separated list such as https://app.example,http://localhost:5173`,
      );
    }
  }
  // Browsers send the scheme and host in lower case.
  return Object.freeze(origins.map((origin) => origin.toLowerCase()));
}

const DATABASE_FORMS = 'sqlite:///relative/path or sqlite:////absolute/path';

/** DATABASE_URL: sqlite:///PATH (from the working directory) or sqlite:////ABSOLUTE/PATH. */
function readDatabase(env: Env): Database {
  const raw = read(env, 'DATABASE_URL') ?? DEFAULT_DATABASE_URL;
  const path = raw.startsWith('sqlite:///') ? raw.slice('sqlite:///'.length) : '';
  const file = path !== '' && path !== '/' && !path.endsWith('/') && !path.startsWith(':memory:');
  if (!file || /[?#\0]/.test(path)) {
    // Never repeats the value, as for PostgreSQL (where it may hold a password).
    throw new SettingsError(
      `DATABASE_URL is not valid: this project keeps items in a SQLite file; expected ${DATABASE_FORMS}`,
    );
  }
  return Object.freeze({ engine: 'sqlite', path });
}

const SWITCH: Readonly<Record<string, boolean>> = {
  '1': true,
  true: true,
  yes: true,
  '0': false,
  false: false,
  no: false,
};

/** MIGRATE_ON_START: 1, true or yes is on; 0, false, no or empty is off; any case. */
function readMigrateOnStart(env: Env): boolean {
  const raw = read(env, 'MIGRATE_ON_START');
  if (raw === undefined) return false;
  const value = Object.hasOwn(SWITCH, raw.toLowerCase()) ? SWITCH[raw.toLowerCase()] : undefined;
  if (value === undefined) {
    throw new SettingsError(
      `MIGRATE_ON_START=${JSON.stringify(raw)} is not valid: expected 1, true or yes (on), or 0, false, no or empty (off)`,
    );
  }
  return value;
}

/**
 * Reads the settings from an environment object (process.env by default).
 * Unset or empty variables take their defaults; anything else must be valid.
 * @throws {SettingsError} naming the variable and the expected values
 */
export function loadSettings(env: Env = process.env): Settings {
  return Object.freeze({
    host: readHost(env),
    port: readInteger(env, 'PORT', DEFAULT_PORT, 0, 65535),
    logLevel: readLogLevel(env),
    bodyLimitBytes: readInteger(env, 'BODY_LIMIT_BYTES', 102400, 1, 1024 * 1024 * 1024),
    shutdownTimeoutMs: readInteger(env, 'SHUTDOWN_TIMEOUT_MS', 10000, 0, 24 * 60 * 60 * 1000),
    maxHeaderBytes: readInteger(env, 'MAX_HEADER_BYTES', 16384, 1024, 1024 * 1024),
    corsOrigins: readOrigins(env),
    database: readDatabase(env),
    migrateOnStart: readMigrateOnStart(env),
  });
}

/**
 * The variables of a .env file (KEY=value lines, # comments), or none when there is no
 * such file. For local runs: `.env` is neither committed nor copied into the image.
 */
export function readEnvFile(path: string): Env {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw err;
  }
  // A plain object on every Node.js version (26 returns one without a prototype).
  return { ...parseEnv(text) };
}

/**
 * The environment over the file: a variable set (and not empty) in the environment wins;
 * otherwise the file's value applies.
 */
export function withEnvFile(env: Env, file: Env): Env {
  const merged: Record<string, string | undefined> = { ...file };
  for (const [name, value] of Object.entries(env)) {
    if (value !== undefined && value !== '') merged[name] = value;
  }
  return merged;
}

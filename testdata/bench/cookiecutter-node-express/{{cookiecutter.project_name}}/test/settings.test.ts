import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  DEFAULT_PORT,
  loadSettings,
  readEnvFile,
  SettingsError,
  withEnvFile,
} from '../src/settings.ts';
import { emptyDir, SERVER, startProcess } from './helpers.ts';

describe('settings', () => {
  it('has the documented defaults', () => {
    assert.deepEqual(loadSettings({}), {
      host: '127.0.0.1',
      port: DEFAULT_PORT,
      logLevel: 'info',
      bodyLimitBytes: 102400,
      shutdownTimeoutMs: 10000,
      maxHeaderBytes: 16384,
      corsOrigins: [],
      database: { engine: 'sqlite', path: 'data/app.db' },
      migrateOnStart: false,
    });
  });

  it('reads every variable', () => {
    const settings = loadSettings({
      HOST: '0.0.0.0',
      PORT: '0',
      LOG_LEVEL: 'debug',
      BODY_LIMIT_BYTES: '10',
      SHUTDOWN_TIMEOUT_MS: '30',
      MAX_HEADER_BYTES: '2048',
      CORS_ORIGINS: 'https://app.example, http://localhost:5173',
      DATABASE_URL: 'sqlite:////var/lib/app/items.db',
      MIGRATE_ON_START: 'TRUE',
    });
    assert.deepEqual(settings, {
      host: '0.0.0.0',
      port: 0,
      logLevel: 'debug',
      bodyLimitBytes: 10,
      shutdownTimeoutMs: 30,
      maxHeaderBytes: 2048,
      corsOrigins: ['https://app.example', 'http://localhost:5173'],
      database: { engine: 'sqlite', path: '/var/lib/app/items.db' },
      migrateOnStart: true,
    });
  });

  it('treats an empty variable as unset', () => {
    const empty = {
      HOST: '',
      PORT: '',
      LOG_LEVEL: '',
      BODY_LIMIT_BYTES: '',
      SHUTDOWN_TIMEOUT_MS: '',
      MAX_HEADER_BYTES: '',
      CORS_ORIGINS: '',
      DATABASE_URL: '',
      MIGRATE_ON_START: '',
    };
    assert.deepEqual(loadSettings(empty), loadSettings({}));
  });

  it('takes the same LOG_LEVEL names as every stackpick skeleton, in any case', () => {
    const levels = {
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
    for (const [name, level] of Object.entries(levels)) {
      assert.equal(loadSettings({ LOG_LEVEL: name }).logLevel, level, name);
      assert.equal(loadSettings({ LOG_LEVEL: name.toUpperCase() }).logLevel, level, name);
    }
    assert.equal(loadSettings({ LOG_LEVEL: 'Warning' }).logLevel, 'warn');
  });

  it('refuses bad values with an error naming the variable', () => {
    for (const env of [
      { PORT: 'abc' },
      { PORT: '65536' },
      { PORT: '-1' },
      { PORT: '80.5' },
      { LOG_LEVEL: 'loud' },
      { LOG_LEVEL: 'constructor' },
      { BODY_LIMIT_BYTES: '0' },
      { SHUTDOWN_TIMEOUT_MS: '-5' },
      { MAX_HEADER_BYTES: '512' },
      { CORS_ORIGINS: '*' },
      { CORS_ORIGINS: 'https://app.example/' },
      { CORS_ORIGINS: 'app.example' },
      { DATABASE_URL: 'mysql://app@db/items' },
      { DATABASE_URL: 'sqlite://data/app.db' },
      { DATABASE_URL: 'sqlite:///' },
      { DATABASE_URL: 'postgresql://' },
      { DATABASE_URL: 'data/app.db' },
      { DATABASE_URL: 'postgresql://postgres:postgres@127.0.0.1:5432/app' },
      { MIGRATE_ON_START: 'maybe' },
      { MIGRATE_ON_START: 'on' },
    ]) {
      const [name] = Object.keys(env);
      assert.throws(
        () => loadSettings(env),
        (err: unknown) => {
          assert.ok(err instanceof SettingsError);
          // DATABASE_URL is named without its value (it may hold a password).
          const prefix = name === 'DATABASE_URL' ? `${name} ` : `${name}=`;
          assert.ok(err.message.startsWith(prefix), err.message);
          return true;
        },
      );
    }
  });
  it('reads MIGRATE_ON_START as on or off, in any case', () => {
    for (const on of ['1', 'true', 'yes', 'Yes', 'TRUE']) {
      assert.equal(loadSettings({ MIGRATE_ON_START: on }).migrateOnStart, true, on);
    }
    for (const off of ['0', 'false', 'no', 'NO', '']) {
      assert.equal(loadSettings({ MIGRATE_ON_START: off }).migrateOnStart, false, off);
    }
  });

  it('names DATABASE_URL and the forms it takes in its error, never its value', () => {
    for (const url of [
      'mysql://app:hunter2@db/items',
      'postgresql://app:hunter2@db.example:5432/items',
      'sqlite:///:memory:',
      'sqlite:///data/',
      'sqlite:///app.db?mode=ro',
    ]) {
      assert.throws(
        () => loadSettings({ DATABASE_URL: url }),
        (err: unknown) => {
          assert.ok(err instanceof SettingsError);
          assert.ok(!err.message.includes('hunter2') && !err.message.includes(url), err.message);
          assert.ok(!err.message.includes('\n'), err.message);
          assert.match(
            err.message,
            /^DATABASE_URL is not valid: .*sqlite:\/\/\/relative\/path or sqlite:\/\/\/\/absolute\/path$/,
          );
          return true;
        },
        url,
      );
    }
  });

  it('stops the start on PORT=abc with one line and a non-zero exit', () => {
    const result = spawnSync(process.execPath, [SERVER], {
      cwd: emptyDir(),
      env: { ...process.env, PORT: 'abc' },
      encoding: 'utf8',
      timeout: 10000,
    });
    assert.notEqual(result.status, 0);
    assert.equal(result.stdout, '');
    const lines = result.stderr.trim().split('\n');
    assert.equal(lines.length, 1, result.stderr);
    assert.match(lines[0] ?? '', /PORT/);
  });
});

describe('.env file', () => {
  it('reads KEY=value lines, comments and quotes; no file means no variables', () => {
    const dir = emptyDir({ '.env': '# local\nPORT=4000\nLOG_LEVEL="debug"\n\nEMPTY=\n' });
    assert.deepEqual(readEnvFile(join(dir, '.env')), {
      PORT: '4000',
      LOG_LEVEL: 'debug',
      EMPTY: '',
    });
    assert.deepEqual(readEnvFile(join(dir, 'missing.env')), {});
  });

  it('gives way to the environment, unless the environment value is empty', () => {
    const file = { PORT: '4000', LOG_LEVEL: 'debug', HOST: '0.0.0.0' };
    const env = { PORT: '5000', LOG_LEVEL: '', OTHER: 'x' };
    assert.deepEqual(withEnvFile(env, file), {
      PORT: '5000',
      LOG_LEVEL: 'debug',
      HOST: '0.0.0.0',
      OTHER: 'x',
    });
  });

  it('is read by the server from its working directory', async () => {
    const dir = emptyDir({ '.env': 'SHUTDOWN_TIMEOUT_MS=1234\nPORT=1\n' });
    // The environment's PORT=0 wins over the file's PORT=1 (a port it could not bind); its
    // empty SHUTDOWN_TIMEOUT_MS counts as unset, so the file's value applies.
    const server = startProcess({ SHUTDOWN_TIMEOUT_MS: '' }, dir);
    await server.waitForPort();
    server.child.kill('SIGTERM');
    const stopping = await server.waitForLine('shutting down');
    assert.equal(stopping.timeout_ms, 1234);
    assert.equal(await server.exited, 0);
  });

  it('stops the start on a bad value in the file, naming it', () => {
    const dir = emptyDir({ '.env': 'LOG_LEVEL=loud\n' });
    const result = spawnSync(process.execPath, [SERVER], {
      cwd: dir,
      env: { ...process.env, PORT: '0', LOG_LEVEL: '' },
      encoding: 'utf8',
      timeout: 10000,
    });
    assert.equal(result.status, 1);
    assert.match(result.stderr, /^error: LOG_LEVEL="loud"/);
  });
});

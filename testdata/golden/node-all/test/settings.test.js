import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { DEFAULT_PORT, loadSettings, SettingsError } from '../src/settings.js';

const SERVER = fileURLToPath(new URL('../src/server.js', import.meta.url));

describe('settings', () => {
  it('has the documented defaults', () => {
    assert.deepEqual(loadSettings({}), {
      host: '127.0.0.1',
      port: DEFAULT_PORT,
      logLevel: 'info',
      bodyLimitBytes: 102400,
      wsMaxMessageBytes: 65536,
      shutdownTimeoutMs: 10000,
    });
  });

  it('reads every variable', () => {
    const settings = loadSettings({
      HOST: '0.0.0.0',
      PORT: '0',
      LOG_LEVEL: 'debug',
      BODY_LIMIT_BYTES: '10',
      WS_MAX_MESSAGE_BYTES: '20',
      SHUTDOWN_TIMEOUT_MS: '30',
    });
    assert.deepEqual(settings, {
      host: '0.0.0.0',
      port: 0,
      logLevel: 'debug',
      bodyLimitBytes: 10,
      wsMaxMessageBytes: 20,
      shutdownTimeoutMs: 30,
    });
  });

  it('refuses bad values with an error naming the variable', () => {
    for (const env of [
      { PORT: 'abc' },
      { PORT: '65536' },
      { PORT: '-1' },
      { PORT: '80.5' },
      { LOG_LEVEL: 'loud' },
      { BODY_LIMIT_BYTES: '0' },
      { WS_MAX_MESSAGE_BYTES: '1k' },
      { SHUTDOWN_TIMEOUT_MS: '-5' },
    ]) {
      const [name] = Object.keys(env);
      assert.throws(
        () => loadSettings(env),
        (err) => {
          assert.ok(err instanceof SettingsError);
          assert.ok(err.message.startsWith(`${name}=`), err.message);
          return true;
        },
      );
    }
  });

  it('stops the start on PORT=abc with one line and a non-zero exit', () => {
    const result = spawnSync(process.execPath, [SERVER], {
      env: { ...process.env, PORT: 'abc' },
      encoding: 'utf8',
      timeout: 10000,
    });
    assert.notEqual(result.status, 0);
    assert.equal(result.stdout, '');
    const lines = result.stderr.trim().split('\n');
    assert.equal(lines.length, 1, result.stderr);
    assert.match(lines[0], /PORT/);
  });
});

// pyhandle, the Handle client from PyPI (a client we did not write), creates, resolves, modifies
// and deletes identifiers against our node over HTTPS with a self-signed certificate it is told to
// trust. The test makes a venv with pyhandle when it is missing, under node_modules/.cache (ignored by
// git and ESLint; needs python3 with venv, and PyPI).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { call, startTestNode } from './helpers.js';
import { selfSignedCertificate } from './tls.js';

const PYHANDLE_VERSION = '1.5.0';
const packageDir = fileURLToPath(new URL('../..', import.meta.url));
const venv = join(packageDir, 'node_modules', '.cache', `pyhandle-${PYHANDLE_VERSION}-venv`);
const python = join(venv, 'bin', 'python');
const script = join(packageDir, 'test', 'fixtures', 'pyhandle_journey.py');

function ensurePyhandle(): void {
  const has = existsSync(python) && spawnSync(python, ['-c', `import pyhandle, importlib.metadata as m; assert m.version("pyhandle") == "${PYHANDLE_VERSION}"`]).status === 0;
  if (has) return;
  mkdirSync(dirname(venv), { recursive: true });
  execFileSync('python3', ['-m', 'venv', '--clear', venv], { stdio: 'inherit' });
  execFileSync(join(venv, 'bin', 'pip'), ['install', '--quiet', '--disable-pip-version-check', `pyhandle==${PYHANDLE_VERSION}`], { stdio: 'inherit', timeout: 300_000 });
}

test('pyhandle creates, resolves, modifies and deletes identifiers over HTTPS', { timeout: 360_000 }, async () => {
  ensurePyhandle();
  const tls = await selfSignedCertificate();
  const t = await startTestNode('sqlite', { tls });
  try {
    assert.ok(t.url.startsWith('https://'));
    const caFile = join(t.dataDir, 'node-cert.pem');
    writeFileSync(caFile, tls.cert);
    const allocated = await call(`${t.url.replace('https', 'http')}/healthz`).catch(() => undefined);
    assert.equal(allocated, undefined, 'the node speaks only HTTPS when TLS is configured');
    // The prefix and its admin handle secret, as a Handle prefix administrator would hold them.
    const created = await fetchJson(t.url, '/api/prefixes', t.token['gd-grid'], { prefix: '88.188.4001', ownerOrg: 'tx-maker', adminSecret: 'pyhandle-secret-1' }, tls.cert);
    assert.equal(created.status, 201);
    // Asynchronously: the node under test runs in this process and must keep answering.
    const run = await promisify(execFile)(python, [script, t.url, '300:0.NA/88.188.4001', 'pyhandle-secret-1', caFile, '88.188.4001'], { encoding: 'utf8', timeout: 120_000 })
      .catch((error: { stderr?: string; message: string }) => assert.fail(`pyhandle journey failed:\n${error.stderr ?? error.message}`));
    const seen = JSON.parse(run.stdout.trim().split('\n').pop()!) as Record<string, unknown>;
    assert.equal(seen.registered, '88.188.4001/PYHANDLE-1');
    assert.equal(seen.second_register, 'HandleAlreadyExistsException');
    assert.equal(seen.url, 'https://pyhandle.example/1');
    assert.equal(seen.checksum, 'abc123');
    assert.equal(seen.url_after_modify, 'https://pyhandle.example/moved');
    assert.equal(seen.email, 'pid@pyhandle.example');
    assert.equal(seen.checksum_after_delete, null);
    assert.deepEqual(seen.types, ['DESC', 'EMAIL', 'HS_ADMIN', 'URL']);
    assert.match(String(seen.minted), /^88\.188\.4001\/[0-9a-f-]{36}$/);
    assert.equal(seen.minted_url, 'https://pyhandle.example/minted');
    assert.equal(seen.deleted, '88.188.4001/PYHANDLE-1');
    assert.equal(seen.after_delete, null);
    assert.equal(seen.wrong_password, 'HandleAuthenticationError');
    // What pyhandle minted is there for any client.
    const minted = await fetchJson(t.url, `/api/handles/${String(seen.minted)}`, undefined, undefined, tls.cert);
    assert.equal((minted.body as { responseCode: number }).responseCode, 1);
  } finally {
    await t.close();
  }
});

/** HTTPS request trusting exactly the test certificate. */
async function fetchJson(base: string, path: string, token: string | undefined, body: unknown, ca: string): Promise<{ status: number; body: unknown }> {
  const { request } = await import('node:https');
  const url = new URL(path, base);
  return new Promise((resolve, reject) => {
    const req = request(url, { method: body === undefined ? 'GET' : 'POST', ca, headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), 'content-type': 'application/json' } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(text) as unknown }));
    });
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

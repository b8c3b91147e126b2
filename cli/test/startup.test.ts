// A command loads only what it runs: `--help` and `token` resolve none of the heavy packages (the
// ledger, the resolver, the data products, the gateway, the schemas' validators), and the token
// `token` signs that way is one the partner verifier accepts. Which modules a run resolved is
// recorded by a module resolve hook; no timings here (they are the `cli` benchmark's).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { createTokenVerifier, ensureDevPartners, PartnerRegistry } from '@gridspace/partners';

const main = new URL('../src/main.js', import.meta.url);
const HEAVY = /\/(ledger|identity-resolver|data-products|gateway|schemas|chaincode)\/dist\/|node_modules\/(typeorm|graphql|graphql-yoga|@graphql-hive|better-sqlite3|fabric-|@hyperledger|csv-)/;

describe('gridspace starts without loading what the command does not run', () => {
  let dir: string;
  let hooks: string;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'gridspace-cli-startup-'));
    hooks = join(dir, 'hooks.mjs');
    writeFileSync(hooks, `import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  appendFileSync(process.env.RESOLVED_LOG, resolved.url + '\\n');
  return resolved;
}
`);
    writeFileSync(join(dir, 'register.mjs'), `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  /** Runs the CLI; its stdout and the URLs of every module it resolved. */
  function run(name: string, args: string[]): { stdout: string; resolved: string[] } {
    const log = join(dir, `${name}.log`);
    writeFileSync(log, '');
    const result = spawnSync(process.execPath, ['--import', pathToFileURL(join(dir, 'register.mjs')).href, main.pathname, ...args], {
      encoding: 'utf8',
      env: { ...process.env, RESOLVED_LOG: log, GRIDSPACE_DATA_DIR: join(dir, 'data') },
    });
    assert.equal(result.status, 0, result.stderr);
    return { stdout: result.stdout, resolved: readFileSync(log, 'utf8').split('\n').filter(Boolean) };
  }

  it('--help loads commander and the command modules only', () => {
    const { stdout, resolved } = run('help', ['--help']);
    assert.match(stdout, /^Usage: gridspace \[options\] \[command\]/);
    assert.ok(resolved.some((url) => url.includes('/commander/')), 'the hook saw the run');
    assert.deepEqual(resolved.filter((url) => HEAVY.test(url) || url.includes('/partners/dist/')), []);
  });

  it('token signs with the light dev-tokens entry, and the gateway verifier accepts the token', async () => {
    const partners = await ensureDevPartners(join(dir, 'data'));
    const { stdout, resolved } = run('token', ['token', 'gd-drc', '--purpose', 'macro-economic-monitoring']);
    // The light entries only: partners' dev-tokens (jose) and the resolver's config (its audience).
    const light = (url: string) => url.endsWith('/identity-resolver/dist/src/config.js');
    assert.deepEqual(resolved.filter((url) => (HEAVY.test(url) && !light(url)) || /\/partners\/dist\/src\/(index|registry|tokens)\.js/.test(url)), []);
    const registry = PartnerRegistry.load(partners.registryPath);
    const principal = await createTokenVerifier(() => registry).verify(stdout.trim());
    assert.deepEqual([principal.org, principal.purpose], ['gd-drc', 'macro-economic-monitoring']);

    const resolver = run('token-resolver', ['--json', 'token', 'tx-maker', '--for', 'resolver']);
    const printed = JSON.parse(resolver.stdout) as { org: string; token: string };
    assert.equal(printed.org, 'tx-maker');
    const claims = JSON.parse(Buffer.from(printed.token.split('.')[1]!, 'base64url').toString()) as { aud: string };
    assert.equal(claims.aud, 'gridspace-resolver');
  });
});

#!/usr/bin/env node
// npm run test:fabric — the journeys J1-J5 (the network as `npm start` runs it), the contract suite
// and the Fabric-specific tests against a real network:
// fabric:install (cached) -> fabric:up -> tests with GRIDSPACE_LEDGER=fabric -> fabric:down, and the
// network is taken down even when a step fails.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { install } from './lib/install.mjs';
import { REPO_DIR } from './lib/layout.mjs';
import { down, up } from './lib/network.mjs';

function run(command, args, env = {}) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: REPO_DIR, stdio: 'inherit', env: { ...process.env, ...env } });
    child.on('exit', (code) => resolve(code ?? 1));
  });
}

function testFiles(dir) {
  const path = join(REPO_DIR, dir);
  return existsSync(path) ? readdirSync(path).filter((name) => name.endsWith('.test.js')).map((name) => join(path, name)) : [];
}

const started = Date.now();
let code = 1;
try {
  // Everything is built: the contract suite, and the network as `npm start` runs it for the journeys.
  if ((await run('npx', ['tsc', '-b'])) !== 0) throw new Error('the repository does not compile');
  await install();
  await up();
  // The journeys J1-J5 first: they seed the demo's fixed ids on a fresh network, as `npm start`
  // does on GRIDSPACE_LEDGER=fabric; the contract suite uses unique ids.
  const files = [join(REPO_DIR, 'test/dist/src/journeys.test.js'), ...testFiles('ledger/dist/test/contracts'), ...testFiles('ledger/dist/test/fabric')];
  if (files.length === 0) throw new Error('no test files in ledger/dist/test/contracts or ledger/dist/test/fabric');
  // One file at a time: they share one network, and the Fabric-specific ones stop and start peers.
  code = await run(process.execPath, ['--test', '--test-concurrency=1', ...files], { GRIDSPACE_LEDGER: 'fabric' });
} catch (error) {
  console.error(`test:fabric: ${error.message}`);
  code = 1;
} finally {
  try {
    await down();
  } catch (error) {
    console.error(`test:fabric: fabric:down failed: ${error.message}`);
    code = 1;
  }
}
console.log(`test:fabric: ${code === 0 ? 'passed' : 'failed'} in ${Math.round((Date.now() - started) / 1000)} s`);
process.exit(code);

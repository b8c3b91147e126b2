// The `gridspace` bin as npm links it: node_modules/.bin/gridspace, executable, runs the built CLI;
// the same shim without a build says to run `npm run build` first.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { accessSync, constants, copyFileSync, mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const bin = join(root, 'node_modules', '.bin', 'gridspace');

test('npx gridspace runs the built CLI through the committed, executable shim', () => {
  assert.equal(realpathSync(bin), join(root, 'cli', 'bin', 'gridspace.js'), 'npm links the shim, not dist/');
  accessSync(bin, constants.X_OK);
  const help = spawnSync(bin, ['--help'], { encoding: 'utf8' });
  assert.equal(help.status, 0, help.stderr);
  assert.match(help.stdout, /^Usage: gridspace \[options\] \[command\]/);
  assert.match(help.stdout, /\bstart\b[\s\S]*\btoken\b[\s\S]*\bid\b/);
});

test('without a build the shim says what to do', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gridspace-bin-'));
  try {
    mkdirSync(join(dir, 'bin'));
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
    copyFileSync(join(root, 'cli', 'bin', 'gridspace.js'), join(dir, 'bin', 'gridspace.js'));
    const run = spawnSync(process.execPath, [join(dir, 'bin', 'gridspace.js'), '--help'], { encoding: 'utf8' });
    assert.equal(run.status, 1);
    assert.match(run.stderr, /the CLI is not built yet: run npm run build first/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

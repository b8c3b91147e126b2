// Runs every compiled test file (`<package>/dist/**/*.test.js`) with Node's own test runner.
// Usage: node scripts/run-tests.mjs [package ...]   (no argument: every workspace package)
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { startPostgres, findPostgresBin } from './postgres.mjs';

const root = new URL('..', import.meta.url).pathname;
const workspaces = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).workspaces;
const selected = process.argv.slice(2).length ? process.argv.slice(2) : workspaces;

function findTests(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return findTests(path);
    return name.endsWith('.test.js') ? [path] : [];
  });
}

const files = selected.flatMap((pkg) => findTests(join(root, pkg, 'dist')));
if (files.length === 0) {
  console.error('no test files found: run `npm run build` first');
  process.exit(1);
}
// Tests that need PostgreSQL read GRIDSPACE_TEST_POSTGRES_URL; start a throwaway cluster unless one is given.
let postgres;
if (!process.env.GRIDSPACE_TEST_POSTGRES_URL && findPostgresBin()) {
  postgres = await startPostgres();
  process.env.GRIDSPACE_TEST_POSTGRES_URL = postgres.url;
}
const child = spawn(process.execPath, ['--test', '--test-concurrency=2', ...files], { stdio: 'inherit' });
const code = await new Promise((resolve) => child.on('exit', (status) => resolve(status ?? 1)));
await postgres?.stop();
process.exit(code);

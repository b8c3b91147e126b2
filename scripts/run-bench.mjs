// Runs the benchmarks: `npm run bench` (all) or `npm run bench -- <name> [...]`. Each benchmark is
// a program that prints one JSON line last and writes bench/results/<name>.json.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const root = new URL('..', import.meta.url).pathname;
const benchmarks = {
  'ledger-embedded': 'bench/dist/src/ledger-embedded.js',
  indices: 'data-products/dist/bench/indices.js',
  'ledger-fabric': 'network/bench/ledger-fabric.mjs',
  resolver: 'identity-resolver/dist/bench/resolver.js',
  gateway: 'gateway/dist/bench/gateway.js',
  portal: 'test/dist/bench/portal.js',
  cli: 'cli/dist/bench/cli.js',
};

const names = process.argv.slice(2).length ? process.argv.slice(2) : Object.keys(benchmarks);
let failed = false;
for (const name of names) {
  const program = benchmarks[name];
  if (!program) {
    console.error(`unknown benchmark ${name}; known: ${Object.keys(benchmarks).join(', ')}`);
    process.exit(2);
  }
  if (!existsSync(join(root, program))) {
    console.error(`${program} is missing: run \`npm run build\` first`);
    process.exit(2);
  }
  console.error(`== bench ${name}`);
  const result = spawnSync(process.execPath, [join(root, program)], { stdio: 'inherit', cwd: root });
  if (result.status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);

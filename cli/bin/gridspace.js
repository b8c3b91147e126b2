#!/usr/bin/env node
// The `gridspace` command. A committed shim, so npm links an executable bin even on a fresh clone
// (before the TypeScript is compiled); it runs the compiled CLI, or says how to build it.
import { existsSync } from 'node:fs';

const main = new URL('../dist/src/main.js', import.meta.url);
if (!existsSync(main)) {
  process.stderr.write('gridspace: the CLI is not built yet: run npm run build first (in the repository folder)\n');
  process.exit(1);
}
await import(main.href);

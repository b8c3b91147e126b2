#!/usr/bin/env node
// The `gridspace` command.
import { program } from './commands/program.js';

await program().parseAsync(process.argv);

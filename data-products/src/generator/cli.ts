#!/usr/bin/env node
// `npm run data:generate -- --customers N --days D [--start YYYY-MM-DD] [--seed S] [--out DIR]`
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { generateDataset } from './generate.js';

const { values } = parseArgs({
  options: {
    customers: { type: 'string', default: '2000' },
    days: { type: 'string', default: '730' },
    start: { type: 'string', default: '2023-01-01' },
    seed: { type: 'string', default: '20260101' },
    out: { type: 'string', default: '.gridspace/generated' },
  },
});

const started = Date.now();
try {
  const result = generateDataset({
    customers: Number(values.customers),
    days: Number(values.days),
    start: values.start,
    seed: Number(values.seed),
    outDir: resolve(process.env.INIT_CWD ?? process.cwd(), values.out),
  });
  console.log(`generated ${result.customers} customers -> ${result.customersCsv}`);
  console.log(`generated ${result.readings} readings -> ${result.readingsCsv} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
} catch (error) {
  console.error(`data:generate: ${(error as Error).message}`);
  process.exit(1);
}

// The benchmark report format of DESIGN.md: one JSON object as the last line of output, also
// written to bench/results/<name>.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Target {
  name: string;
  value: number;
  min?: number;
  max?: number;
}

export function report(bench: string, metrics: Record<string, unknown>, targets: Target[]): void {
  const judged = targets.map((t) => ({
    ...t,
    met: (t.min === undefined || t.value >= t.min) && (t.max === undefined || t.value <= t.max),
  }));
  const line = JSON.stringify({ bench, metrics, targets: judged });
  const results = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'results');
  mkdirSync(results, { recursive: true });
  writeFileSync(join(results, `${bench}.json`), `${line}\n`);
  console.log(line);
}

/** Percentile of sorted-in-place latencies (ms). */
export function percentile(latencies: number[], p: number): number {
  if (latencies.length === 0) return 0;
  latencies.sort((a, b) => a - b);
  return latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))]!;
}

export const round = (value: number, digits = 1) => Number(value.toFixed(digits));

// Benchmark `cli`: how long a person waits for the `gridspace` command, and the CPU it burns, for
// `gridspace --help`, `gridspace token gd-drc` and `gridspace agreement list` against a running
// network (`gridspace start` in a child process on free ports, a small demo), each beside
// `node -e 0` (the floor: what starting Node costs) in the same run. The four are interleaved, in
// a rotating order, so a busy moment of the shared machine falls on all of them alike; medians.
// Every run is a fresh process (nothing is cached between them but the OS's file cache, warmed by
// one untimed run of each), and every output is checked: the help text, a token of gd-drc, the
// seeded agreements of gd-grid.
// CPU of a run: user + system time of the child, from this process's cutime / cstime in
// /proc/self/stat (what the kernel adds when a child is reaped; clock ticks of 10 ms).
// Prints one JSON line last and writes bench/results/cli.json.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readNetworkFile } from '../src/network/state.js';

const ROUNDS = Number(process.env.CLI_BENCH_ROUNDS ?? 20);
const main = fileURLToPath(new URL('../src/main.js', import.meta.url));
const TICK_MS = 10;

const childrenCpuMs = () => {
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[13]) + Number(fields[14])) * TICK_MS;
};
const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};
const mean = (values: number[]) => values.reduce((sum, v) => sum + v, 0) / values.length;
const round = (value: number, digits = 1) => Number(value.toFixed(digits));

interface Case {
  name: string;
  args: string[];
  /** Throws when the output is not what the command should print. */
  check(stdout: string): void;
}

const decodeClaims = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString()) as { org?: string; aud?: string };

const cases: Case[] = [
  { name: 'node -e 0', args: ['-e', '0'], check: () => undefined },
  {
    name: 'gridspace --help',
    args: [main, '--help'],
    check: (out) => {
      if (!/^Usage: gridspace \[options\] \[command\][\s\S]*\bagreement\b/.test(out)) throw new Error(`--help printed ${out.slice(0, 200)}`);
    },
  },
  {
    name: 'gridspace token gd-drc',
    args: [main, 'token', 'gd-drc'],
    check: (out) => {
      const claims = decodeClaims(out.trim());
      if (claims.org !== 'gd-drc' || claims.aud !== 'gridspace-gateway') throw new Error(`token printed ${out.slice(0, 200)}`);
    },
  },
  {
    name: 'gridspace agreement list',
    args: [main, 'agreement', 'list'],
    check: (out) => {
      if (!/^ID +PRODUCT/.test(out) || !/agr-gd-drc-indices .* FINALIZED/.test(out) || !/agr-cable-maker-indices .* TERMINATED/.test(out)) throw new Error(`agreement list printed ${out.slice(0, 300)}`);
    },
  },
];

function timed(run: Case, env: NodeJS.ProcessEnv): { wallMs: number; cpuMs: number } {
  const cpuBefore = childrenCpuMs();
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, run.args, { env, encoding: 'utf8' });
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  const cpuMs = childrenCpuMs() - cpuBefore;
  if (result.status !== 0) throw new Error(`${run.name} exited with ${result.status}: ${result.stderr}`);
  run.check(result.stdout);
  return { wallMs, cpuMs };
}

/** `gridspace start` on free ports with a small demo; resolves once its network file names it. */
async function startNetwork(dataDir: string, env: NodeJS.ProcessEnv) {
  const child = spawn(process.execPath, [main, 'start', '--quiet'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const deadline = Date.now() + 180_000;
  while (readNetworkFile(dataDir)?.pid !== child.pid) {
    if (child.exitCode !== null) throw new Error(`gridspace start exited with ${child.exitCode}: ${output}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`gridspace start did not come up in 3 minutes: ${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    async stop() {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

async function run() {
  const dataDir = mkdtempSync(join(tmpdir(), 'gridspace-bench-cli-'));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    GRIDSPACE_DATA_DIR: dataDir,
    ...Object.fromEntries(['GATEWAY', 'LEDGER', 'ENERGY', 'PARTNER', 'RESOLVER', 'TOP_LEVEL'].map((name) => [`GRIDSPACE_${name}_PORT`, '0'])),
    GRIDSPACE_DEMO_CUSTOMERS: '50',
    GRIDSPACE_DEMO_DAYS: '28',
    GRIDSPACE_DEMO_IDENTIFIERS: '10',
    GRIDSPACE_GATEWAY_RECOMPOSE_MS: '0',
  };
  const network = await startNetwork(dataDir, env);
  const samples = new Map(cases.map((c) => [c.name, { wallMs: [] as number[], cpuMs: [] as number[] }]));
  try {
    for (const c of cases) timed(c, env); // warm the file cache
    for (let round_ = 0; round_ < ROUNDS; round_++) {
      for (let i = 0; i < cases.length; i++) {
        const c = cases[(round_ + i) % cases.length]!;
        const { wallMs, cpuMs } = timed(c, env);
        samples.get(c.name)!.wallMs.push(wallMs);
        samples.get(c.name)!.cpuMs.push(cpuMs);
      }
    }
  } finally {
    await network.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }

  const floor = samples.get('node -e 0')!;
  const floorWall = median(floor.wallMs);
  const floorCpu = median(floor.cpuMs);
  const metrics: Record<string, unknown> = { rounds: ROUNDS, cpus: cpus().length, loadAverage1m: round(loadavg()[0]!, 2), cpuTickMs: TICK_MS };
  const over: Record<string, { wallMs: number; cpuMs: number }> = {};
  for (const [name, s] of samples) {
    const wall = median(s.wallMs);
    const cpu = median(s.cpuMs);
    metrics[name] = { wallMsMedian: round(wall), wallMsMean: round(mean(s.wallMs)), cpuMsMedian: round(cpu), cpuMsMean: round(mean(s.cpuMs)) };
    if (name !== 'node -e 0') {
      over[name] = { wallMs: round(wall - floorWall), cpuMs: round(cpu - floorCpu) };
    }
  }
  metrics.overFloor = over;
  const limits: Array<[string, number]> = [
    ['gridspace --help', 150],
    ['gridspace token gd-drc', 250],
    ['gridspace agreement list', 400],
  ];
  const targets = limits
    .flatMap(([name, max]) => [
      { name: `${name}: median wall ms over node -e 0`, value: over[name]!.wallMs, max },
      { name: `${name}: median CPU ms over node -e 0`, value: over[name]!.cpuMs, max },
    ])
    .map((t) => ({ ...t, met: t.value <= t.max }));

  const line = JSON.stringify({ bench: 'cli', metrics, targets });
  const results = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'bench', 'results');
  mkdirSync(results, { recursive: true });
  writeFileSync(join(results, 'cli.json'), `${line}\n`);
  console.log(line);
}

await run();

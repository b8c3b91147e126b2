// The `resolver` benchmark: over HTTP keep-alive with concurrency 64, in one run, side by side:
//   ceiling   a bare node:http server answering a fixed JSON body of the same size,
//   cached    resolution of identifiers held in the node's cache,
//   uncached  resolution from the store (the node started with its cache off),
//   batch     registration of 2,000-identifier batches on SQLite (identifiers per second).
// Servers run in child processes (this program with `serve-*`), the load in this one, the three
// resolution cases in one-second turns so a shared machine loads each alike. Every
// answer is checked (status, JSON, the handle asked for). Prints one JSON line last and writes
// bench/results/resolver.json at the repository root.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, createServer, request } from 'node:http';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureDevPartners, issueDevToken } from '@gridspace/partners';
import { RESOLVER_AUDIENCE, startResolverNode } from './shared.js';

const CONCURRENCY = 64;
const IDENTIFIERS = 10_000;
const BATCH = 2_000;
/** Seconds measured per case, in one-second turns. */
const SECONDS = Number(process.env.RESOLVER_BENCH_SECONDS ?? 6);
const self = fileURLToPath(import.meta.url);
const repoRoot = join(dirname(self), '..', '..', '..');

// ---- server side (child process) ------------------------------------------------------------
async function serve(mode: string, arg: string, cacheSize: string): Promise<void> {
  if (mode === 'serve-bare') {
    const body = Buffer.from(readFileSync(arg, 'utf8'));
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
      res.end(body);
    });
    server.keepAliveTimeout = 65_000;
    server.listen(0, '127.0.0.1', () => console.log(`READY http://127.0.0.1:${(server.address() as { port: number }).port}`));
    return;
  }
  const node = await startResolverNode({ port: 0, dataDir: arg, cacheSize: Number(cacheSize), seedDemo: true, log: () => undefined, statsIntervalMs: 0 });
  console.log(`READY ${node.url}`);
  process.on('SIGTERM', () => void node.close().then(() => process.exit(0)));
}

function startChild(args: string[]): Promise<{ child: ChildProcess; url: string }> {
  // RESOLVER_BENCH_PROFILE=<dir> writes a CPU profile of each server child there.
  const profile = process.env.RESOLVER_BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.RESOLVER_BENCH_PROFILE}`] : [];
  const child = spawn(process.execPath, [...profile, self, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /READY (\S+)/.exec(out);
      if (match) {
        running.add(child);
        resolve({ child, url: match[1]! });
      }
    });
    child.once('exit', (code) => reject(new Error(`server child exited (${code}) before it was ready`)));
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

// ---- load side --------------------------------------------------------------------------------
const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });

function send(url: URL, path: string, method = 'GET', headers: Record<string, string> = {}, body?: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, path, method, agent, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, text: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

interface Run { rps: number; p50: number; p99: number; requests: number }
type Pick = (i: number) => { path: string; check: (status: number, json: Record<string, unknown>) => boolean };

/** One case's measurements, gathered over several slices of time. */
class Case {
  readonly latencies: number[] = [];
  seconds = 0;
  private next = 0;
  constructor(readonly base: string, readonly pick: Pick) {}

  /** Runs the case for `ms` with CONCURRENCY requests in flight; `record` false is a warm-up. */
  async slice(ms: number, record = true): Promise<void> {
    const url = new URL(this.base);
    const until = performance.now() + ms;
    const worker = async () => {
      while (performance.now() < until) {
        const { path, check } = this.pick(this.next++);
        const started = performance.now();
        const { status, text } = await send(url, path);
        const took = performance.now() - started;
        if (!check(status, JSON.parse(text) as Record<string, unknown>)) throw new Error(`wrong answer for ${path}: ${status} ${text.slice(0, 200)}`);
        if (record) this.latencies.push(took);
      }
    };
    const started = performance.now();
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    if (record) this.seconds += (performance.now() - started) / 1000;
  }

  result(): Run {
    this.latencies.sort((a, b) => a - b);
    const at = (p: number) => round(this.latencies[Math.min(this.latencies.length - 1, Math.floor(p * this.latencies.length))]!, 2);
    return { rps: Math.round(this.latencies.length / this.seconds), p50: at(0.5), p99: at(0.99), requests: this.latencies.length };
  }
}

const round = (v: number, d = 1) => Number(v.toFixed(d));

const running = new Set<ChildProcess>();

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'resolver-bench-'));
  try {
    // Register the identifiers (measured: batch registration).
    const server = await startChild(['serve-node', dataDir, '100000']);
    // The node made the demo partners of its data folder; the same call reads their keys.
    const partners = await ensureDevPartners(dataDir);
    const operator = await issueDevToken(partners, 'gd-grid', { audience: RESOLVER_AUDIENCE, expiresIn: '2h' });
    const supplier = await issueDevToken(partners, 'tx-maker', { audience: RESOLVER_AUDIENCE, expiresIn: '2h' });
    const base = new URL(server.url);
    const json = { 'content-type': 'application/json' };
    const template = {
      id: 'power-transformer', name: 'Power transformer', industry: { section: 'C', division: '38' },
      items: [
        { name: 'model', index: 10, type: 'string', required: true }, { name: 'ratedKva', index: 11, type: 'integer', required: true },
        { name: 'productionDate', index: 12, type: 'date', required: true }, { name: 'testCertificateSha256', index: 13, type: 'sha256', required: true },
      ],
    };
    const created = await send(base, '/api/templates', 'POST', { ...json, authorization: `Bearer ${operator}` }, JSON.stringify(template));
    if (created.status !== 201) throw new Error(`template: ${created.text}`);
    const handleOf = (i: number) => `88.188.1001/TX2026-${String(i).padStart(6, '0')}`;
    const batchBody = (from: number) => JSON.stringify({ template: 'power-transformer', identifiers: Array.from({ length: BATCH }, (_, k) => ({
      handle: handleOf(from + k),
      items: { model: `S13-M-${(from + k) % 9}00`, ratedKva: 100 + ((from + k) % 50) * 10, productionDate: `2026-0${1 + ((from + k) % 9)}-1${(from + k) % 10}`, testCertificateSha256: randomBytes(32).toString('hex') },
    })) });
    const bodies = Array.from({ length: IDENTIFIERS / BATCH }, (_, b) => batchBody(b * BATCH));
    const batchStart = performance.now();
    const batchLatencies: number[] = [];
    // Two batches in flight: the next body is received while the previous one commits.
    let nextBatch = 0;
    await Promise.all([0, 1].map(async () => {
      while (nextBatch < bodies.length) {
        const body = bodies[nextBatch++]!;
        const t0 = performance.now();
        const answer = await send(base, '/api/batches', 'POST', { ...json, authorization: `Bearer ${supplier}` }, body);
        batchLatencies.push(performance.now() - t0);
        const parsed = JSON.parse(answer.text) as { count?: number };
        if (answer.status !== 201 || parsed.count !== BATCH) throw new Error(`batch: ${answer.status} ${answer.text.slice(0, 300)}`);
      }
    }));
    const batchSeconds = (performance.now() - batchStart) / 1000;
    const batchRate = Math.round(IDENTIFIERS / batchSeconds);

    // Cached resolution: random identifiers, all in the node's cache after the warm-up.
    const sample = await send(base, `/api/handles/${handleOf(1)}`);
    const valuesPerRecord = (JSON.parse(sample.text) as { values: unknown[] }).values.length;
    // Random identifiers: no two in-flight requests ask for the same one (10,000 to pick from).
    const resolvePick = () => {
      const handle = handleOf(Math.floor(Math.random() * IDENTIFIERS));
      return { path: `/api/handles/${handle}`, check: (status: number, j: Record<string, unknown>) => status === 200 && j.responseCode === 1 && j.handle === handle && Array.isArray(j.values) && j.values.length === valuesPerRecord };
    };
    // Warm the cache with every identifier, so that case measures resolution from the cache.
    for (let i = 0; i < IDENTIFIERS; i += CONCURRENCY) {
      await Promise.all(Array.from({ length: Math.min(CONCURRENCY, IDENTIFIERS - i) }, (_, k) => send(base, `/api/handles/${handleOf(i + k)}`)));
    }
    // The same store with the node's cache off, and the ceiling: a bare node:http server answering
    // a fixed body of the same size. All three run side by side and are measured in turns of one
    // second, so a machine shared with other work loads every case alike.
    const uncachedServer = await startChild(['serve-node', dataDir, '0']);
    const bodyFile = join(dataDir, 'body.json');
    writeFileSync(bodyFile, sample.text);
    const bareServer = await startChild(['serve-bare', bodyFile, '0']);
    const ceilingPick: Pick = (i) => ({ path: `/api/handles/${handleOf(i % IDENTIFIERS)}`, check: (status, j) => status === 200 && j.responseCode === 1 });
    const cases = { ceiling: new Case(bareServer.url, ceilingPick), cached: new Case(server.url, resolvePick), uncached: new Case(uncachedServer.url, resolvePick) };
    for (const c of Object.values(cases)) await c.slice(500, false);
    for (let turn = 0; turn < SECONDS; turn++) for (const c of Object.values(cases)) await c.slice(1000);
    for (const child of [server.child, uncachedServer.child, bareServer.child]) await stopChild(child);
    const ceiling = cases.ceiling.result();
    const cached = cases.cached.result();
    const uncached = cases.uncached.result();
    const cachedRatio = round(cached.rps / ceiling.rps, 3);
    const uncachedRatio = round(uncached.rps / ceiling.rps, 3);
    batchLatencies.sort((a, b) => a - b);
    const metrics = {
      // The machine's load while measuring: on a shared machine the ratios are what compare.
      load_average_1m: round(loadavg()[0]!, 2), cpus: cpus().length,
      concurrency: CONCURRENCY, seconds_per_case: SECONDS, identifiers: IDENTIFIERS, answerBytes: Buffer.byteLength(sample.text),
      ceiling_rps: ceiling.rps, ceiling_p50_ms: ceiling.p50, ceiling_p99_ms: ceiling.p99,
      cached_rps: cached.rps, cached_p50_ms: cached.p50, cached_p99_ms: cached.p99, cached_ratio: cachedRatio,
      uncached_rps: uncached.rps, uncached_p50_ms: uncached.p50, uncached_p99_ms: uncached.p99, uncached_ratio: uncachedRatio,
      batch_identifiers_per_s: batchRate, batches_in_flight: 2, batch_size: BATCH, batch_p99_ms: round(batchLatencies[batchLatencies.length - 1]!, 1), store: 'sqlite',
    };
    const targets = [
      { name: 'cached resolution / ceiling', value: cachedRatio, min: 0.6 },
      { name: 'uncached resolution / ceiling', value: uncachedRatio, min: 0.35 },
      { name: 'batch registration identifiers/s (SQLite)', value: batchRate, min: 20_000 },
    ].map((t) => ({ ...t, met: t.value >= t.min }));
    const line = JSON.stringify({ bench: 'resolver', metrics, targets });
    const results = join(repoRoot, 'bench', 'results');
    mkdirSync(results, { recursive: true });
    writeFileSync(join(results, 'resolver.json'), `${line}\n`);
    console.log(line);
  } finally {
    for (const child of running) if (child.exitCode === null) child.kill('SIGKILL');
    agent.destroy();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const [mode, arg, cacheSize] = process.argv.slice(2);
if (mode?.startsWith('serve-')) await serve(mode, arg!, cacheSize ?? '0');
else await main();

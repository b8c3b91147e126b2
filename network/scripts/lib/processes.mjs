// Native processes of the network: started detached with their output in .run/logs, remembered by
// PID files in .run/pids, stopped by those PIDs only.
import { spawn, execFile } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { LOG_DIR, PID_DIR } from './layout.mjs';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function pidFile(name) {
  return join(PID_DIR, `${name}.pid`);
}

/** The recorded PID of `name` if that process is still alive (and still ours: same command). */
export function runningPid(name) {
  const file = pidFile(name);
  if (!existsSync(file)) return undefined;
  const { pid, command } = JSON.parse(readFileSync(file, 'utf8'));
  try {
    process.kill(pid, 0);
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return cmdline.includes(command) ? pid : undefined;
  } catch {
    return undefined;
  }
}

export function startProcess(name, command, args, { env, cwd } = {}) {
  const existing = runningPid(name);
  if (existing) return existing;
  mkdirSync(LOG_DIR, { recursive: true });
  mkdirSync(PID_DIR, { recursive: true });
  const log = openSync(join(LOG_DIR, `${name}.log`), 'a');
  const child = spawn(command, args, { env: { ...process.env, ...env }, cwd, detached: true, stdio: ['ignore', log, log] });
  closeSync(log);
  child.unref();
  writeFileSync(pidFile(name), JSON.stringify({ pid: child.pid, command }));
  return child.pid;
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone. */
export async function stopProcess(name, { graceMs = 10_000, signal = 'SIGTERM' } = {}) {
  const pid = runningPid(name);
  if (pid) {
    process.kill(pid, signal);
    const deadline = Date.now() + graceMs;
    while (runningPid(name) && Date.now() < deadline) await sleep(100);
    if (runningPid(name)) process.kill(pid, 'SIGKILL');
    while (runningPid(name)) await sleep(50);
  }
  rmSync(pidFile(name), { force: true });
}

/** Polls `check` until it resolves truthy; throws naming `what` after `timeoutMs`. */
export async function waitFor(what, check, { timeoutMs = 60_000, intervalMs = 250 } = {}) {
  const deadline = Date.now() + timeoutMs;
  let lastError;
  while (Date.now() < deadline) {
    try {
      if (await check()) return;
    } catch (error) {
      lastError = error;
    }
    await sleep(intervalMs);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${lastError.message}` : ''}`);
}

/** HTTP 200 from a Fabric operations endpoint's /healthz. */
export async function healthy(port) {
  const response = await fetch(`http://127.0.0.1:${port}/healthz`);
  return response.status === 200;
}

/** Runs a CLI to completion; rejects with its stderr when it fails. */
export function run(command, args, { env, cwd, allowFailure = false } = {}) {
  return new Promise((resolve, reject) => {
    execFile(command, args, { env: { ...process.env, ...env }, cwd, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error && !allowFailure) {
        reject(new Error(`${command.split('/').pop()} ${args.join(' ')} failed: ${stderr || error.message}`));
      } else {
        resolve({ ok: !error, stdout, stderr });
      }
    });
  });
}

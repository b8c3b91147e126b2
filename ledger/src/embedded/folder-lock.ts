// One writer per ledger data folder. Two embedded ledgers on one folder (two `gridspace start` with
// different ports, or two opens in one process) would each cut blocks with their own numbering and
// fork the hash chain, so open() creates `<dataDir>/ledger.lock` exclusively and close() removes it.
// The file names its holder (PID, host, start time). A holder that no longer runs (a crash, SIGKILL)
// leaves its lock behind and the next open takes it over: SQLite keeps every committed block.
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { LedgerError } from '../port.js';

interface Holder {
  pid: number;
  hostname: string;
  /** When the holder process started. */
  started: string;
  /** When it took the lock. */
  opened: string;
}

/** A lock file's text and the holder it names (none if unreadable, e.g. its writer is writing it). */
interface Held {
  raw: string;
  holder?: Holder;
}

const PROCESS_STARTED_MS = Math.floor(Date.now() - process.uptime() * 1000);

export class FolderLock {
  private constructor(private readonly file: string, private readonly content: string) {}

  /** Takes the folder's lock, or rejects with UNAVAILABLE naming the process that holds it. */
  static async acquire(dir: string): Promise<FolderLock> {
    const file = join(dir, 'ledger.lock');
    const mine: Holder = { pid: process.pid, hostname: hostname(), started: new Date(PROCESS_STARTED_MS).toISOString(), opened: new Date().toISOString() };
    const content = JSON.stringify(mine);
    for (let attempt = 0; attempt < 100; attempt++) {
      if (create(file, content)) return new FolderLock(file, content);
      const held = read(file);
      if (!held) continue; // released in the meantime
      if (!held.holder) {
        // Another opener may be between creating the file and writing its name into it.
        if (attempt < 20) {
          await sleep(10);
          continue;
        }
        throw new LedgerError('UNAVAILABLE', `the ledger in ${dir} is locked by ${file}, which names no process; if no process uses this folder, delete that file`);
      }
      if (isLive(held.holder)) throw refused(dir, file, held.holder);
      // A dead holder's lock. Removing it by name could remove the fresh lock of another opener that
      // took it over a moment ago, so openers take turns on a guard file to remove it.
      const guard = `${file}.takeover`;
      if (create(guard, content)) {
        try {
          removeIf(file, held.raw);
        } finally {
          removeIf(guard, content);
        }
      } else {
        const taker = read(guard);
        if (taker?.holder && !isLive(taker.holder)) removeIf(guard, taker.raw); // it died while taking over
        else await sleep(10);
      }
    }
    throw new LedgerError('UNAVAILABLE', `the ledger in ${dir} could not be locked: ${file} keeps changing; try again`);
  }

  /** Removes the lock, if it is still this one. */
  release(): void {
    removeIf(this.file, this.content);
  }
}

function refused(dir: string, file: string, holder: Holder): LedgerError {
  if (holder.pid === process.pid) return new LedgerError('UNAVAILABLE', `the ledger in ${dir} is already open in this process (${holder.pid}); close it first`);
  return new LedgerError('UNAVAILABLE', `the ledger in ${dir} is open in process ${holder.pid} on ${holder.hostname} (started ${holder.started}); `
    + `stop that process first, or use another data folder (if process ${holder.pid} is no Gridspace ledger, ${file} is left over: delete it)`);
}

/** Whether the process that wrote a lock still runs. */
function isLive(holder: Holder): boolean {
  // Our own PID on a lock taken before this process started is a previous process's (PID reuse,
  // e.g. PID 1 in a restarted container); taken since, it is an open ledger of this process.
  if (holder.pid === process.pid) return Date.parse(holder.opened) >= PROCESS_STARTED_MS;
  try {
    process.kill(holder.pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // runs, as another user; ESRCH: gone
  }
}

/** Creates `file` with `content` unless it exists (O_EXCL: of several creators exactly one succeeds). */
function create(file: string, content: string): boolean {
  let fd: number;
  try {
    fd = openSync(file, 'wx', 0o644);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    writeSync(fd, content);
  } catch (error) {
    closeSync(fd);
    unlinkSync(file);
    throw error;
  }
  closeSync(fd);
  return true;
}

function read(file: string): Held | undefined {
  let raw: string;
  try {
    raw = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    const holder = JSON.parse(raw) as Holder;
    return Number.isSafeInteger(holder.pid) && holder.pid > 0 && typeof holder.opened === 'string' ? { raw, holder } : { raw };
  } catch {
    return { raw };
  }
}

function removeIf(file: string, raw: string): void {
  if (read(file)?.raw !== raw) return;
  try {
    unlinkSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

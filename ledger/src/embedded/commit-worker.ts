// The commit worker: owns the SQLite write connection and commits the blocks the ledger sends it,
// so that simulation (main thread) and validation + durable writes (here) use both cores.
import { parentPort, workerData } from 'node:worker_threads';
import { BlockCommitter, type EndorsedTransaction } from './committer.js';
import { LedgerStore } from './store.js';

export type CommitRequest = { kind: 'genesis'; channelId: string; mspIds: string[] } | { kind: 'block'; batch: EndorsedTransaction[] };
export type CommitReply =
  | { kind: 'ready'; height: number }
  | { kind: 'committed'; number: number; hash: string; codes: string[] }
  | { kind: 'failed'; message: string };

const { file } = workerData as { file: string };
const store = new LedgerStore(file);
const committer = new BlockCommitter(store);
const port = parentPort!;

port.on('message', (request: CommitRequest) => {
  try {
    if (request.kind === 'genesis') {
      committer.writeGenesisBlock(request.channelId, request.mspIds);
      port.postMessage({ kind: 'ready', height: committer.height } satisfies CommitReply);
    } else {
      const block = committer.commit(request.batch);
      port.postMessage({ kind: 'committed', ...block } satisfies CommitReply);
    }
  } catch (error) {
    port.postMessage({ kind: 'failed', message: (error as Error).message } satisfies CommitReply);
  }
});

// A simulation worker: runs the chaincode on proposals against its own read connection to the
// world state. Several run side by side, so simulation uses every core.
import { parentPort, workerData } from 'node:worker_threads';
import { loadChaincode, simulate, type Proposal, type ProposalResponse } from './dispatch.js';
import { LedgerStore } from './store.js';

export type SimulationReply = { id: number } & ({ kind: 'response'; response: ProposalResponse } | { kind: 'failed'; message: string });

const { file, contractsModule } = workerData as { file: string; contractsModule: string };
const store = new LedgerStore(file, { readonly: true });
const chaincode = await loadChaincode(contractsModule);
const port = parentPort!;

port.on('message', ({ id, proposal }: { id: number; proposal: Proposal }) => {
  simulate(chaincode, store, proposal).then(
    (response) => port.postMessage({ id, kind: 'response', response } satisfies SimulationReply),
    (error: unknown) => port.postMessage({ id, kind: 'failed', message: (error as Error).message } satisfies SimulationReply),
  );
});
port.postMessage({ kind: 'ready' });

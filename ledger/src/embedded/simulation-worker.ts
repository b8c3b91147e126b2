// A simulation worker: runs the chaincode on proposals against its own read connection to the
// world state. Several run side by side, so simulation uses every core.
import { parentPort, workerData } from 'node:worker_threads';
import { loadChaincode, simulate, type Proposal, type ProposalResponse } from './dispatch.js';
import type { EnrolledIdentity } from '../identity/dev-identities.js';
import { LedgerStore } from './store.js';

/** A proposal as it crosses to a worker: the creator by identity name. */
export type WorkerProposal = Omit<Proposal, 'creator'> & { identity: string };

export type SimulationReply = { id: number } & ({ kind: 'response'; response: ProposalResponse } | { kind: 'failed'; message: string });

const { file, contractsModule, identities } = workerData as { file: string; contractsModule: string; identities: EnrolledIdentity[] };
// Proposals name their creator; its certificate bytes are made once here, not sent each time.
const creators = new Map(identities.map((i) => [i.name, { mspid: i.mspId, idBytes: Buffer.from(i.certificatePem) }]));
const store = new LedgerStore(file, { readonly: true });
const chaincode = await loadChaincode(contractsModule);
const port = parentPort!;

port.on('message', ({ id, proposal }: { id: number; proposal: WorkerProposal }) => {
  const creator = creators.get(proposal.identity);
  if (!creator) {
    port.postMessage({ id, kind: 'failed', message: `no enrolled identity named ${proposal.identity}` } satisfies SimulationReply);
    return;
  }
  simulate(chaincode, store, { ...proposal, creator }).then(
    (response) => port.postMessage({ id, kind: 'response', response } satisfies SimulationReply),
    (error: unknown) => port.postMessage({ id, kind: 'failed', message: (error as Error).message } satisfies SimulationReply),
  );
});
port.postMessage({ kind: 'ready' });

// The simulation workers and how proposals reach them: each goes to the least busy worker.
import { Worker } from 'node:worker_threads';
import type { EnrolledIdentity } from '../identity/dev-identities.js';
import type { ProposalResponse } from './dispatch.js';
import type { SimulationReply, WorkerProposal } from './simulation-worker.js';

interface Pending {
  worker: number;
  resolve(response: ProposalResponse): void;
  reject(error: Error): void;
}

/**
 * The worker's first message (it says it is ready), or its failure to start. Only our own listeners
 * are removed afterwards: Node's Worker keeps internal ones that wire up its message port.
 */
export function firstMessage<T>(worker: Worker): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onMessage = (message: T) => { done(); resolve(message); };
    const onError = (error: Error) => { done(); reject(error); };
    const onExit = (code: number) => { done(); reject(new Error(`the worker exited with code ${code} while starting`)); };
    const done = () => {
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
    };
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
  });
}

export class SimulationPool {
  private readonly pending = new Map<number, Pending>();
  private readonly inFlight: number[];
  private nextId = 1;
  private failure?: string;

  private constructor(private readonly workers: Worker[]) {
    this.inFlight = workers.map(() => 0);
    workers.forEach((worker, index) => {
      worker.on('message', (reply: SimulationReply) => this.settle(index, reply));
      worker.on('error', (error) => this.fail(`a simulation worker failed: ${error.message}`));
      worker.on('exit', (code) => { if (!this.closing) this.fail(`a simulation worker exited with code ${code}`); });
      worker.unref();
    });
  }

  private closing = false;

  /** Starts `count` workers and waits until each has loaded the contracts. */
  static async start(count: number, file: string, contractsModule: string, identities: EnrolledIdentity[]): Promise<SimulationPool> {
    const workers = Array.from({ length: count }, () =>
      new Worker(new URL('./simulation-worker.js', import.meta.url), { workerData: { file, contractsModule, identities } }));
    try {
      await Promise.all(workers.map((worker) => firstMessage(worker)));
    } catch (error) {
      await Promise.all(workers.map((worker) => worker.terminate()));
      throw error;
    }
    return new SimulationPool(workers);
  }

  run(proposal: WorkerProposal): Promise<ProposalResponse> {
    if (this.failure) return Promise.reject(new Error(this.failure));
    let worker = 0;
    for (let i = 1; i < this.workers.length; i++) if (this.inFlight[i]! < this.inFlight[worker]!) worker = i;
    const id = this.nextId++;
    // A worker with proposals in flight keeps the process alive until they are answered.
    if (this.inFlight[worker]!++ === 0) this.workers[worker]!.ref();
    return new Promise((resolve, reject) => {
      this.pending.set(id, { worker, resolve, reject });
      this.workers[worker]!.postMessage({ id, proposal });
    });
  }

  private settle(worker: number, reply: SimulationReply): void {
    const pending = this.pending.get(reply.id);
    if (!pending) return;
    this.pending.delete(reply.id);
    if (--this.inFlight[worker]! === 0) this.workers[worker]!.unref();
    if (reply.kind === 'response') pending.resolve(reply.response);
    else pending.reject(new Error(reply.message));
  }

  private fail(message: string): void {
    this.failure = message;
    for (const pending of this.pending.values()) pending.reject(new Error(message));
    this.pending.clear();
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.workers.map((worker) => worker.terminate()));
  }
}

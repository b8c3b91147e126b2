// The second-level node's public Handle REST API (resolution, proofs, batch registration).
import { config } from '../config';

export interface HandleValue {
  index: number;
  type: string;
  data: { format: string; value: unknown };
  ttl?: number;
  timestamp?: string;
}

export interface HandleAnswer {
  responseCode: number;
  handle?: string;
  values?: HandleValue[];
  message?: string;
  [key: string]: unknown;
}

export class NodeError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly body: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'NodeError';
  }
}

async function call<T>(path: string, init: RequestInit & { token?: string } = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (init.body) headers['content-type'] = 'application/json';
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  const response = await fetch(`${config().resolverUrl}${path}`, { ...init, headers });
  const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  if (!response.ok) throw new NodeError(String(body.message ?? `HTTP ${response.status}`), response.status, body);
  return body as T;
}

const encodeHandle = (handle: string) => handle.split('/').map(encodeURIComponent).join('/');

export function resolveHandle(handle: string, options: { authoritative?: boolean } = {}): Promise<HandleAnswer> {
  return call<HandleAnswer>(`/api/handles/${encodeHandle(handle)}${options.authoritative ? '?auth=true' : ''}`);
}

export interface Proof {
  handle: string;
  batchId: string;
  prefix: string;
  leaf: string;
  path: Array<{ side: 'left' | 'right'; hash: string }>;
  merkleRoot: string;
  [key: string]: unknown;
}

export function handleProof(handle: string): Promise<Proof> {
  return call<Proof>(`/api/handles/${encodeHandle(handle)}/proof`);
}

export interface BatchResult {
  responseCode: number;
  batchId: string;
  handles: string[];
  merkleRoot?: string;
  [key: string]: unknown;
}

export function registerBatch(token: string, body: { template?: string; identifiers: Array<Record<string, unknown>> }): Promise<BatchResult> {
  return call<BatchResult>('/api/batches', { method: 'POST', token, body: JSON.stringify(body) });
}

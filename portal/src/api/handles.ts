// The second-level node's public Handle REST API (identity-resolver/src/http/handles-api.ts and
// node.ts): resolution (`signed=true` adds HS_CERT + HS_SIGNATURE, `auth=true` bypasses caches, as
// the Handle.net API does), the Merkle proof of a record, and the IDIS-style prefix, template and
// all-or-nothing batch registration APIs. Errors come back in the Handle REST shape
// {responseCode, message, errors?: [{item, handle?, reason}]}.
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
  handle: string;
  values: HandleValue[];
  message?: string;
}

/** Handle protocol response codes the portal tells apart (RFC 3652). */
export const RC = { SUCCESS: 1, HANDLE_NOT_FOUND: 100, HANDLE_ALREADY_EXISTS: 101, INVALID_HANDLE: 102, VALUES_NOT_FOUND: 200, INVALID_VALUE: 202, SERVER_NOT_RESP: 301, INSUFFICIENT_PERMISSIONS: 400, AUTHENTICATION_NEEDED: 402 } as const;

export interface ItemError {
  /** Position of the item in the batch that was sent (0-based). */
  item: number;
  handle?: string;
  reason: string;
}

export class NodeError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly responseCode: number | undefined,
    readonly errors: ItemError[] = [],
  ) {
    super(message);
    this.name = 'NodeError';
  }
}

async function call<T>(path: string, init: RequestInit & { token?: string } = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (init.body) headers['content-type'] = 'application/json';
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  let response: Response;
  try {
    response = await fetch(`${config().resolverUrl}${path}`, { ...init, headers });
  } catch (error) {
    throw new NodeError((error as Error).message, 0, undefined);
  }
  const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  if (!response.ok) {
    const errors = Array.isArray(body.errors) ? (body.errors as ItemError[]) : [];
    throw new NodeError(String(body.message ?? `HTTP ${response.status}`), response.status, typeof body.responseCode === 'number' ? body.responseCode : undefined, errors);
  }
  return body as T;
}

/** A handle in a request path: each segment percent-encoded (UTF-8), the slashes kept. */
export const handlePath = (handle: string) => handle.split('/').map(encodeURIComponent).join('/');

/** Resolves a handle with a signed answer; `authoritative` bypasses the node's caches (auth=true). */
export async function resolveHandle(handle: string, options: { authoritative?: boolean; signed?: boolean } = {}): Promise<HandleAnswer> {
  const params = new URLSearchParams();
  if (options.signed ?? true) params.set('signed', 'true');
  if (options.authoritative) params.set('auth', 'true');
  const answer = await call<HandleAnswer>(`/api/handles/${handlePath(handle)}${params.size ? `?${params}` : ''}`);
  if (answer.responseCode === RC.VALUES_NOT_FOUND) throw new NodeError(answer.message ?? 'no values', 200, RC.VALUES_NOT_FOUND);
  return answer;
}

export interface ProofStep {
  side: 'left' | 'right';
  hash: string;
}

export interface Proof {
  handle: string;
  batchId: string;
  prefix: string;
  leaf: string;
  path: ProofStep[];
  merkleRoot: string;
  algorithm: string;
  /** False when the record changed after registration: the proof is of the registered version. */
  matchesCurrent: boolean;
  /** The node's own note of where it anchored the batch; the ledger is asked separately. */
  anchor: { txId: string; blockNumber: number } | null;
}

/** GET /api/handles/{handle}/proof: the record's Merkle path in its registration batch. */
export function handleProof(handle: string, options: { authoritative?: boolean } = {}): Promise<Proof> {
  return call<Proof>(`/api/handles/${handlePath(handle)}/proof${options.authoritative ? '?auth=true' : ''}`);
}

export interface BatchResult {
  responseCode: number;
  batchId: string;
  count: number;
  merkleRoot: string;
  handles: string[];
}

export interface BatchItem {
  handle: string;
  items: Record<string, string>;
}

/** POST /api/batches: all or nothing; a refusal lists every failing item with its reason. */
export function registerBatch(token: string, body: { template?: string; identifiers: BatchItem[] }): Promise<BatchResult> {
  return call<BatchResult>('/api/batches', { method: 'POST', token, body: JSON.stringify(body) });
}

export interface EnterprisePrefix {
  prefix: string;
  handle: string;
  ownerOrg: string;
  delegates: string[];
  defaultTemplate: string | null;
}

export async function listPrefixes(): Promise<EnterprisePrefix[]> {
  return (await call<{ prefixes: EnterprisePrefix[] }>('/api/prefixes')).prefixes;
}

export interface TemplateItem {
  name: string;
  index: number;
  type: string;
  required: boolean;
  description?: string;
  constraints?: { pattern?: string; minLength?: number; maxLength?: number; minimum?: number; maximum?: number; enum?: string[] };
}

export interface Template {
  id: string;
  name: string;
  industry: { section: string; division?: string };
  items: TemplateItem[];
}

export async function listTemplates(): Promise<Template[]> {
  return (await call<{ templates: Template[] }>('/api/templates')).templates;
}

// The Handle.net-compatible REST API: GET / PUT / DELETE /api/handles/{handle}, with the same
// JSON, query parameters (type, index, auth, publicOnly, overwrite, mintNewSuffix) and status /
// responseCode pairs. `signed=true` asks for a signed answer (HS_CERT + HS_SIGNATURE values).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Authenticator, Principal } from '../auth/auth.js';
import { HandleError, RC } from '../handle/errors.js';
import { decodeHandlePath, parseHandle, responsiblePrefix, type ParsedHandle } from '../handle/syntax.js';
import { parseIndex, publicShape, type HandleValue } from '../handle/values.js';
import { leafHash, merkleProof } from '../anchor/merkle.js';
import type { NodeService } from '../node/service.js';
import type { StoredRecord } from '../store/store.js';
import { HOP_HEADER, type ForeignResolver } from '../trust/foreign.js';
import { signValues, type AnswerSigner } from '../trust/signing.js';
import { boolParam, readJson, sendError, sendJson, sendText } from './io.js';

export const HANDLE_BODY_LIMIT = 1 << 20;

export interface HandlesApiDeps {
  service: NodeService;
  auth: Authenticator;
  signer: () => AnswerSigner | undefined;
  foreign?: ForeignResolver;
  log: (message: string) => void;
}

interface Query {
  types: string[];
  indices: number[];
  auth: boolean;
  publicOnly: boolean;
  signed: boolean;
}

function parseQuery(params: URLSearchParams): Query {
  const indices = params.getAll('index').flatMap((raw) => raw.split(',')).map((raw) => {
    try { return parseIndex(raw, 'query parameter index'); } catch (error) { throw new HandleError(RC.INVALID_VALUE, (error as Error).message); }
  });
  return {
    types: params.getAll('type'),
    indices,
    auth: boolParam(params, 'auth', false),
    publicOnly: boolParam(params, 'publicOnly', false),
    signed: boolParam(params, 'signed', false),
  };
}

export class HandlesApi {
  /** Serialized default answers (no filter, public values), per record object: reused until it changes. */
  private readonly bodies = new WeakMap<StoredRecord, string>();

  constructor(private readonly deps: HandlesApiDeps) {}

  /** `rawHandle` is the still-encoded path after /api/handles/. */
  async handle(req: IncomingMessage, res: ServerResponse, rawHandle: string, search: string): Promise<void> {
    const method = req.method ?? 'GET';
    const resolution = method === 'GET' || method === 'HEAD';
    try {
      const params = new URLSearchParams(search);
      const decoded = decodeHandlePath(rawHandle);
      if (resolution) return await this.get(req, res, decoded, params, search);
      const mint = boolParam(params, 'mintNewSuffix', false);
      const parsed = parseHandle(decoded, mint && method === 'PUT');
      const principal = await this.deps.auth.authenticate(req.headers.authorization);
      const indices = parseQuery(params).indices;
      if (method === 'PUT') {
        const body = await readJson(req, HANDLE_BODY_LIMIT);
        const result = await this.deps.service.putHandle(principal, parsed, body, { indices, overwrite: boolParam(params, 'overwrite', true), mintNewSuffix: mint });
        // A PUT may have changed a secret key: credentials are checked afresh.
        this.deps.auth.forgetBasic();
        return sendJson(res, result.status, { responseCode: RC.SUCCESS, handle: result.handle });
      }
      if (method === 'DELETE') {
        const result = await this.deps.service.deleteHandle(principal, parsed, indices);
        this.deps.auth.forgetBasic();
        return sendJson(res, result.status, { responseCode: RC.SUCCESS, handle: result.handle });
      }
      res.setHeader('allow', 'GET, HEAD, PUT, DELETE');
      return sendJson(res, 405, { responseCode: RC.ERROR, message: `method ${method} is not allowed on /api/handles` });
    } catch (error) {
      sendError(res, error, resolution, this.deps.log);
    }
  }

  private async get(req: IncomingMessage, res: ServerResponse, decoded: string, params: URLSearchParams, search: string): Promise<void> {
    const query = parseQuery(params);
    const parsed = parseHandle(decoded);
    if (!this.deps.service.isLocal(parsed)) return this.getForeign(req, res, parsed, search, query.auth);
    let record = await this.deps.service.getRecord(parsed.handle, query.auth);
    if (!record && parsed.suffix.endsWith('/proof')) {
      const proofOf = parseHandle(parsed.handle.slice(0, -'/proof'.length));
      record = await this.deps.service.getRecord(proofOf.handle, query.auth);
      if (record) return this.proof(res, record);
    }
    if (!record) throw new HandleError(RC.HANDLE_NOT_FOUND, `handle ${parsed.handle} does not exist`, parsed.handle, undefined, 404);
    const unfiltered = query.types.length === 0 && query.indices.length === 0;
    const principal = query.publicOnly ? undefined : await this.readerOf(req, parsed);
    if (unfiltered && !principal && !query.signed) {
      let body = this.bodies.get(record);
      if (!body) {
        body = JSON.stringify({ responseCode: RC.SUCCESS, handle: record.handle, values: record.values.filter((v) => v.publicRead !== false).map(publicShape) });
        this.bodies.set(record, body);
      }
      return sendText(res, 200, body);
    }
    let values: HandleValue[] = record.values.filter((v) => principal || v.publicRead !== false);
    if (!unfiltered) values = values.filter((v) => query.types.includes(v.type) || query.indices.includes(v.index));
    if (values.length === 0) return sendJson(res, 200, { responseCode: RC.VALUES_NOT_FOUND, handle: record.handle, values: [], message: 'no values match the type / index parameters' });
    if (query.signed) {
      const signer = this.deps.signer();
      if (!signer) throw new HandleError(RC.ERROR, 'this node has no signing key configured', record.handle, undefined, 501);
      values = await signValues(signer, record.handle, values);
    }
    sendJson(res, 200, { responseCode: RC.SUCCESS, handle: record.handle, values: values.map(publicShape) });
  }

  /** Non-public values (secret keys) are shown only to an administrator of the handle's prefix. */
  private async readerOf(req: IncomingMessage, parsed: ParsedHandle): Promise<Principal | undefined> {
    if (!req.headers.authorization) return undefined;
    const principal = await this.deps.auth.authenticate(req.headers.authorization);
    try {
      await this.deps.service.authorizeWrite(principal, responsiblePrefix(parsed), parsed.handle);
      return principal;
    } catch {
      return undefined;
    }
  }

  private async getForeign(req: IncomingMessage, res: ServerResponse, parsed: ParsedHandle, search: string, bypass: boolean): Promise<void> {
    const foreign = this.deps.foreign;
    if (!foreign || req.headers[HOP_HEADER]) {
      throw new HandleError(RC.SERVER_NOT_RESP, `this node (${this.deps.service.options.nodePrefix}) is not responsible for prefix ${responsiblePrefix(parsed)}`, parsed.handle);
    }
    const answer = await foreign.resolve(parsed.handle, responsiblePrefix(parsed), search, bypass);
    if (!answer) throw new HandleError(RC.HANDLE_NOT_FOUND, `prefix ${responsiblePrefix(parsed)} is not registered at the top-level node`, parsed.handle);
    res.setHeader('x-gridspace-source', answer.source);
    sendText(res, answer.status, answer.body);
  }

  /** GET /api/handles/{handle}/proof: the Merkle path of the record in its registration batch and the anchor. */
  private async proof(res: ServerResponse, record: StoredRecord): Promise<void> {
    if (!record.batchId) throw new HandleError(RC.VALUES_NOT_FOUND, `handle ${record.handle} was not registered in a batch; it has no proof`, record.handle, undefined, 404);
    const batch = await this.deps.service.store.getBatch(record.batchId);
    if (!batch) throw new HandleError(RC.ERROR, `batch ${record.batchId} is missing`, record.handle);
    const leaves = JSON.parse(batch.leaves) as string[];
    const position = (JSON.parse(batch.handles) as string[]).indexOf(record.handle);
    const registeredLeaf = leaves[position]!;
    sendJson(res, 200, {
      responseCode: RC.SUCCESS,
      handle: record.handle,
      prefix: batch.prefix,
      batchId: batch.id,
      leaf: registeredLeaf,
      /** False when the record changed after registration: the proof is of the registered version. */
      matchesCurrent: leafHash(record.handle, record.values) === registeredLeaf,
      path: merkleProof(leaves, position),
      merkleRoot: batch.merkleRoot,
      algorithm: 'sha256-rfc6962',
      anchor: batch.anchorTxId ? { txId: batch.anchorTxId, blockNumber: batch.anchorBlock } : null,
    });
  }
}

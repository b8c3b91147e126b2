// `gridspace id ...`: identifiers at the second-level node (Handle REST API and IDIS-style batch
// registration), signed resolution verified up to the top-level node's root key, and Merkle
// proofs checked against the anchor on the ledger.
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { HandleProof, HandleValue } from '@gridspace/identity-resolver';
import { action, CliError, dataDir, fetchOrExplain, gatewayQuery, progress, runningNetwork, tokenFor } from './context.js';
import { cell, count, emit, table, when } from './output.js';

const MAX_BATCH = 2000;

/** `/api/handles/88.188.1001/TX1`: each part percent-encoded, the prefix/suffix slash kept. */
export const handlePath = (handle: string) => {
  const slash = handle.indexOf('/');
  if (slash <= 0 || slash === handle.length - 1) throw new CliError(`handle: "${handle}" must be <prefix>/<suffix>, e.g. 88.188.1001/TX2026-000001`);
  return `${encodeURIComponent(handle.slice(0, slash))}/${encodeURIComponent(handle.slice(slash + 1))}`;
};

interface ResolverAnswer {
  responseCode?: number;
  message?: string;
  handle?: string;
  values?: HandleValue[];
  errors?: Array<{ item: number; handle?: string; reason: string }>;
  [key: string]: unknown;
}

async function resolverCall(url: string, init: RequestInit = {}): Promise<{ status: number; body: ResolverAnswer }> {
  const response = await fetchOrExplain(url, init);
  return { status: response.status, body: (await response.json()) as ResolverAnswer };
}

/** A Handle value's data as text: a string as is, an HS_ADMIN value as its admin handle, index and permissions. */
function valueText(data: unknown): string {
  if (data === null || typeof data !== 'object' || !('value' in data)) return cell(data);
  const { format, value } = data as { format?: string; value: unknown };
  if (format === 'admin' && value && typeof value === 'object') {
    const admin = value as { handle?: string; index?: number; permissions?: string };
    return `${admin.handle}:${admin.index} permissions ${admin.permissions}`;
  }
  return cell(value);
}

/** A record for people: its handle, then a table of its values. */
export function recordText(body: ResolverAnswer): string {
  const values = body.values ?? [];
  return `${body.handle}: ${count(values.length, 'value')}\n${table(['INDEX', 'TYPE', 'TTL', 'VALUE'], values.map((v) => [v.index, v.type, v.ttl, valueText(v.data)]))}`;
}

interface Verified {
  handle: string;
  signature: string;
  signer: string;
  certifiedPrefix: string;
  certifiedBy: string;
  signedAt: string;
  proof?: { batchId: string; merkleRoot: string; path: 'valid'; ledger: 'valid'; matchesRegistered: boolean; note?: string; anchoredOnLedger: { merkleRoot: string; txId: string; anchoredBy: string; anchoredAt: string } };
}

/** What `id verify` checked, a line per check. */
export function verifiedText(result: Verified): string {
  const lines = [`${result.handle}: signature valid, signed by ${result.signer} at ${when(result.signedAt)} (certified for ${result.certifiedPrefix} by ${result.certifiedBy})`];
  const proof = result.proof;
  if (proof) {
    lines.push(`  Merkle proof valid up to root ${proof.merkleRoot} of batch ${proof.batchId}`);
    lines.push(`  the ledger anchors that root: anchored by ${proof.anchoredOnLedger.anchoredBy} at ${when(proof.anchoredOnLedger.anchoredAt)} (tx ${proof.anchoredOnLedger.txId})`);
    if (!proof.matchesRegistered) lines.push(`  note: ${proof.note ?? 'the record changed after registration'}`);
  }
  return lines.join('\n');
}

const refusal = (body: ResolverAnswer, status: number) => {
  const first = body.errors?.[0];
  const detail = first ? ` — first: item ${first.item}${first.handle ? ` ${first.handle}` : ''}: ${first.reason}` : '';
  return new CliError(`${body.message ?? `HTTP ${status}`} (responseCode ${body.responseCode ?? '?'})${detail}`);
};

/** `model=S13-M-630/10` pairs into template items. */
function itemsOf(pairs: string[] = []): Record<string, string> {
  const items: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new CliError(`--item: "${pair}" must be name=value`);
    items[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return items;
}

/** Reads a CSV of identifiers: a `handle` column (or `suffix` with --prefix) and one column per template item. */
export async function readIdentifierCsv(file: string, prefix?: string): Promise<Array<{ handle: string; items: Record<string, string> }>> {
  const { parse: parseCsv } = await import('csv-parse/sync');
  let rows: Array<Record<string, string>>;
  try {
    rows = parseCsv(readFileSync(file), { columns: true, skip_empty_lines: true, trim: true }) as Array<Record<string, string>>;
  } catch (error) {
    throw new CliError(`${file}: ${(error as Error).message}`);
  }
  if (rows.length === 0) throw new CliError(`${file}: no rows (expected a header line and one line per identifier)`);
  const header = Object.keys(rows[0]!);
  if (!header.includes('handle') && !(prefix && header.includes('suffix'))) throw new CliError(`${file}: needs a "handle" column (or "suffix" with --prefix); columns are ${header.join(', ')}`);
  return rows.map((row, i) => {
    const { handle, suffix, ...items } = row;
    const full = handle ?? `${prefix}/${suffix}`;
    if (!full || full.endsWith('/') || !full.includes('/')) throw new CliError(`${file}: line ${i + 2}: handle is empty or not prefix/suffix`);
    return { handle: full, items };
  });
}

export function idCommands(root: Command): void {
  const id = root.command('id').description('identifiers at the second-level node: register, register-batch, resolve, verify');

  id.command('register')
    .description('register one identifier under your enterprise prefix, checked against its template')
    .argument('<handle>', 'e.g. 88.188.1001/TX2026-020001')
    .option('--item <name=value...>', 'template items, e.g. --item model=S13-M-630/10 ratedKva=630')
    .option('--template <id>', 'template id (default: the prefix default template)')
    .option('--as <org>', 'registering org (owner of the prefix)', 'tx-maker')
    .action(
      action(async (handle: string, options: { item?: string[]; template?: string; as: string }, command: Command) => {
        const dir = dataDir(command);
        const network = runningNetwork(dir);
        const token = await tokenFor(dir, { org: options.as, audience: 'resolver' });
        const { status, body } = await resolverCall(`${network.urls.resolver}/api/identifiers`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify({ handle, items: itemsOf(options.item), ...(options.template ? { template: options.template } : {}) }),
        });
        if (status !== 201) throw refusal(body, status);
        emit(command, body, (b) => `registered ${b.handle} in batch ${String(b.batchId)} (${count(b.values?.length ?? 0, 'value')})`);
      }),
    );

  id.command('register-batch')
    .description(`register identifiers from a CSV in all-or-nothing batches of up to ${MAX_BATCH}; batches already registered are skipped, so a rerun resumes`)
    .argument('<csv>', 'columns: handle (or suffix with --prefix), then one column per template item')
    .option('--prefix <prefix>', 'enterprise prefix for a suffix column')
    .option('--template <id>', 'template id (default: the prefix default template)')
    .option('--batch-size <n>', `identifiers per batch (1-${MAX_BATCH})`, String(MAX_BATCH))
    .option('--as <org>', 'registering org (owner of the prefix)', 'tx-maker')
    .action(
      action(async (file: string, options: { prefix?: string; template?: string; batchSize: string; as: string }, command: Command) => {
        const size = Number(options.batchSize);
        if (!Number.isInteger(size) || size < 1 || size > MAX_BATCH) throw new CliError(`--batch-size: must be an integer from 1 to ${MAX_BATCH}, not "${options.batchSize}"`);
        const dir = dataDir(command);
        const network = runningNetwork(dir);
        const identifiers = await readIdentifierCsv(file, options.prefix);
        const token = await tokenFor(dir, { org: options.as, audience: 'resolver', expiresIn: '8h' });
        let registered = 0;
        let skipped = 0;
        const batches: string[] = [];
        progress('registering', 0, identifiers.length);
        for (let start = 0; start < identifiers.length; start += size) {
          const chunk = identifiers.slice(start, start + size);
          const { status, body } = await resolverCall(`${network.urls.resolver}/api/batches`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
            body: JSON.stringify({ identifiers: chunk, ...(options.template ? { template: options.template } : {}) }),
          });
          if (status === 201) {
            registered += chunk.length;
            batches.push(String(body.batchId));
          } else if (status === 409 && body.errors?.length === chunk.length) {
            // Every identifier of this batch exists: an earlier run registered it (batches are atomic).
            skipped += chunk.length;
          } else {
            throw new CliError(`batch ${start / size + 1} (lines ${start + 2}-${start + chunk.length + 1}): ${refusal(body, status).message}; ${registered} registered before it`);
          }
          progress('registering', start + chunk.length, identifiers.length);
        }
        emit(command, { registered, alreadyRegistered: skipped, batches }, (r) =>
          r.registered === 0
            ? `nothing new: all ${count(r.alreadyRegistered, 'identifier')} were already registered`
            : `registered ${count(r.registered, 'identifier')} in ${count(r.batches.length, 'batch', 'batches')} (${r.batches.join(', ')})${r.alreadyRegistered ? `; ${r.alreadyRegistered} were already registered` : ''}`,
        );
      }),
    );

  id.command('resolve')
    .description('resolve an identifier over the Handle REST API (anyone may)')
    .argument('<handle>', 'e.g. 88.188.1001/TX2026-000001')
    .option('--type <type...>', 'only values of these types')
    .option('--signed', 'ask for a signed answer (HS_CERT + HS_SIGNATURE)')
    .option('--auth', 'bypass caches')
    .action(
      action(async (handle: string, options: { type?: string[]; signed?: boolean; auth?: boolean }, command: Command) => {
        const network = runningNetwork(dataDir(command));
        const params = new URLSearchParams();
        for (const type of options.type ?? []) params.append('type', type);
        if (options.signed) params.set('signed', 'true');
        if (options.auth) params.set('auth', 'true');
        const { status, body } = await resolverCall(`${network.urls.resolver}/api/handles/${handlePath(handle)}${params.size ? `?${params}` : ''}`);
        if (status !== 200) throw refusal(body, status);
        emit(command, body, recordText);
      }),
    );

  id.command('verify')
    .description("resolve with a signature and verify it up to the top-level node's root key; --proof also checks the record's Merkle proof, here and by the ledger against the batch anchor (IdentifierAnchors:Verify)")
    .argument('<handle>', 'e.g. 88.188.1001/TX2026-000001')
    .option('--proof', 'check the registration batch proof and its ledger anchor')
    .option('--as <org>', 'org whose token asks the ledger through the gateway (with --proof)', 'gd-stats')
    .action(
      action(async (handle: string, options: { proof?: boolean; as: string }, command: Command) => {
        const dir = dataDir(command);
        const network = runningNetwork(dir);
        const jwks = (await (await fetchOrExplain(`${network.urls.topLevel}/.well-known/jwks.json`)).json()) as { keys: Array<Record<string, unknown>> };
        const rootKey = jwks.keys[0];
        if (!rootKey) throw new CliError('the top-level node publishes no root key');
        const { status, body } = await resolverCall(`${network.urls.resolver}/api/handles/${handlePath(handle)}?signed=true`);
        if (status !== 200) throw refusal(body, status);
        const { verify: verifyAnswer, verifyProof } = await import('@gridspace/identity-resolver');
        let verified;
        try {
          verified = await verifyAnswer({ handle: body.handle!, values: body.values! }, { rootKey });
        } catch (error) {
          throw new CliError(`signature does not verify: ${(error as Error).message}`);
        }
        const result: Verified = { handle: verified.handle, signature: 'valid', signer: verified.signer, certifiedPrefix: verified.certifiedPrefix, certifiedBy: verified.certifiedBy, signedAt: verified.signedAt.toISOString() };
        if (options.proof) {
          const proofAnswer = await resolverCall(`${network.urls.resolver}/api/handles/${handlePath(handle)}/proof`);
          if (proofAnswer.status !== 200) throw refusal(proofAnswer.body, proofAnswer.status);
          const proof = proofAnswer.body as unknown as HandleProof & { matchesCurrent: boolean };
          // 1. The audit path leads from the record's leaf to the batch root (the resolver's own check) ...
          const path = verifyProof(proof);
          if (!path.valid) throw new CliError(`Merkle proof does not verify: ${path.reason}`);
          // ... and the leaf is the record just resolved and verified, unless it changed since registration.
          const unsigned = body.values!.filter((v) => v.type !== 'HS_CERT' && v.type !== 'HS_SIGNATURE');
          const sameRecord = verifyProof(proof, { handle: verified.handle, values: unsigned }).valid;
          // 2. The ledger checks the same leaf and path against the root it anchored (IdentifierAnchors:Verify).
          const token = await tokenFor(dir, { org: options.as });
          const { identifierProofCheck: check } = await gatewayQuery<{ identifierProofCheck: { valid: boolean; anchor: { merkleRoot: string; txId: string; anchoredBy: string; anchoredAt: string } } | null }>(
            network,
            token,
            'query($prefix: String!, $batchId: ID!, $leaf: String!, $path: [MerkleProofStepInput!]!) { identifierProofCheck(prefix: $prefix, batchId: $batchId, leaf: $leaf, path: $path) { valid anchor { merkleRoot txId anchoredBy anchoredAt } } }',
            { prefix: proof.prefix, batchId: proof.batchId, leaf: proof.leaf, path: proof.path },
          );
          if (!check) throw new CliError(`batch ${proof.batchId} is not anchored on the ledger (yet)`);
          if (!check.valid) throw new CliError(`the ledger anchors root ${check.anchor.merkleRoot} for batch ${proof.batchId}: the record's proof does not lead to it (the resolver claims ${proof.merkleRoot})`);
          result.proof = {
            batchId: proof.batchId,
            merkleRoot: proof.merkleRoot,
            path: 'valid',
            ledger: 'valid',
            matchesRegistered: sameRecord,
            ...(sameRecord ? {} : { note: 'the record changed after registration: the proof is of the registered version' }),
            anchoredOnLedger: check.anchor,
          };
        }
        emit(command, result, verifiedText);
      }),
    );
}

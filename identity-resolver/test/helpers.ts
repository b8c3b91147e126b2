// Test fixtures: real databases (a fresh SQLite file, or a fresh PostgreSQL database with a random
// name on the cluster of GRIDSPACE_TEST_POSTGRES_URL), real nodes on 127.0.0.1 port 0, a real
// partner registry (@gridspace/partners' demo partners, ES256 keys made per test) and its tokens.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { importJWK, SignJWT, type JWK } from 'jose';
import { freshPostgresDatabase } from '@gridspace/data-products/testing';
import { ensureDevPartners, issueDevToken, PartnerRegistry, type PartnerOrg } from '@gridspace/partners';
import { RESOLVER_AUDIENCE, startResolverNode, type ResolverNode, type ResolverConfig } from '../src/index.js';
import type { DatabaseConfig } from '../src/store/datasource.js';

export type DbKind = 'sqlite' | 'postgres';
export const DB_KINDS: DbKind[] = ['sqlite', 'postgres'];

/** A fresh database of the given kind; PostgreSQL needs GRIDSPACE_TEST_POSTGRES_URL (never skipped). */
export async function freshDatabase(kind: DbKind, dir: string): Promise<{ config: DatabaseConfig; drop(): Promise<void> }> {
  if (kind === 'sqlite') return { config: { type: 'sqlite', path: join(dir, 'test.sqlite') }, drop: async () => undefined };
  const db = await freshPostgresDatabase('resolver_test');
  return { config: { type: 'postgres', url: db.url }, drop: db.drop };
}

export interface TestNode {
  node: ResolverNode;
  url: string;
  /** Bearer tokens of the demo orgs; `stranger` is signed by a key the registry does not hold, `gateway` is tx-maker's token for the gateway. */
  token: Record<'gd-grid' | 'tx-maker' | 'cable-maker' | 'stranger' | 'gateway', string>;
  registry: PartnerRegistry;
  dataDir: string;
  close(): Promise<void>;
}

const silent = () => undefined;

/** A token of `org` (its issuer and key id) signed by another key of the same kind. */
async function forgedToken(otherKeysDir: string, org: PartnerOrg): Promise<string> {
  const jwk = JSON.parse(readFileSync(join(otherKeysDir, `${org.id}.private.jwk.json`), 'utf8')) as JWK;
  return new SignJWT({ org: org.id })
    .setProtectedHeader({ alg: 'ES256', kid: org.jwks!.keys[0]!.kid! })
    .setIssuer(org.issuer)
    .setSubject(`${org.id}-forger`)
    .setAudience(RESOLVER_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime('1h')
    .sign(await importJWK(jwk, 'ES256'));
}

export async function startTestNode(kind: DbKind, overrides: Partial<ResolverConfig> = {}): Promise<TestNode> {
  const dataDir = mkdtempSync(join(tmpdir(), 'resolver-test-'));
  const db = await freshDatabase(kind, dataDir);
  const dev = await ensureDevPartners(join(dataDir, 'registry'));
  // tx-maker also owns 88.199.1001, the enterprise prefix under the second second-level node of the hierarchy tests.
  const registry = new PartnerRegistry({ orgs: dev.registry.orgs.map((org) => (org.id === 'tx-maker' ? { ...org, prefixes: [...org.prefixes, '88.199.1001'] } : org)) });
  // The same orgs and issuers with other keys: their tokens must be refused.
  const stranger = await ensureDevPartners(join(dataDir, 'stranger'));
  const node = await startResolverNode({ port: 0, dataDir, database: db.config, registry, seedDemo: true, log: silent, statsIntervalMs: 0, ...overrides });
  const tokenOf = (org: string) => issueDevToken(dev, org, { audience: RESOLVER_AUDIENCE });
  const token = {
    'gd-grid': await tokenOf('gd-grid'),
    'tx-maker': await tokenOf('tx-maker'),
    'cable-maker': await tokenOf('cable-maker'),
    stranger: await forgedToken(stranger.keysDir, registry.org('tx-maker')!),
    gateway: await issueDevToken(dev, 'tx-maker'),
  };
  return {
    node, url: node.url, token, registry, dataDir,
    async close() {
      await node.close();
      await db.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface Answer {
  status: number;
  body: Record<string, unknown> & { responseCode?: number; message?: string; values?: { index: number; type: string; data: { format: string; value: unknown } }[] };
  headers: Headers;
}

export async function call(url: string, init: { method?: string; token?: string; basic?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<Answer> {
  const headers: Record<string, string> = { ...init.headers };
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  if (init.basic) headers.authorization = `Basic ${Buffer.from(init.basic).toString('base64')}`;
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(url, { method: init.method ?? 'GET', headers, body: init.body === undefined ? undefined : typeof init.body === 'string' ? init.body : JSON.stringify(init.body) });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as Answer['body']) : {}, headers: response.headers };
}

/** The transformer template of journey J1 (GB/T 4754 section C, division 38: electrical machinery). */
export const TRANSFORMER_TEMPLATE = {
  id: 'power-transformer',
  name: 'Power transformer',
  industry: { section: 'C', division: '38' },
  items: [
    { name: 'model', index: 10, type: 'string', required: true, constraints: { maxLength: 64 } },
    { name: 'ratedKva', index: 11, type: 'integer', required: true, constraints: { minimum: 1, maximum: 2000000 } },
    { name: 'productionDate', index: 12, type: 'date', required: true },
    { name: 'testCertificateSha256', index: 13, type: 'sha256', required: true },
    { name: 'coolingType', index: 14, type: 'string', required: false, constraints: { enum: ['ONAN', 'ONAF', 'OFAF'] } },
  ],
};

export function transformerItems(n: number) {
  return {
    model: `S13-M-${(n % 7) * 100 + 100}`,
    ratedKva: 100 + (n % 50) * 10,
    productionDate: `2026-0${1 + (n % 9)}-1${n % 10}`,
    testCertificateSha256: randomBytes(32).toString('hex'),
  };
}

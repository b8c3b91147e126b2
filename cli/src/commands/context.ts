// What every command needs: the data folder, the running network's URLs, tokens of the demo orgs,
// and one-line errors.
// Only light modules are imported here (every command, `--help` too, loads this one): the packages
// a command needs are imported inside its action.
import { existsSync, readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { join, resolve } from 'node:path';
import type { PartnerOrg } from '@gridspace/partners';
import { readNetworkFile, type NetworkFile } from '../network/state.js';

/** A failure the user can act on: printed as one line, exit code 1. */
export class CliError extends Error {
  constructor(message: string, readonly exitCode = 1) {
    super(message);
    this.name = 'CliError';
  }
}

export const dataDirOf = (option?: string) => resolve(option ?? process.env.GRIDSPACE_DATA_DIR ?? '.gridspace');

export function runningNetwork(dataDir: string): NetworkFile {
  const file = readNetworkFile(dataDir);
  if (!file) throw new CliError(`no running network found in ${dataDir} (start one with \`npm start\`, or pass --data-dir / GRIDSPACE_DATA_DIR)`);
  return file;
}

/** The demo partners of a data folder: its registry file, its orgs and the folder of their dev keys. */
export interface DemoPartners {
  registryPath: string;
  registry: { orgs: PartnerOrg[] };
  keysDir: string;
}

/**
 * The demo partners of a data folder, read only (the running network owns the registry file, and
 * validated it when it wrote it): read as plain JSON, so a command does not load the registry's
 * validation to find an org.
 */
export function demoPartnersOf(dataDir: string): DemoPartners {
  const registryPath = join(dataDir, 'partners', 'registry.json');
  if (!existsSync(registryPath)) throw new CliError(`no partner registry in ${dataDir}/partners (run \`npm start\` once to create the demo partners)`);
  let registry: { orgs: PartnerOrg[] };
  try {
    registry = JSON.parse(readFileSync(registryPath, 'utf8')) as { orgs: PartnerOrg[] };
  } catch (error) {
    throw new CliError(`${registryPath}: must be valid JSON (${(error as Error).message})`);
  }
  if (!Array.isArray(registry?.orgs)) throw new CliError(`${registryPath}: must have an orgs list`);
  return { registryPath, registry, keysDir: join(dataDir, 'partners', 'keys') };
}

/** An org of the demo partners, or undefined. */
export const demoOrg = (partners: DemoPartners, org: string) => partners.registry.orgs.find((o) => o.id === org);

/** Only orgs of the registry with a dev key in the data folder get dev tokens. */
function requireDevKey(partners: DemoPartners, org: string): void {
  if (!demoOrg(partners, org)) throw new CliError(`--as: org "${org}" is not in the partner registry (known: ${partners.registry.orgs.map((o) => o.id).join(', ')})`);
  if (!existsSync(join(partners.keysDir, `${org}.private.jwk.json`))) throw new CliError(`no dev key for ${org} in ${partners.keysDir}: only demo orgs get dev tokens`);
}

export interface TokenRequest {
  org: string;
  /**
   * `gateway` (default) or `resolver`: the same partner-registry token, for the gateway's audience or
   * the second-level node's (which refuses gateway tokens, as the gateway forwards those to subgraphs).
   */
  audience?: 'gateway' | 'resolver';
  purpose?: string;
  roles?: string[];
  expiresIn?: string;
}

/** A dev token of a demo org, signed with its key from the data folder. */
export async function tokenFor(dataDir: string, request: TokenRequest): Promise<string> {
  const partners = demoPartnersOf(dataDir);
  requireDevKey(partners, request.org);
  const [{ issueDevToken }, { RESOLVER_AUDIENCE }] = await Promise.all([import('@gridspace/partners/dev-tokens'), import('@gridspace/identity-resolver/config')]);
  const audience = request.audience === 'resolver' ? (process.env.GRIDSPACE_RESOLVER_AUDIENCE ?? RESOLVER_AUDIENCE) : undefined;
  return issueDevToken(partners, request.org, { audience, purpose: request.purpose, roles: request.roles, expiresIn: request.expiresIn });
}

export interface GraphQLAnswer<T = Record<string, unknown>> {
  data?: T | null;
  errors?: Array<{ message: string; extensions?: { code?: string } }>;
}

/** POSTs a GraphQL operation to the gateway as `org`; GraphQL errors become one CliError line. */
export async function gatewayQuery<T = Record<string, unknown>>(
  network: NetworkFile,
  token: string,
  query: string,
  variables: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Promise<T> {
  const response = await fetchOrExplain(network.urls.gateway, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...headers },
    body: JSON.stringify({ query, variables }),
  });
  const answer = (await response.json()) as GraphQLAnswer<T>;
  if (answer.errors?.length) {
    const first = answer.errors[0]!;
    const more = answer.errors.length > 1 ? ` (+${answer.errors.length - 1} more)` : '';
    const code = first.extensions?.code ?? "ERROR";
    throw new CliError(`${first.message.startsWith(`${code}:`) ? "" : `${code}: `}${first.message}${more}`);
  }
  if (!answer.data) throw new CliError(`the gateway answered HTTP ${response.status} without data`);
  return answer.data;
}

export async function fetchOrExplain(url: string, init?: RequestInit): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch (error) {
    throw new CliError(`cannot reach ${new URL(url).origin} (${(error as Error & { cause?: { code?: string } }).cause?.code ?? (error as Error).message}): is the network running?`);
  }
}

/** Progress on stderr (so stdout stays readable, and parseable with --json); a line per update when not a terminal. */
export function progress(label: string, done: number, total: number): void {
  const text = `${label} ${done}/${total} (${Math.floor((done / Math.max(total, 1)) * 100)}%)`;
  if (process.stderr.isTTY) process.stderr.write(`\r${text}${done >= total ? '\n' : ''}`);
  else process.stderr.write(`${text}\n`);
}

/** Runs an action; any failure is one line on stderr and exit code 1. */
export function action<A extends unknown[]>(run: (...args: A) => Promise<void>) {
  return async (...args: A) => {
    try {
      await run(...args);
    } catch (error) {
      const message = error instanceof CliError || error instanceof Error ? error.message : String(error);
      process.stderr.write(`gridspace: ${message.split('\n')[0]}\n`);
      process.exit(error instanceof CliError ? error.exitCode : 1);
    }
  };
}

/** The data folder: --data-dir of the root command, else GRIDSPACE_DATA_DIR, else ./.gridspace. */
export const dataDir = (command: Command) => dataDirOf(command.optsWithGlobals<{ dataDir?: string }>().dataDir);


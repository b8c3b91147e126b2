// Composition: fetch each subgraph's SDL (`_service { sdl }`), compose a federation v2 supergraph
// with @theguild/federation-composition, leave out what does not compose (reported, never fatal),
// and recompose when a subgraph's schema changes.
import { createHash } from 'node:crypto';
import { parse, type DocumentNode } from 'graphql';
import { composeServices } from '@theguild/federation-composition';

export interface SubgraphSource {
  /** Name in the supergraph, e.g. `ledger`, `energy`, `tx-maker`. */
  name: string;
  url: string;
  /** Core subgraphs are composed first; a partner subgraph that conflicts with them is the one left out. */
  core?: boolean;
  /** A fixed SDL instead of fetching `_service { sdl }`. */
  sdl?: string;
}

export type SubgraphStatus =
  | { name: string; url: string; state: 'composed'; hash: string }
  | { name: string; url: string; state: 'unreachable' | 'invalid' | 'left-out'; reason: string };

export interface Composition {
  supergraphSdl: string;
  /** The SDL of every composed subgraph, for reading their data product markings. */
  subgraphs: Map<string, DocumentNode>;
  status: SubgraphStatus[];
  composedAt: string;
}

const SDL_QUERY = JSON.stringify({ query: '{ _service { sdl } }' });

export async function fetchSubgraphSdl(url: string, timeoutMs = 5000): Promise<string> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: SDL_QUERY,
    signal: AbortSignal.timeout(timeoutMs),
  });
  if (!response.ok) throw new Error(`HTTP ${response.status} from ${url}`);
  const body = (await response.json()) as { data?: { _service?: { sdl?: string } }; errors?: Array<{ message: string }> };
  const sdl = body.data?._service?.sdl;
  if (typeof sdl !== 'string') throw new Error(`${url} answered no _service.sdl (${body.errors?.[0]?.message ?? 'not a federation subgraph'})`);
  return sdl;
}

const hashOf = (sdl: string) => createHash('sha256').update(sdl).digest('hex').slice(0, 16);

/**
 * Composes the reachable, valid subgraphs. Core subgraphs go first, then the rest one by one; a
 * subgraph whose addition breaks composition is left out with the composition errors as reason.
 */
export async function compose(sources: readonly SubgraphSource[]): Promise<Composition & { hashes: Map<string, string> }> {
  const status: SubgraphStatus[] = [];
  const candidates: Array<{ source: SubgraphSource; document: DocumentNode; hash: string }> = [];
  await Promise.all(
    sources.map(async (source) => {
      let sdl: string;
      try {
        sdl = source.sdl ?? (await fetchSubgraphSdl(source.url));
      } catch (error) {
        status.push({ name: source.name, url: source.url, state: 'unreachable', reason: (error as Error).message });
        return;
      }
      try {
        candidates.push({ source, document: parse(sdl), hash: hashOf(sdl) });
      } catch (error) {
        status.push({ name: source.name, url: source.url, state: 'invalid', reason: `its SDL does not parse: ${(error as Error).message}` });
      }
    }),
  );
  const order = (c: { source: SubgraphSource }) => (c.source.core ? 0 : 1);
  candidates.sort((a, b) => order(a) - order(b) || sources.indexOf(a.source) - sources.indexOf(b.source));

  const included: typeof candidates = [];
  let supergraphSdl: string | undefined;
  for (const candidate of candidates) {
    const attempt = [...included, candidate];
    const result = composeServices(attempt.map((c) => ({ name: c.source.name, typeDefs: c.document, url: c.source.url })));
    if (result.errors) {
      const reason = result.errors.slice(0, 5).map((e) => e.message).join('; ');
      status.push({ name: candidate.source.name, url: candidate.source.url, state: 'left-out', reason: `does not compose with ${included.map((c) => c.source.name).join(', ') || 'nothing'}: ${reason}` });
      continue;
    }
    included.push(candidate);
    supergraphSdl = result.supergraphSdl;
  }
  for (const c of included) status.push({ name: c.source.name, url: c.source.url, state: 'composed', hash: c.hash });
  status.sort((a, b) => sources.findIndex((s) => s.name === a.name) - sources.findIndex((s) => s.name === b.name));
  if (!supergraphSdl) {
    throw new Error(`no subgraph composes: ${status.map((s) => `${s.name} ${s.state}${'reason' in s ? ` (${s.reason})` : ''}`).join('; ')}`);
  }
  return {
    supergraphSdl,
    subgraphs: new Map(included.map((c) => [c.source.name, c.document])),
    status,
    composedAt: new Date().toISOString(),
    hashes: new Map(candidates.map((c) => [c.source.name, c.hash])),
  };
}

/** A fingerprint of what the sources serve now: changes when any SDL changes or a subgraph comes or goes. */
export async function fingerprint(sources: readonly SubgraphSource[]): Promise<string> {
  const parts = await Promise.all(
    sources.map(async (s) => {
      try {
        return `${s.name}=${hashOf(s.sdl ?? (await fetchSubgraphSdl(s.url)))}`;
      } catch {
        return `${s.name}=unreachable`;
      }
    }),
  );
  return parts.join(',');
}

// The J4 query: one GraphQL operation through the gateway for an identifier's record (the
// resolver's subgraph), its trace on the ledger (events, custody now, provenance up and down) and
// the supplier's datasheet (a subgraph the transformer maker runs). The page shows this text.
export const J4_QUERY = /* GraphQL */ `query IdentifierJourney($handle: String!) {
  tracedIdentifier(handle: $handle) {
    handle
    prefix
    template { id name }
    fields { name value }
    batchId
    registeredAt
    trace {
      events { eventId type eventTime bizStep disposition recordedBy recordedAt txId }
      state {
        owner custodian commissioned bizStep disposition bizLocation
        recalled parent children inputs outputs firstEventTime lastEventTime
      }
      provenance(depth: 3) {
        root
        links { from to relation direction depth }
      }
    }
    datasheet {
      model manufacturer ratedKva primaryKv secondaryKv vectorGroup cooling
      noLoadLossW loadLossW impedancePct weightKg standard documentUrl
    }
  }
}`;

export interface TraceEvent {
  eventId: string;
  type: string;
  eventTime: string;
  bizStep: string | null;
  disposition: string | null;
  recordedBy: string;
  recordedAt: string;
  txId: string;
}

export interface TracedState {
  owner: string;
  custodian: string;
  commissioned: boolean;
  bizStep: string | null;
  disposition: string | null;
  bizLocation: string | null;
  recalled: boolean;
  parent: string | null;
  children: string[];
  inputs: string[];
  outputs: string[];
  firstEventTime: string;
  lastEventTime: string;
}

export interface ProvenanceLink {
  from: string;
  to: string;
  relation: 'parent' | 'child' | 'input' | 'output' | string;
  direction: 'up' | 'down' | string;
  depth: number;
}

export interface Datasheet {
  model: string;
  manufacturer: string;
  ratedKva: number;
  primaryKv: number;
  secondaryKv: number;
  vectorGroup: string;
  cooling: string;
  noLoadLossW: number;
  loadLossW: number;
  impedancePct: number;
  weightKg: number;
  standard: string;
  documentUrl: string;
}

export interface J4Answer {
  tracedIdentifier: {
    handle: string;
    prefix: string;
    template: { id: string; name: string } | null;
    fields: Array<{ name: string; value: string | null }>;
    batchId: string | null;
    registeredAt: string;
    trace: { events: TraceEvent[]; state: TracedState | null; provenance: { root: string; links: ProvenanceLink[] } | null };
    datasheet: Datasheet | null;
  } | null;
}

export const PROOF_CHECK_QUERY = /* GraphQL */ `query IdentifierProofCheck($prefix: String!, $batchId: ID!, $leaf: String!, $path: [MerkleProofStepInput!]!) {
  identifierProofCheck(prefix: $prefix, batchId: $batchId, leaf: $leaf, path: $path) {
    valid
    anchor { merkleRoot count txId anchoredBy anchoredAt }
  }
}`;

export interface ProofCheckAnswer {
  identifierProofCheck: { valid: boolean; anchor: { merkleRoot: string; count: number; txId: string; anchoredBy: string; anchoredAt: string } } | null;
}

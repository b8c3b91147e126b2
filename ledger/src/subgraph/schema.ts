// The ledger subgraph's SDL: catalog, agreements of the caller's org (with history), the
// negotiation as mutations, usage per agreement, and the trace of an identifier.
export const LEDGER_SUBGRAPH_SDL = /* GraphQL */ `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.6", import: ["@key", "@shareable"])

  "Any JSON value (policies and cross-border terms are ODRL-shaped documents)."
  scalar JSON

  enum AgreementState {
    REQUESTED
    OFFERED
    ACCEPTED
    AGREED
    VERIFIED
    FINALIZED
    TERMINATED
  }

  enum PeriodLevel {
    day
    month
    quarter
    year
  }

  type Organization {
    id: ID!
    name: String!
    mspId: String!
    type: String!
    jurisdiction: String!
  }

  type Offer {
    id: ID!
    title: String
    policy: JSON!
    crossBorder: JSON
  }

  "A data product in the ledger's catalog."
  type DataProduct {
    id: ID!
    version: String!
    title: String!
    description: String
    provider: String!
    status: String!
    keywords: [String!]!
    themes: [String!]!
    accrualPeriodicity: String
    graphqlCoordinates: [String!]!
    offers: [Offer!]!
    publishedAt: String!
    updatedAt: String!
  }

  type AgreementStep {
    txId: String!
    timestamp: String!
    revision: Int!
    state: AgreementState!
    action: String!
    by: String!
  }

  type Termination {
    by: String!
    kind: String!
    reason: String!
    at: String!
  }

  type Agreement {
    id: ID!
    dataProductId: ID!
    offerId: ID
    provider: String!
    consumer: String!
    state: AgreementState!
    policy: JSON!
    crossBorder: JSON!
    revision: Int!
    createdAt: String!
    updatedAt: String!
    finalizedAt: String
    termination: Termination
    "Every committed revision, oldest first."
    history: [AgreementStep!]!
    "Usage in the period containing \`time\` (default: now)."
    usage(period: PeriodLevel!, time: String): Usage!
  }

  type UsageReceipt {
    id: ID!
    dataProductId: ID!
    queryHash: String!
    rows: Int!
    releasedAt: String!
    recordedAt: String!
    txId: String!
  }

  type Usage {
    agreementId: ID!
    period: PeriodLevel!
    periodKey: String!
    start: String!
    end: String!
    count: Int!
    rows: Int!
    limit: Int
    remaining: Int
    "The period's receipts, a page at a time (\`count\` says how many there are)."
    receiptPage(first: Int = 100, after: String): UsageReceiptPage!
  }

  type UsageReceiptPage {
    receipts: [UsageReceipt!]!
    "Pass as \`after\` for the next page; null on the last page."
    nextCursor: String
  }

  type TraceEvent {
    eventId: ID!
    type: String!
    eventTime: String!
    bizStep: String
    disposition: String
    objects: [String!]!
    recordedBy: String!
    recordedAt: String!
    txId: String!
    "The EPCIS 2.0 event as recorded."
    event: JSON!
  }

  type TracedObject {
    id: String!
    owner: String!
    custodian: String!
    commissioned: Boolean!
    bizStep: String
    disposition: String
    bizLocation: String
    firstEventTime: String!
    lastEventTime: String!
    recalled: Boolean!
    parent: String
    children: [String!]!
    inputs: [String!]!
    outputs: [String!]!
  }

  type ProvenanceLink {
    from: String!
    to: String!
    relation: String!
    direction: String!
    depth: Int!
  }

  type Provenance {
    root: String!
    depth: Int!
    objects: [TracedObject!]!
    links: [ProvenanceLink!]!
  }

  "What the ledger knows about an identified object."
  type Trace {
    events: [TraceEvent!]!
    "Current custody and status; null when nothing was recorded about the object."
    state: TracedObject
    provenance(depth: Int = 3): Provenance
  }

  "An industrial-internet identifier (the resolver owns its record; the ledger adds its trace)."
  type Identifier @key(fields: "handle") {
    handle: String!
    trace: Trace!
  }

  "The Merkle root of an identifier registration batch, as anchored on the ledger."
  type IdentifierAnchor {
    prefix: String!
    batchId: ID!
    merkleRoot: String!
    count: Int!
    algorithm: String!
    anchoredBy: String!
    anchoredAt: String!
    txId: String!
  }

  enum MerkleSide {
    left
    right
  }

  "One step of a Merkle audit path: the sibling hash and the side it sits on."
  input MerkleProofStepInput {
    side: MerkleSide!
    hash: String!
  }

  "IdentifierAnchors:Verify on the ledger: whether a leaf and its audit path lead to the anchored root."
  type IdentifierProofCheck {
    valid: Boolean!
    anchor: IdentifierAnchor!
  }

  type RecordedTraceEvent {
    eventId: ID!
    txId: String!
    blockNumber: Int!
  }

  type Query {
    "The data products of the catalog."
    dataProducts: [DataProduct!]!
    dataProduct(id: ID!): DataProduct
    organizations: [Organization!]!
    "The agreements the caller's org is a party to (as provider or consumer)."
    agreements(state: AgreementState): [Agreement!]!
    "One agreement the caller's org is a party to."
    agreement(id: ID!): Agreement
    "The trace of an identifier, e.g. 88.188.1001/TX2026-000001."
    trace(handle: String!): Trace!
    "The identifier as an entity: other subgraphs (resolver, supplier datasheets) add their fields to it."
    tracedIdentifier(handle: String!): Identifier!
    "The anchor of an identifier registration batch (public); null when it is not anchored (yet)."
    identifierAnchor(prefix: String!, batchId: ID!): IdentifierAnchor
    "Checks a record's leaf hash and audit path (the resolver's GET /api/handles/{handle}/proof) against its batch's anchor; null when not anchored (yet)."
    identifierProofCheck(prefix: String!, batchId: ID!, leaf: String!, path: [MerkleProofStepInput!]!): IdentifierProofCheck
  }

  input AgreementProposalInput {
    id: ID!
    dataProductId: ID!
    offerId: ID
    consumer: String
    policy: JSON!
    crossBorder: JSON!
  }

  type Mutation {
    "Consumer: request an agreement (or counter an offer)."
    requestAgreement(proposal: AgreementProposalInput!): Agreement!
    "Provider: offer an agreement (or counter a request)."
    offerAgreement(proposal: AgreementProposalInput!): Agreement!
    acceptAgreement(id: ID!): Agreement!
    agreeAgreement(id: ID!): Agreement!
    verifyAgreement(id: ID!): Agreement!
    finalizeAgreement(id: ID!): Agreement!
    "Either party: end a negotiation, or revoke / renounce a FINALIZED agreement."
    terminateAgreement(id: ID!, reason: String!): Agreement!
    "Records one EPCIS 2.0 event (JSON) as the caller's org; the chaincode's custody rules apply."
    recordTraceEvent(event: JSON!): RecordedTraceEvent!
  }
`;

// @gridspace/identity-resolver: the industrial-internet identifier second-level node (and the
// top-level node mode for local federations).
export { startResolverNode, type ResolverNode } from './node.js';
export { resolveConfig, RESOLVER_AUDIENCE, type ResolverConfig, type NodeMode } from './config.js';
export { verifyAnswer as verify, verifyAnswer, VerificationError, issuePrefixCertificate, type VerifiedAnswer } from './trust/signing.js';
export { merkleRoot, leafHash, type MerkleProofStep } from './anchor/merkle.js';
export type { AnchorSink, BatchAnchor, AnchorReceipt } from './anchor/port.js';
export { ledgerAnchorSink } from './anchor/ledger-sink.js';
export type { RegistrySource } from './auth/registry.js';
export type { HandleValue } from './handle/values.js';
export type { Template, TemplateItem } from './node/templates.js';
export { RC } from './handle/errors.js';
export { IDENTIFIERS_SDL } from './graphql/subgraph.js';
export { verifyProof, type HandleProof } from './anchor/verify-proof.js';

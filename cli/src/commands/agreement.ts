// `gridspace agreement ...`: the Dataspace Protocol negotiation on the ledger, through the
// gateway's ledger subgraph, as the org of --as (the chaincode decides who may take each step).
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { action, CliError, dataDir, demoOrg, demoPartnersOf, gatewayQuery, runningNetwork, tokenFor } from './context.js';
import { emit, table, when } from './output.js';

const FIELDS = 'id dataProductId offerId provider consumer state revision policy crossBorder createdAt updatedAt finalizedAt termination { by kind reason at }';
export const STATES = ['REQUESTED', 'OFFERED', 'ACCEPTED', 'AGREED', 'VERIFIED', 'FINALIZED', 'TERMINATED'];
const LEVEL = /^(customer|district|city|province|gba):(customer|division|section|all):(day|month|quarter|year)$/;

interface TermsOptions {
  id?: string;
  product: string;
  offer?: string;
  consumer?: string;
  purpose: string;
  minAggregation?: string;
  monthlyCap?: string;
  validDays?: string;
  filingReference?: string;
  policyFile?: string;
  crossBorderFile?: string;
}

function readJsonFile(file: string, option: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new CliError(`${option}: ${file} is not a readable JSON file (${(error as Error).message})`);
  }
}

/** The proposal from the flags (or from --policy-file / --cross-border-file). */
async function proposalOf(dir: string, provider: string, consumer: string, options: TermsOptions) {
  const partners = demoPartnersOf(dir);
  const providerOrg = demoOrg(partners, provider);
  const consumerOrg = demoOrg(partners, consumer);
  if (!consumerOrg) throw new CliError(`consumer: "${consumer}" is not in the partner registry`);
  if (!providerOrg) throw new CliError(`provider: "${provider}" is not in the partner registry`);
  let policy: unknown;
  if (options.policyFile) policy = readJsonFile(options.policyFile, '--policy-file');
  else {
    const constraints: unknown[] = [{ leftOperand: 'purpose', operator: 'isAnyOf', rightOperand: options.purpose.split(',') }];
    if (options.minAggregation) {
      const match = LEVEL.exec(options.minAggregation);
      if (!match) throw new CliError(`--min-aggregation: "${options.minAggregation}" must be region:industry:period, e.g. city:division:month`);
      constraints.push({ leftOperand: 'aggregationLevel', operator: 'gteq', rightOperand: { region: match[1], industry: match[2], period: match[3] } });
    }
    if (options.monthlyCap) {
      const cap = Number(options.monthlyCap);
      if (!Number.isInteger(cap) || cap < 1) throw new CliError(`--monthly-cap: must be a positive integer, not "${options.monthlyCap}"`);
      constraints.push({ leftOperand: 'count', operator: 'lteq', rightOperand: cap, period: 'month' });
    }
    if (options.validDays) {
      const days = Number(options.validDays);
      if (!Number.isInteger(days) || days < 1) throw new CliError(`--valid-days: must be a positive integer, not "${options.validDays}"`);
      const now = Date.now();
      constraints.push({ leftOperand: 'dateTime', operator: 'gteq', rightOperand: new Date(now - 60_000).toISOString() });
      constraints.push({ leftOperand: 'dateTime', operator: 'lt', rightOperand: new Date(now + days * 86_400_000).toISOString() });
    }
    policy = { target: options.product, assigner: provider, assignee: consumer, permissions: [{ action: 'use', constraints }] };
  }
  let crossBorder: unknown;
  if (options.crossBorderFile) crossBorder = readJsonFile(options.crossBorderFile, '--cross-border-file');
  else {
    const { standardCrossBorderTerms } = await import('@gridspace/schemas');
    const terms = standardCrossBorderTerms({ providerJurisdiction: providerOrg.jurisdiction, consumerJurisdiction: consumerOrg.jurisdiction, filingReference: options.filingReference });
    if (terms.transferMechanism !== 'exempt' && !options.filingReference) throw new CliError(`--filing-reference: a transfer to ${terms.consumerJurisdiction} under ${terms.transferMechanism} needs the filing reference of the standard contract`);
    crossBorder = terms;
  }
  return {
    id: options.id ?? `agr-${consumer}-${options.product}-${Date.now().toString(36)}`,
    dataProductId: options.product,
    ...(options.offer ? { offerId: options.offer } : {}),
    ...(options.consumer ? { consumer } : {}),
    policy,
    crossBorder,
  };
}

function termsOptions(command: Command): Command {
  return command
    .option('--id <id>', 'agreement id (default: generated)')
    .option('--product <id>', 'data product id', 'electricity-economic-indices')
    .option('--offer <id>', 'catalog offer the terms start from')
    .option('--purpose <purposes>', 'allowed purposes, comma-separated', 'macro-economic-monitoring')
    .option('--min-aggregation <level>', 'coarsest-at-least region:industry:period, e.g. city:division:month')
    .option('--monthly-cap <n>', 'at most n releases per month')
    .option('--valid-days <n>', 'validity window from now, in days')
    .option('--filing-reference <ref>', 'filing reference of the GBA standard contract (Hong Kong / Macau consumers)')
    .option('--policy-file <file>', 'the whole ODRL policy as JSON instead of the flags above')
    .option('--cross-border-file <file>', 'the cross-border terms as JSON');
}

/** The fields of FIELDS a person reads. */
interface Agreement {
  id: string;
  dataProductId: string;
  provider: string;
  consumer: string;
  state: string;
  revision: number;
  updatedAt: string;
  /** `by` is the party (provider or consumer), `kind` revoked, renounced, ... */
  termination?: { by: string; kind: string; reason: string; at: string } | null;
}

/** A state change as one line: `agr-1: OFFERED (revision 2), electricity-economic-indices from gd-grid to gd-stats`. */
export function agreementLine(agreement: Agreement): string {
  const end = agreement.termination ? `; ${agreement.termination.kind} by the ${agreement.termination.by}: ${agreement.termination.reason}` : '';
  return `${agreement.id}: ${agreement.state} (revision ${agreement.revision}), ${agreement.dataProductId} from ${agreement.provider} to ${agreement.consumer}${end}`;
}

/** Agreements as a table, one line each. */
export function agreementTable(agreements: Agreement[]): string {
  return table(
    ['ID', 'PRODUCT', 'PROVIDER', 'CONSUMER', 'STATE', 'REV', 'UPDATED'],
    agreements.map((a) => [a.id, a.dataProductId, a.provider, a.consumer, a.state, a.revision, when(a.updatedAt)]),
  );
}

async function mutate(command: Command, org: string, mutation: string, variables: Record<string, unknown>): Promise<void> {
  const dir = dataDir(command);
  const network = runningNetwork(dir);
  const data = await gatewayQuery<Record<string, Agreement>>(network, await tokenFor(dir, { org }), mutation, variables);
  emit(command, Object.values(data)[0]!, agreementLine);
}

export function agreementCommands(root: Command): void {
  const agreement = root.command('agreement').description('data-sharing agreements on the ledger: list, request, offer, accept, agree, verify, finalize, terminate');

  agreement
    .command('list')
    .description("the agreements the org is a party to")
    .option('--as <org>', 'org', 'gd-grid')
    .option('--state <state>', `only this state (${STATES.join(', ')})`)
    .action(
      action(async (options: { as: string; state?: string }, command: Command) => {
        if (options.state && !STATES.includes(options.state)) throw new CliError(`--state: must be one of ${STATES.join(', ')}, not "${options.state}"`);
        const dir = dataDir(command);
        const data = await gatewayQuery<{ agreements: Agreement[] }>(runningNetwork(dir), await tokenFor(dir, { org: options.as }), `query($state: AgreementState) { agreements(state: $state) { ${FIELDS} } }`, { state: options.state ?? null });
        emit(command, data.agreements, (agreements) => (agreements.length ? agreementTable(agreements) : `no ${options.state ? `${options.state} ` : ''}agreements of ${options.as}`));
      }),
    );

  termsOptions(agreement.command('request').description('consumer: request an agreement for a data product (or counter an offer: same --id)'))
    .option('--as <org>', 'consumer org', 'gd-drc')
    .option('--provider <org>', 'provider org', 'gd-grid')
    .action(
      action(async (options: TermsOptions & { as: string; provider: string }, command: Command) => {
        const proposal = await proposalOf(dataDir(command), options.provider, options.as, { ...options, consumer: undefined });
        await mutate(command, options.as, `mutation($p: AgreementProposalInput!) { requestAgreement(proposal: $p) { ${FIELDS} } }`, { p: proposal });
      }),
    );

  termsOptions(agreement.command('offer').description('provider: offer terms to a consumer (or counter its request: same --id)'))
    .requiredOption('--consumer <org>', 'consumer org')
    .option('--as <org>', 'provider org', 'gd-grid')
    .action(
      action(async (options: TermsOptions & { as: string; consumer: string }, command: Command) => {
        const proposal = await proposalOf(dataDir(command), options.as, options.consumer, options);
        await mutate(command, options.as, `mutation($p: AgreementProposalInput!) { offerAgreement(proposal: $p) { ${FIELDS} } }`, { p: proposal });
      }),
    );

  const steps: Array<[string, string, string, string]> = [
    ['accept', 'acceptAgreement', 'consumer: accept the offered terms', 'gd-drc'],
    ['agree', 'agreeAgreement', 'provider: agree to the accepted terms', 'gd-grid'],
    ['verify', 'verifyAgreement', 'consumer: verify the agreement', 'gd-drc'],
    ['finalize', 'finalizeAgreement', 'provider: finalize; data flows from now on', 'gd-grid'],
  ];
  for (const [name, field, description, defaultOrg] of steps) {
    agreement
      .command(name)
      .description(description)
      .argument('<id>', 'agreement id')
      .option('--as <org>', 'org taking the step', defaultOrg)
      .action(action(async (id: string, options: { as: string }, command: Command) => mutate(command, options.as, `mutation($id: ID!) { ${field}(id: $id) { ${FIELDS} } }`, { id })));
  }

  agreement
    .command('terminate')
    .description('either party: end a negotiation, or revoke (provider) / renounce (consumer) a finalized agreement')
    .argument('<id>', 'agreement id')
    .requiredOption('--reason <text>', 'why (recorded on the ledger)')
    .option('--as <org>', 'org terminating', 'gd-grid')
    .action(
      action(async (id: string, options: { as: string; reason: string }, command: Command) =>
        mutate(command, options.as, `mutation($id: ID!, $reason: String!) { terminateAgreement(id: $id, reason: $reason) { ${FIELDS} } }`, { id, reason: options.reason }),
      ),
    );
}

// negotiateAgreement: the usual path of the state machine, resumable from wherever an agreement is.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { NEGOTIATION_PATH, negotiateAgreement, type Ledger } from '../../src/index.js';
import { basicPolicy, domesticTerms, evaluate, openLedgerWithOrganizations, org, publishProduct, unique } from './support.js';

describe('negotiateAgreement', () => {
  let ledger: Ledger;
  let productId: string;
  before(async () => {
    ledger = await openLedgerWithOrganizations();
    productId = await publishProduct(ledger);
  });
  after(async () => ledger.close());

  it('follows the state machine from request to FINALIZED', () => {
    assert.deepEqual(NEGOTIATION_PATH.map((t) => [t.action, t.to, t.by.join('|')]), [
      ['request', 'REQUESTED', 'consumer'],
      ['offer', 'OFFERED', 'provider'],
      ['accept', 'ACCEPTED', 'consumer'],
      ['agree', 'AGREED', 'provider'],
      ['verify', 'VERIFIED', 'consumer'],
      ['finalize', 'FINALIZED', 'provider'],
    ]);
  });

  it('stops where asked and resumes from there, taking no step twice', async () => {
    const proposal = { id: unique('agr'), dataProductId: productId, policy: basicPolicy(productId), crossBorder: domesticTerms() };
    const parties = { provider: org('operator'), consumer: org('agency'), proposal };
    assert.equal(await negotiateAgreement(ledger, { ...parties, upTo: 'ACCEPTED' }), 'ACCEPTED');
    assert.equal(await negotiateAgreement(ledger, parties), 'FINALIZED');
    const height = await ledger.height();
    assert.equal(await negotiateAgreement(ledger, parties), 'FINALIZED');
    assert.equal(await ledger.height(), height, 'a finished negotiation submits nothing');
    const { history } = await evaluate<{ history: Array<{ state: string }> }>(ledger, { identity: 'agency', fn: 'Agreements:Get', args: [proposal.id] });
    assert.deepEqual(history.map((h) => h.state), NEGOTIATION_PATH.map((t) => t.to));
  });

  it('opens with the provider offer when asked', async () => {
    const proposal = { id: unique('agr'), dataProductId: productId, consumer: 'gd-drc', policy: basicPolicy(productId), crossBorder: domesticTerms() };
    assert.equal(await negotiateAgreement(ledger, { provider: org('operator'), consumer: org('agency'), proposal, opensWith: 'offer', upTo: 'OFFERED' }), 'OFFERED');
  });
});

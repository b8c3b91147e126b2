// Output for people: aligned tables, one line per agreement change, a record's values, what
// `id verify` checked; and --json, before or after the subcommand, asks for JSON instead.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Command } from 'commander';
import { agreementLine, agreementTable } from '../src/commands/agreement.js';
import { recordText, verifiedText } from '../src/commands/id.js';
import { emit, table, when, wantsJson } from '../src/commands/output.js';
import { traceText } from '../src/commands/trace.js';

const agreement = { id: 'agr-1', dataProductId: 'electricity-economic-indices', provider: 'gd-grid', consumer: 'gd-stats', state: 'OFFERED', revision: 2, updatedAt: '2026-12-04T14:50:09.295Z' };

describe('output for people', () => {
  it('aligns table columns and shows absent values as -', () => {
    assert.equal(table(['A', 'LONG HEADER', 'C'], [['xyz', null, 'last'], ['q', 7, undefined]]), ['A    LONG HEADER  C', 'xyz  -            last', 'q    7            -'].join('\n'));
    assert.equal(when('2026-12-04T14:50:09.295Z'), '2026-12-04 14:50:09Z');
    assert.equal(when('2026-12-01T22:50:09.296+08:00'), '2026-12-01 22:50:09+08:00');
  });

  it('says an agreement state change in one line, a termination with its reason', () => {
    assert.equal(agreementLine(agreement), 'agr-1: OFFERED (revision 2), electricity-economic-indices from gd-grid to gd-stats');
    const ended = { ...agreement, state: 'TERMINATED', revision: 7, termination: { by: 'provider', kind: 'revoked', reason: 'review', at: '2026-12-05T00:00:00Z' } };
    assert.equal(agreementLine(ended), 'agr-1: TERMINATED (revision 7), electricity-economic-indices from gd-grid to gd-stats; revoked by the provider: review');
    assert.match(agreementTable([agreement]).split('\n')[1]!, /^agr-1 +electricity-economic-indices +gd-grid +gd-stats +OFFERED +2 +2026-12-04 14:50:09Z$/);
  });

  it('shows a record as a table of its values, an admin value as handle:index and permissions', () => {
    const text = recordText({
      handle: '88.188.1001/TX1',
      values: [
        { index: 10, type: 'model', data: { format: 'string', value: 'S13-M-630/10' }, ttl: 86400, timestamp: '2026-12-04T14:50:09.257Z' },
        { index: 100, type: 'HS_ADMIN', data: { format: 'admin', value: { handle: '0.NA/88.188.1001', index: 300, permissions: '011111110011' } }, ttl: 86400, timestamp: '2026-12-04T14:50:09.257Z' },
      ],
    });
    assert.deepEqual(text.split('\n'), ['88.188.1001/TX1: 2 values', 'INDEX  TYPE      TTL    VALUE', '10     model     86400  S13-M-630/10', '100    HS_ADMIN  86400  0.NA/88.188.1001:300 permissions 011111110011']);
  });

  it('says what id verify checked, and when the record changed since registration', () => {
    const result = {
      handle: '88.188.1001/TX1', signature: 'valid', signer: '0.NA/88.188', certifiedPrefix: '88.188', certifiedBy: '0.NA/88', signedAt: '2026-12-04T14:51:08.000Z',
      proof: { batchId: 'b1', merkleRoot: 'ab12', path: 'valid' as const, ledger: 'valid' as const, matchesRegistered: false, note: 'the record changed after registration: the proof is of the registered version', anchoredOnLedger: { merkleRoot: 'ab12', txId: 'tx9', anchoredBy: 'tx-maker', anchoredAt: '2026-12-04T14:50:09.295Z' } },
    };
    assert.deepEqual(verifiedText(result).split('\n'), [
      '88.188.1001/TX1: signature valid, signed by 0.NA/88.188 at 2026-12-04 14:51:08Z (certified for 88.188 by 0.NA/88)',
      '  Merkle proof valid up to root ab12 of batch b1',
      '  the ledger anchors that root: anchored by tx-maker at 2026-12-04 14:50:09Z (tx tx9)',
      '  note: the record changed after registration: the proof is of the registered version',
    ]);
    assert.equal(verifiedText({ ...result, proof: undefined }).split('\n').length, 1);
  });

  it('shows a trace as where the object is and its events, or says there is none', () => {
    assert.equal(traceText('88.188.1001/NOPE', { events: [], state: null }), 'no trace events of 88.188.1001/NOPE');
    const text = traceText('88.188.1001/TX1', {
      events: [{ eventId: 'e1', type: 'ObjectEvent', eventTime: '2026-12-01T14:50:09.296Z', bizStep: 'commissioning', disposition: 'active', recordedBy: 'tx-maker', txId: '8e2b91335cee89034698' }],
      state: { owner: 'tx-maker', custodian: 'tx-maker', disposition: 'active', bizLocation: null, recalled: true },
    });
    assert.deepEqual(text.split('\n'), [
      '88.188.1001/TX1: owner tx-maker, custodian tx-maker, disposition active, RECALLED',
      '1 event:',
      'TIME                  TYPE         STEP           DISPOSITION  BY        TX',
      '2026-12-01 14:50:09Z  ObjectEvent  commissioning  active       tx-maker  8e2b91335cee',
    ]);
  });

  it('prints JSON when --json is given before or after the subcommand, text otherwise', async () => {
    const printed: string[] = [];
    const log = console.log;
    console.log = (line: string) => printed.push(line);
    try {
      for (const args of [['list'], ['--json', 'list'], ['list', '--json']]) {
        const root = new Command('gridspace').option('--json').exitOverride();
        root.command('list').action((_options: unknown, command: Command) => emit(command, { n: 1 }, (v) => `n is ${v.n}`));
        await root.parseAsync(args, { from: 'user' });
      }
    } finally {
      console.log = log;
    }
    assert.deepEqual(printed, ['n is 1', '{\n  "n": 1\n}', '{\n  "n": 1\n}']);
    assert.equal(wantsJson(new Command('x')), false);
  });
});

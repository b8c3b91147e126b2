// Gridspace identifiers as EPC URIs: the mapping round-trips, passes GS1's URI check, and has
// exactly one spelling per identifier.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { enterprisePrefixOfEpcUri, handleFromEpcUri, isEpcisUri, toEpcUri } from '../src/epcis/index.js';
import { gs1Oracle } from './epcis-reference.js';

test('an identifier becomes an info:hdl URI', () => {
  assert.equal(toEpcUri('88.188.1001/TX2026-000001'), 'info:hdl/88.188.1001/TX2026-000001');
  assert.equal(handleFromEpcUri('info:hdl/88.188.1001/TX2026-000001'), '88.188.1001/TX2026-000001');
  assert.equal(enterprisePrefixOfEpcUri('info:hdl/88.188.1001/TX2026-000001'), '88.188.1001');
});

test('identifiers round-trip and every URI passes GS1 schema URI check', () => {
  const handles = [
    '88.188.1001/TX2026-000001',
    '88/top',
    '88.188.1001/batch/2026/lot 7',
    '88.188.1001/变压器-0001',
    '88.188.1001/a%2Fb?c#d&e=f',
    '88.188.1001/with:colon@and+plus',
    '88.188.1001/emoji-🔌',
    '88.188.1001/trailing/',
    '88.188.1001/a//b',
  ];
  for (const handle of handles) {
    const uri = toEpcUri(handle);
    assert.equal(handleFromEpcUri(uri), handle, uri);
    assert.equal(gs1Oracle().uri(uri), true, uri);
    assert.equal(isEpcisUri(uri), true, uri);
    assert.doesNotMatch(uri, /[\s?#]/, uri);
  }
  assert.equal(toEpcUri('88.188.1001/lot 7'), 'info:hdl/88.188.1001/lot%207');
});

test('URIs that are not the one spelling of a Gridspace identifier are not ours', () => {
  for (const uri of [
    'urn:epc:id:sgtin:0614141.107346.2017',
    'https://id.gs1.org/01/09506000134352/21/1',
    'info:hdl/88.188.1001',
    'info:hdl/88.188.1001/',
    'info:hdl/88.188.1001/%41BC', // %41 is A: not the canonical spelling
    'info:hdl/88.188.1001/a%2Fb%2', // broken percent-encoding
    'info:hdl/88.188.1001/lot 7',
    'info:hdl/88..1001/x',
    'INFO:HDL/88.188.1001/x',
    'info:hdl/88.188.1001/../x',
  ]) {
    assert.equal(handleFromEpcUri(uri), undefined, uri);
    assert.equal(enterprisePrefixOfEpcUri(uri), undefined, uri);
  }
});

test('malformed identifiers are refused with the rule they break', () => {
  const cases: Array<[string, string]> = [
    ['TX2026-000001', "handle: must be 'prefix/suffix', e.g. '88.188.1001/TX2026-000001'"],
    ['88.188.1001/', 'handle: suffix must not be empty'],
    ['88.188..1001/x', 'handle: prefix must be dot-separated letters and digits, e.g. 88.188.1001'],
    ['/x', 'handle: prefix must be dot-separated letters and digits, e.g. 88.188.1001'],
    ['88.188.1001/a\nb', 'handle: suffix must not contain control characters'],
    ['88.188.1001/a/../b', "handle: suffix must not contain '.' or '..' path segments"],
    ['88.188.1001/\uD800', 'handle: suffix must be well-formed Unicode'],
  ];
  for (const [handle, rule] of cases) assert.throws(() => toEpcUri(handle), { message: `INVALID_ARGUMENT: ${rule}` }, handle);
  assert.throws(() => toEpcUri(42 as unknown as string), { message: 'INVALID_ARGUMENT: handle: must be a string' });
});

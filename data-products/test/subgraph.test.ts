// The energy subgraph over real HTTP with real ES256 grants: refusals, filtering by regions and
// aggregation, the CSV export behind the same check, and the federation SDL.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { computeIndices } from '../src/indices/indices.js';
import { meterDataFromRows } from '../src/indices/meter-data.js';
import { startEnergySubgraph, type EnergySubgraph } from '../src/subgraph/server.js';
import { GZ, grantSigner, handFixture, SZ, type GrantSigner } from './helpers.js';

let subgraph: EnergySubgraph;
let gateway: GrantSigner;
let impostor: GrantSigner;

before(async () => {
  gateway = await grantSigner();
  impostor = await grantSigner('gateway-key-1'); // same kid, different key
  const { customers, rows } = handFixture();
  subgraph = await startEnergySubgraph({ port: 0, indices: computeIndices(meterDataFromRows(customers, rows)), grants: { jwks: gateway.jwks }, log: () => {} });
});
after(() => subgraph.close());

const QUERY = `query ($q: ElectricityIndexQuery!, $first: Int) {
  electricityIndices(query: $q, first: $first) { totalCount nextCursor cells { period regionCode regionLevel industryCode industryLevel suppressed suppressionReason consumptionKwh yoyPct } }
}`;

async function graphql(query: string, variables: object, grant?: string) {
  const response = await fetch(subgraph.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(grant === undefined ? {} : { 'x-gridspace-grant': grant }) },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as { data?: { electricityIndices: { totalCount: number; cells: Array<Record<string, unknown>> } }; errors?: Array<{ message: string; extensions?: { code?: string } }> };
}

const monthly = { periodKind: 'MONTH', from: '2024-01', to: '2024-01' };

test('calls without a valid grant are refused with a stable code and a reason', async () => {
  const cases: Array<[string, string | undefined, string, RegExp]> = [
    ['missing', undefined, 'GRANT_MISSING', /call through the gateway/],
    ['garbage', 'not-a-jwt', 'GRANT_INVALID', /no grant for data product electricity-economic-indices/],
    ['wrong key', await impostor.sign(), 'GRANT_INVALID', /signature/],
    ['expired', await gateway.sign({}, { expiresIn: -5 }), 'GRANT_EXPIRED', /expired/],
    ['wrong audience', await gateway.sign({ aud: 'other-product' }), 'GRANT_INVALID', /audiences found: other-product/],
    ['wrong issuer', await gateway.sign({ iss: 'someone-else' }), 'GRANT_INVALID', /iss/],
    ['wrong typ', await gateway.sign({}, { typ: 'JWT' }), 'GRANT_INVALID', /typ/],
  ];
  for (const [name, grant, code, reason] of cases) {
    const result = await graphql(QUERY, { q: monthly }, grant);
    assert.equal(result.data?.electricityIndices ?? null, null, name);
    assert.equal(result.errors?.[0].extensions?.code, code, `${name}: ${JSON.stringify(result.errors)}`);
    assert.match(result.errors![0].message, reason, name);
  }
});

test('a valid grant: cells come back, suppressed ones without values', async () => {
  const grant = await gateway.sign();
  const result = await graphql(QUERY, { q: { ...monthly, regionCodes: [GZ], industryCodes: ['13', '44'] } }, grant);
  assert.equal(result.errors, undefined);
  const cells = result.data!.electricityIndices.cells;
  assert.deepEqual(cells.map((c) => [c.industryCode, c.suppressed, c.consumptionKwh]), [['13', false, 17050], ['44', true, null]]);
  assert.match(String(cells[1].suppressionReason), /dominance/);
});

test('the grant\'s finest aggregation filters by default and refuses finer requests', async () => {
  const grant = await gateway.sign({ scope: { minAggregation: { region: 'province', industry: 'section', period: 'month' }, deidentification: 'aggregated', crossBorder: false } });
  const result = await graphql(QUERY, { q: monthly, first: 10000 }, grant);
  const cells = result.data!.electricityIndices.cells;
  assert.ok(cells.length > 0);
  assert.ok(cells.every((c) => ['PROVINCE', 'GBA'].includes(String(c.regionLevel)) && ['SECTION', 'ALL'].includes(String(c.industryLevel))), 'only province/GBA x section/all');
  const finer = await graphql(QUERY, { q: { ...monthly, regionLevels: ['CITY'] } }, grant);
  assert.equal(finer.errors?.[0].extensions?.code, 'AGGREGATION_NOT_ALLOWED');
  assert.match(finer.errors![0].message, /province level or coarser; city cells were requested/);
  const days = await graphql(QUERY, { q: { periodKind: 'DAY' } }, grant);
  assert.equal(days.errors?.[0].extensions?.code, 'AGGREGATION_NOT_ALLOWED');
  const division = await graphql(QUERY, { q: { ...monthly, industryCodes: ['13'] } }, grant);
  assert.equal(division.errors?.[0].extensions?.code, 'AGGREGATION_NOT_ALLOWED');
});

test('the grant\'s regions filter rows; asking for another region is refused', async () => {
  const grant = await gateway.sign({ scope: { regions: [GZ], minAggregation: { region: 'city', industry: 'division', period: 'month' }, deidentification: 'aggregated', crossBorder: false } });
  const result = await graphql(QUERY, { q: monthly, first: 10000 }, grant);
  const regions = new Set(result.data!.electricityIndices.cells.map((c) => c.regionCode));
  assert.deepEqual([...regions], [GZ], 'province and GBA totals include other cities, so they are not visible');
  const other = await graphql(QUERY, { q: { ...monthly, regionCodes: [SZ] } }, grant);
  assert.equal(other.errors?.[0].extensions?.code, 'REGION_NOT_ALLOWED');
  // A grant for the province sees every city and the totals.
  const province = await gateway.sign({ scope: { regions: ['440000'], minAggregation: { region: 'city', industry: 'division', period: 'month' }, deidentification: 'aggregated', crossBorder: false } });
  const all = await graphql(QUERY, { q: { ...monthly, industryCodes: ['ALL'] } }, province);
  assert.deepEqual(all.data!.electricityIndices.cells.map((c) => c.regionCode).sort(), ['440000', '440100', '440300', '440600', 'GBA'].sort());
});

test('several grants in one header: the one for this data product is used', async () => {
  const other = await gateway.sign({ aud: 'grid-topology' });
  const ours = await gateway.sign();
  const result = await graphql(QUERY, { q: { ...monthly, regionCodes: [GZ], industryCodes: ['13'] } }, `${other}, ${ours}`);
  assert.equal(result.data!.electricityIndices.cells[0].consumptionKwh, 17050);
});

interface Page { totalCount: number; nextCursor: string | null; cells: Array<{ regionCode: string; industryCode: string }> }

test('paging with first/after covers every cell once', async () => {
  const grant = await gateway.sign();
  const pageQuery = `query ($q: ElectricityIndexQuery!, $after: String) { electricityIndices(query: $q, first: 7, after: $after) { totalCount nextCursor cells { regionCode industryCode } } }`;
  const seen: string[] = [];
  let after: string | null = null;
  let total = 0;
  do {
    const response: Response = await fetch(subgraph.url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-gridspace-grant': grant }, body: JSON.stringify({ query: pageQuery, variables: { q: monthly, after } }) });
    const page: Page = ((await response.json()) as { data: { electricityIndices: { totalCount: number; nextCursor: string | null; cells: Array<{ regionCode: string; industryCode: string }> } } }).data.electricityIndices;
    total = page.totalCount;
    seen.push(...page.cells.map((c) => `${c.regionCode}/${c.industryCode}`));
    after = page.nextCursor;
  } while (after);
  assert.equal(seen.length, total);
  assert.equal(new Set(seen).size, total);
});

test('CSV export: same grant check, same cells', async () => {
  const missing = await fetch(`${subgraph.exportUrl}?periodKind=month&from=2024-01&to=2024-01`);
  assert.equal(missing.status, 401);
  assert.equal(((await missing.json()) as { error: { code: string } }).error.code, 'GRANT_MISSING');
  const expired = await fetch(`${subgraph.exportUrl}?periodKind=month`, { headers: { 'x-gridspace-grant': await gateway.sign({}, { expiresIn: -5 }) } });
  assert.equal(expired.status, 403);
  const grant = await gateway.sign({ scope: { regions: [GZ], minAggregation: { region: 'city', industry: 'division', period: 'month' }, deidentification: 'aggregated', crossBorder: false } });
  const response = await fetch(`${subgraph.exportUrl}?periodKind=month&from=2024-01&to=2024-01&industryCodes=13,44`, { headers: { 'x-gridspace-grant': grant } });
  assert.equal(response.status, 200);
  assert.match(response.headers.get('content-type') ?? '', /text\/csv/);
  const lines = (await response.text()).trim().split('\n');
  assert.equal(lines[0], 'period_kind,period,region_level,region_code,industry_level,industry_code,suppressed,suppression_reason,consumption_kwh,yoy_pct,mom_pct,base_index,resumption_of_work_index,production_recovery_rate,diffusion_index');
  assert.equal(lines.length, 3);
  assert.match(lines[1], /^month,2024-01,city,440100,division,13,false,,17050,/);
  assert.match(lines[2], /^month,2024-01,city,440100,division,44,true,the 2 largest contributors .*,,,,,,,$/);
  const refused = await fetch(`${subgraph.exportUrl}?periodKind=day`, { headers: { 'x-gridspace-grant': grant } });
  assert.equal(refused.status, 403);
  assert.equal(((await refused.json()) as { error: { code: string } }).error.code, 'AGGREGATION_NOT_ALLOWED');
});

test('the subgraph SDL marks the data product with a composable @dataProduct directive', async () => {
  const response = await fetch(subgraph.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ _service { sdl } }' }) });
  const sdl = ((await response.json()) as { data: { _service: { sdl: string } } }).data._service.sdl;
  assert.match(sdl, /@composeDirective\(name: "@dataProduct"\)/);
  assert.match(sdl, /@link\(url: "https:\/\/gridspace\.example\/data-product\/v1\.0", import: \["@dataProduct"\]\)/);
  assert.match(sdl, /electricityIndices\(query: ElectricityIndexQuery!, first: Int = 1000, after: String\): ElectricityIndexPage! @dataProduct\(id: "electricity-economic-indices"\)/);
  // The public dimensions need no grant.
  const dims = await graphql('{ electricityIndexDimensions { regions { code level } } }', {});
  assert.equal((dims.data as unknown as { electricityIndexDimensions: { regions: unknown[] } }).electricityIndexDimensions.regions.length, 11);
});

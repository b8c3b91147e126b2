// `npm run bench -- portal`: the portal in headless Chromium against a running network (as npm
// start runs it), beside the same data fetched as a raw GraphQL round trip from the same page.
// Measures the initial JavaScript (gzipped), the time to the first usable screen (the catalog with
// its products, browser cache cold and warm), and to the indices explorer's first chart.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Page } from 'playwright-core';
import { percentile, report, round } from '@gridspace/bench/report';
import { signIn, startPortalHarness } from '../src/portal/browser.js';

const ROUNDS = 7;
const CATALOG_QUERY = '{ dataProducts { id version title description provider status keywords themes accrualPeriodicity publishedAt updatedAt offers { id title policy crossBorder } } agreements { id dataProductId state provider consumer updatedAt } }';
const LEVELS: Array<[string, string]> = [['City', 'Industry division'], ['City', 'Industry section'], ['Province', 'Industry division'], ['Province', 'Industry section'], ['Greater Bay Area', 'Industry section'], ['City', 'All industries'], ['Province', 'All industries']];
const GRAPHQL_LEVEL: Record<string, string> = { City: 'CITY', Province: 'PROVINCE', 'Greater Bay Area': 'GBA', 'Industry division': 'DIVISION', 'Industry section': 'SECTION', 'All industries': 'ALL' };

/** The gzipped size of what index.html loads before anything else: its module script and preloads. */
function initialJavaScript(): { bytes: number; files: string[] } {
  const dist = join(dirname(createRequire(import.meta.url).resolve('@gridspace/portal/package.json')), 'dist');
  const html = readFileSync(join(dist, 'index.html'), 'utf8');
  const files = [...html.matchAll(/<script[^>]+src="([^"]+\.js)"|<link[^>]+rel="modulepreload"[^>]+href="([^"]+\.js)"/g)].map((m) => (m[1] ?? m[2])!);
  const bytes = files.reduce((sum, file) => sum + gzipSync(readFileSync(join(dist, file))).length, 0);
  return { bytes, files };
}

async function timeCatalog(page: Page, portal: string): Promise<number> {
  const started = performance.now();
  await page.goto(`${portal}/catalog`);
  await page.locator('main article').first().waitFor();
  return performance.now() - started;
}

async function rawRoundTrip(page: Page, gateway: string, token: string, query: string, variables: unknown, purpose?: string): Promise<number> {
  return (await page.evaluate(
    async ([url, bearer, text, vars, why]) => {
      const started = performance.now();
      const response = await fetch(url as string, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${bearer as string}`, 'x-gridspace-csrf': '1', ...(why ? { 'x-gridspace-purpose': why as string } : {}) }, body: JSON.stringify({ query: text, variables: vars }) });
      const body = (await response.json()) as { data?: unknown; errors?: unknown[] };
      if (!body.data || body.errors) throw new Error(`raw round trip failed: ${JSON.stringify(body.errors)}`);
      return performance.now() - started;
    },
    [gateway, token, query, variables, purpose] as const,
  )) as number;
}

async function main(): Promise<void> {
  const initial = initialJavaScript();
  const h = await startPortalHarness();
  try {
    const page = await (await h.context('en')).newPage();
    await signIn(page, h.portal, 'gd-drc');
    const token = (await page.evaluate(`(() => { for (const k of Object.keys(sessionStorage)) if (k.includes('user:')) return JSON.parse(sessionStorage.getItem(k)).access_token; })()`)) as string;
    if (!token) throw new Error('no access token in the signed-in page');
    const cdp = await page.context().newCDPSession(page);
    const cold: number[] = [];
    const warm: number[] = [];
    const rawCatalog: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
      cold.push(await timeCatalog(page, h.portal));
      await cdp.send('Network.setCacheDisabled', { cacheDisabled: false });
      warm.push(await timeCatalog(page, h.portal));
      rawCatalog.push(await rawRoundTrip(page, h.net.network.urls.gateway, token, CATALOG_QUERY, {}));
    }
    const products = await page.locator('main article').count();
    if (products < 1) throw new Error('the catalog showed no data product');

    // The explorer: from opening the page to its first chart, a different cut each round.
    const chart: number[] = [];
    const rawIndices: number[] = [];
    for (const [region, industry] of LEVELS) {
      const started = performance.now();
      await page.goto(`${h.portal}/indices`);
      await page.getByRole('combobox', { name: 'Region level' }).click();
      await page.getByRole('option', { name: region, exact: true }).click();
      await page.getByRole('combobox', { name: 'Industry level' }).click();
      await page.getByRole('option', { name: industry, exact: true }).click();
      await page.getByRole('button', { name: 'Show indices' }).click();
      await page.getByTestId('time-series-chart').locator('.recharts-surface').first().waitFor();
      chart.push(performance.now() - started);
      const variables = { query: { periodKind: 'MONTH', regionLevels: [GRAPHQL_LEVEL[region]], industryLevels: [GRAPHQL_LEVEL[industry]] }, first: 5000 };
      rawIndices.push(await rawRoundTrip(page, h.net.network.urls.gateway, token, 'query($query: ElectricityIndexQuery!, $first: Int) { electricityIndices(query: $query, first: $first) { totalCount cells { period regionCode industryCode suppressed consumptionKwh } } }', variables, 'macro-economic-monitoring'));
    }
    const median = (values: number[]) => round(percentile([...values], 50), 0);
    const firstScreenCold = median(cold);
    report(
      'portal',
      {
        initialJsGzipKb: round(initial.bytes / 1024, 1),
        initialJsFiles: initial.files,
        firstScreenColdMs: firstScreenCold,
        firstScreenWarmMs: median(warm),
        catalogRawGraphqlMs: median(rawCatalog),
        firstScreenVsRaw: round(firstScreenCold / Math.max(1, median(rawCatalog)), 1),
        indicesFirstChartMs: median(chart),
        indicesRawGraphqlMs: median(rawIndices),
        indicesChartVsRaw: round(median(chart) / Math.max(1, median(rawIndices)), 1),
        rounds: ROUNDS,
        cuts: LEVELS.length,
      },
      [
        { name: 'initial JavaScript, gzipped (KB)', value: round(initial.bytes / 1024, 1), max: 250 },
        { name: 'first usable screen, cold cache (ms)', value: firstScreenCold, max: 1000 },
      ],
    );
  } finally {
    await h.close();
  }
}

await main();

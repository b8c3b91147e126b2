// The portal in a real headless Chromium, clicked through as people would: every demo org signs in
// through the identity provider, J2 negotiated step by step by two parties, J3 refused with its
// reason, J5 terminated by the operator and refused to the consumer at once; every page checked
// for accessibility and message keys in all three languages.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { checkPage, LANGUAGES, signIn, startPortalHarness, type PortalHarness } from './browser.js';

const ORGS = ['gd-grid', 'gd-drc', 'gd-stats', 'tx-maker', 'cable-maker', 'hk-partner', 'mo-partner'];

async function showIndices(page: Page, regionLevel: 'City' | 'Province' | 'Greater Bay Area', industryLevel: 'Industry section' | 'Industry division' | 'All industries'): Promise<void> {
  await page.getByRole('combobox', { name: 'Region level' }).click();
  await page.getByRole('option', { name: regionLevel, exact: true }).click();
  await page.getByRole('combobox', { name: 'Industry level' }).click();
  await page.getByRole('option', { name: industryLevel, exact: true }).click();
  await page.getByRole('button', { name: 'Show indices' }).click();
}

/** Takes one step on an agreement: its button, then the confirmation dialog's. */
async function step(page: Page, agreementId: string, action: string, reason?: string): Promise<void> {
  await page.goto(`${new URL(page.url()).origin}/agreements/${agreementId}`);
  await page.getByRole('button', { name: action, exact: true }).click();
  const dialog = page.getByRole('dialog');
  if (reason) await dialog.getByRole('textbox', { name: /Reason/ }).fill(reason);
  await dialog.getByRole('button', { name: action, exact: true }).click();
  await dialog.waitFor({ state: 'detached' });
}

describe('the portal, clicked through in Chromium', () => {
  let h: PortalHarness;
  before(async () => {
    h = await startPortalHarness();
  });
  after(async () => h?.close());

  it('every demo org signs in through its issuer, sees its own org, and signs out', async () => {
    for (const org of ORGS) {
      const page = await (await h.context('en')).newPage();
      await signIn(page, h.portal, org);
      const name = h.net.network.partners.registry.org(org)!.name;
      assert.equal(await page.getByTestId('signed-in-org').textContent(), name);
      if (org === 'gd-drc') {
        await page.getByRole('button', { name: 'Sign out' }).click();
        await page.getByRole('button', { name: 'Sign out' }).click(); // the issuer asks to confirm
        await page.waitForURL(`${h.portal}/**`);
        await page.goto(`${h.portal}/agreements`);
        await page.waitForURL('**/signin');
      }
      await page.context().close();
    }
  });

  it('J2: the statistics bureau and the operator negotiate step by step; the bureau explores indices, suppressed cells flagged, usage counted', async () => {
    const operator = await (await h.context('en')).newPage();
    const bureau = await (await h.context('en')).newPage();
    await signIn(operator, h.portal, 'gd-grid');
    await signIn(bureau, h.portal, 'gd-stats');
    const id = 'agr-gd-stats-indices';
    // The bureau's request is waiting for the operator.
    await operator.goto(`${h.portal}/operator`);
    await operator.getByRole('link', { name: id }).first().waitFor();
    await checkPage(operator, 'operator-en');
    await step(operator, id, 'Agree');
    await operator.getByTestId('agreement-state').getByText('Agreed').waitFor();
    await bureau.goto(`${h.portal}/agreements/${id}`);
    await bureau.getByTestId('agreement-state').getByText('Agreed').waitFor();
    await step(bureau, id, 'Verify');
    await step(operator, id, 'Finalize');
    await operator.getByTestId('agreement-state').getByText('Finalized').waitFor();
    await checkPage(operator, 'agreement-detail-en');
    // Every transition is on the timeline with its transaction.
    assert.equal(await operator.getByText(/^Transaction: [0-9a-f]{16,}/).count(), 4);

    await bureau.goto(`${h.portal}/agreements/${id}`);
    const before = Number(/(\d+) queries/.exec((await bureau.getByTestId('usage-count').textContent()) ?? '')?.[1]);
    await bureau.goto(`${h.portal}/indices`);
    await showIndices(bureau, 'City', 'Industry division');
    await bureau.getByTestId('indices-table').waitFor();
    await bureau.getByTestId('time-series-chart').waitFor();
    const suppressed = bureau.getByTestId('suppressed-cell');
    assert.ok((await suppressed.count()) > 0, 'some cells at city x division are suppressed');
    assert.match((await suppressed.first().textContent()) ?? '', /^\[c\]/);
    await checkPage(bureau, 'indices-j2-en');
    // The CSV follows the screen: BOM, a flag column, suppressed values empty.
    const [download] = await Promise.all([bureau.waitForEvent('download'), bureau.getByRole('button', { name: 'Download CSV' }).click()]);
    const csv = readFileSync((await download.path())!, 'utf8');
    assert.ok(csv.startsWith('\uFEFF'), 'UTF-8 with a byte-order mark');
    const flagged = csv.split('\r\n').find((line) => line.includes('[c] suppressed'));
    assert.ok(flagged, 'a suppressed row carries its flag');
    assert.match(flagged, /,,,,,,,/, 'a suppressed row has empty values');
    await h.net.network.flushReceipts();
    await bureau.goto(`${h.portal}/agreements/${id}`);
    await bureau.getByTestId('usage-count').getByText(new RegExp(`: ${before + 2} queries`)).waitFor({ timeout: 15_000 });
  });

  it('J3: the Hong Kong partner is refused city-level indices, with the reason and what its agreement allows', async () => {
    const page = await (await h.context('en')).newPage();
    await signIn(page, h.portal, 'hk-partner');
    await page.goto(`${h.portal}/indices`);
    await showIndices(page, 'City', 'Industry section');
    const alert = page.getByRole('alert');
    await alert.getByText(/AGGREGATION_TOO_FINE/).waitFor();
    assert.match((await page.getByTestId('refusal-reason').textContent()) ?? '', /province|city|finer|aggregation/i);
    assert.match((await page.getByTestId('allowed-aggregation').textContent()) ?? '', /province × industry section × month/);
    await checkPage(page, 'indices-refused-en');
    // What it may have, it gets.
    await showIndices(page, 'Province', 'Industry section');
    await page.getByTestId('indices-table').waitFor();
  });

  it('J5: the operator terminates the commission\'s agreement; the commission\'s next query is refused', async () => {
    const operator = await (await h.context('en')).newPage();
    const commission = await (await h.context('en')).newPage();
    await signIn(operator, h.portal, 'gd-grid');
    await signIn(commission, h.portal, 'gd-drc', { path: '/indices' });
    await showIndices(commission, 'City', 'Industry section');
    await commission.getByTestId('indices-table').waitFor();
    await step(operator, 'agr-gd-drc-indices', 'Terminate', 'audit finding: purpose exceeded');
    await operator.getByTestId('agreement-state').getByText('Terminated').waitFor();
    await commission.getByRole('button', { name: 'Show indices' }).click();
    await commission.getByRole('alert').getByText(/NO_AGREEMENT|AGREEMENT_TERMINATED/).waitFor({ timeout: 5_000 });
    await commission.goto(`${h.portal}/agreements/agr-gd-drc-indices`);
    await commission.getByText(/audit finding: purpose exceeded/).first().waitFor();
  });

  it('every page in all three languages: no missing message key, no WCAG 2.1 AA violation', async () => {
    for (const language of LANGUAGES) {
      const page = await (await h.context(language)).newPage();
      await signIn(page, h.portal, 'gd-grid', { language });
      for (const path of ['/catalog', '/agreements', '/agreements/agr-hk-partner-indices', '/indices', '/operator']) {
        await page.goto(`${h.portal}${path}`);
        await page.locator('main h2').first().waitFor();
        await page.waitForLoadState('networkidle');
        await checkPage(page, `${path.slice(1).replace(/\//g, '-')}-${language}`);
      }
      await page.goto(`${h.portal}/catalog`);
      await page.locator('main article').first().waitFor();
      await page.getByRole('button', { name: /ODRL/ }).first().click();
      await checkPage(page, `catalog-odrl-${language}`);
      await page.context().close();
    }
  });
});

// The portal's Identifiers pages in Chromium, used as people use them: J1 — the transformer maker
// uploads a CSV (progress, success), then one with a bad row (the row's error, nothing registered),
// and looks up a new identifier (signature and proof valid); J4 — the grid operator opens one
// transformer's record, trace, custody and datasheet on one page. Every state checked for
// accessibility and message keys in all three languages. One network for the file.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { checkPage, LANGUAGES, signIn, startPortalHarness, type Language, type PortalHarness } from './browser.js';
import { transformerItems } from '../support.js';

const PREFIX = '88.188.1001';
const J4_HANDLE = `${PREFIX}/TX2026-000001`;
const COLUMNS = 'handle,model,ratedKva,productionDate,testCertificateSha256';

const NAMES: Record<Language, { handle: RegExp; lookUp: RegExp; file: RegExp; register: RegExp; valid: RegExp; proofValid: RegExp; notFound: RegExp; query: RegExp }> = {
  en: { handle: /^Identifier \(handle\)/, lookUp: /^Look up$/, file: /^CSV file of identifiers/, register: /^Register \S+ identifiers?$/, valid: /Signature valid/, proofValid: /Proof valid/, notFound: /was not found/, query: /The query/ },
  'zh-Hans': { handle: /^标识（Handle）/, lookUp: /^查询$/, file: /^标识 CSV 文件/, register: /^注册 \S+ 个标识$/, valid: /签名有效/, proofValid: /证明有效/, notFound: /未找到/, query: /查询语句/ },
  'zh-Hant': { handle: /^標識（Handle）/, lookUp: /^查詢$/, file: /^標識 CSV 檔案/, register: /^註冊 \S+ 個標識$/, valid: /簽名有效/, proofValid: /證明有效/, notFound: /找不到/, query: /查詢語句/ },
};

function csvLine(handle: string, n: number, overrides: Partial<Record<'ratedKva' | 'productionDate', string>> = {}): string {
  const items = transformerItems(n);
  return [handle, items.model, overrides.ratedKva ?? items.ratedKva, overrides.productionDate ?? items.productionDate, items.testCertificateSha256].join(',');
}

/** Types a handle into the lookup form and presses the button, as a person does. */
async function lookUp(page: Page, handle: string, language: Language = 'en'): Promise<void> {
  const names = NAMES[language];
  await page.getByRole('textbox', { name: names.handle }).fill(handle);
  await page.getByRole('button', { name: names.lookUp }).click();
}

/** Chooses a file in the CSV field through the browser's file chooser. */
async function uploadCsv(page: Page, file: string, language: Language = 'en'): Promise<void> {
  const chooser = page.waitForEvent('filechooser');
  await page.getByRole('button', { name: NAMES[language].file }).click();
  await (await chooser).setFiles(file);
  await page.getByTestId('preview-table').waitFor();
}

/** Waits until the signature and (ledger-checked) proof both say valid. */
async function expectVerified(page: Page, language: Language = 'en'): Promise<void> {
  await page.getByTestId('signature-result').and(page.locator('[data-outcome="ok"]')).waitFor({ timeout: 15_000 });
  assert.match((await page.getByTestId('signature-result').textContent()) ?? '', NAMES[language].valid);
  // A just-registered batch is anchored a moment later: the page asks the ledger again by itself.
  await page.getByTestId('proof-result').and(page.locator('[data-outcome="ok"]')).waitFor({ timeout: 30_000 });
  assert.match((await page.getByTestId('proof-result').textContent()) ?? '', NAMES[language].proofValid);
}

describe('identifiers in the portal, clicked through in Chromium', () => {
  let h: PortalHarness;
  let dir: string;
  before(async () => {
    h = await startPortalHarness();
    dir = mkdtempSync(join(tmpdir(), 'gridspace-portal-ids-'));
  });
  after(async () => {
    await h?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('J1: the transformer maker uploads a CSV, sees progress and success, a bad row refused with nothing registered, and a new identifier verified', async () => {
    const page = await (await h.context('en')).newPage();
    await signIn(page, h.portal, 'tx-maker', { path: '/identifiers/register' });

    // 1,005 identifiers: two batches (1,000 + 5), so the progress has something to show. The
    // node's answers are held back a little so a person (and this test) can read the progress.
    const good = join(dir, 'good.csv');
    const handles = Array.from({ length: 1005 }, (_, i) => `${PREFIX}/TX2026-3${String(i + 1).padStart(5, '0')}`);
    writeFileSync(good, `${COLUMNS}\n${handles.map((handle, i) => csvLine(handle, i)).join('\n')}\n`);
    await page.route('**/api/batches', async (route) => {
      await new Promise((resolve) => setTimeout(resolve, 400));
      await route.continue();
    });
    await uploadCsv(page, good);
    assert.match((await page.getByTestId('preview-summary').textContent()) ?? '', /1,005 identifiers, sent in 2 batch/);
    await checkPage(page, 'register-preview-en');
    await page.getByRole('button', { name: 'Register 1,005 identifiers' }).click();
    await page.getByRole('status').filter({ hasText: /Registering batch \d of 2/ }).waitFor();
    await page.getByTestId('register-result').filter({ hasText: 'Registered 1,005 identifiers in 2 batch(es).' }).waitFor({ timeout: 30_000 });
    await checkPage(page, 'register-done-en');

    // A file with one bad row: the batch is refused, the row named with its rule, nothing registered.
    const bad = join(dir, 'bad.csv');
    const badHandles = [`${PREFIX}/TX2026-400001`, `${PREFIX}/TX2026-400002`, `${PREFIX}/TX2026-400003`];
    writeFileSync(bad, `${COLUMNS}\n${csvLine(badHandles[0]!, 1)}\n${csvLine(badHandles[1]!, 2, { ratedKva: 'lots' })}\n${csvLine(badHandles[2]!, 3)}\n`);
    await uploadCsv(page, bad);
    await page.getByRole('button', { name: 'Register 3 identifiers' }).click();
    const refusal = page.getByTestId('register-result').and(page.getByRole('alert'));
    await refusal.waitFor();
    assert.match((await refusal.textContent()) ?? '', /Batch 1 of 1 \(rows 1 to 3\) was refused\..*Nothing of this batch was registered/);
    const errorRows = page.getByTestId('row-errors').locator('tbody tr');
    assert.equal(await errorRows.count(), 1);
    const cells = await errorRows.first().locator('td').allTextContents();
    assert.equal(cells[0], '2');
    assert.equal(cells[1], badHandles[1]);
    assert.match(cells[2]!, /ratedKva/);
    await checkPage(page, 'register-refused-en');

    // The good rows of the refused batch were not registered either.
    await page.getByRole('link', { name: 'Identifiers', exact: true }).click();
    await lookUp(page, badHandles[0]!);
    await page.getByTestId('lookup-error').filter({ hasText: NAMES.en.notFound }).waitFor();
    await checkPage(page, 'identifiers-not-found-en');

    // One of the new identifiers: its signature and its proof (against the ledger anchor) valid.
    await lookUp(page, handles[1004]!);
    await expectVerified(page);
    assert.equal(new URL(page.url()).searchParams.get('handle'), handles[1004], 'the lookup is in the URL, to link or bookmark');
    await checkPage(page, 'identifiers-new-en');
    await page.context().close();
  });

  it('J1 in Chinese: the register page, a refused batch and its row errors', async () => {
    for (const language of ['zh-Hans', 'zh-Hant'] as const) {
      const page = await (await h.context(language)).newPage();
      await signIn(page, h.portal, 'tx-maker', { language, path: '/identifiers/register' });
      const bad = join(dir, `bad-${language}.csv`);
      writeFileSync(bad, `${COLUMNS}\n${csvLine(`${PREFIX}/TX2026-5${language === 'zh-Hans' ? '0' : '1'}0001`, 1, { productionDate: '2026-13-01' })}\n`);
      await uploadCsv(page, bad, language);
      await checkPage(page, `register-preview-${language}`);
      await page.getByRole('button', { name: NAMES[language].register }).click();
      await page.getByTestId('row-errors').waitFor();
      assert.match((await page.getByTestId('row-errors').textContent()) ?? '', /productionDate/);
      await checkPage(page, `register-refused-${language}`);
      await page.context().close();
    }
  });

  it("J4: the grid operator sees one transformer's record, trace, custody and datasheet on one page, in every language", async () => {
    for (const language of LANGUAGES) {
      const page = await (await h.context(language)).newPage();
      await signIn(page, h.portal, 'gd-grid', { language, path: '/identifiers' });
      if (language === 'en') {
        await lookUp(page, 'no-slash-here');
        await page.getByTestId('lookup-error').filter({ hasText: /is not a valid identifier/ }).waitFor();
        // An answer altered on its way (here by the test, between node and browser) fails the check, saying why.
        const tampered = /\/api\/handles\/.*signed=true/;
        await page.route(tampered, async (route) => {
          const response = await route.fetch();
          const body = (await response.json()) as { values: Array<{ type: string; data: { value: unknown } }> };
          for (const value of body.values) if (value.type === 'model') value.data.value = 'SZ13-20000/110';
          await route.fulfill({ response, json: body });
        });
        await lookUp(page, `${PREFIX}/TX2026-000002`);
        const result = page.getByTestId('signature-result').and(page.getByRole('alert'));
        await result.waitFor();
        assert.match((await result.textContent()) ?? '', /Signature invalid.*the answer was altered on its way/);
        await checkPage(page, 'identifiers-signature-invalid-en');
        await page.unroute(tampered);
      }
      await lookUp(page, J4_HANDLE, language);
      await page.getByTestId('values-table').waitFor();
      const values = await page.getByTestId('values-table').textContent();
      assert.match(values ?? '', /model\s*S13-M-630\/10/);
      await expectVerified(page, language);
      await page.getByTestId('trace-timeline').waitFor();
      assert.equal(await page.getByTestId('trace-timeline').locator(':scope > li').count(), 3, 'commissioning, shipping, receiving');
      assert.match((await page.getByTestId('custody-table').textContent()) ?? '', /gd-grid/);
      assert.match((await page.getByTestId('datasheet-table').textContent()) ?? '', /S13-M-630\/10.*Pearl River Transformer Works/s);
      // The one GraphQL query behind it, one click away.
      await page.getByText(NAMES[language].query).click();
      assert.match((await page.getByTestId('the-query').textContent()) ?? '', /tracedIdentifier\(handle: \$handle\)[\s\S]*trace[\s\S]*datasheet/);
      await checkPage(page, `identifiers-j4-${language}`);
      await page.context().close();
    }
  });
});

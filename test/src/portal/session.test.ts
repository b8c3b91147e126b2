// An expired session in the portal: the page says so, and signing in again (the issuer still knows
// the user) comes back to the very page, with the same data, without a second login form.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { signIn, startPortalHarness, type PortalHarness } from './browser.js';

describe('an expired portal session', () => {
  let h: PortalHarness;
  before(async () => {
    // Access tokens of 15 s, so that one runs out while the test watches.
    h = await startPortalHarness({ GRIDSPACE_IDP_TOKEN_TTL: '15' });
  });
  after(async () => h?.close());

  it('says so, and signs in again back to the same page', async () => {
    const page = await (await h.context('en')).newPage();
    const path = '/agreements/agr-gd-drc-indices';
    await signIn(page, h.portal, 'gd-drc', { path });
    await page.getByRole('heading', { name: 'Agreement agr-gd-drc-indices' }).waitFor();
    const dialog = page.getByRole('dialog', { name: 'Your session has expired' });
    await dialog.waitFor({ timeout: 30_000 });
    await dialog.getByRole('button', { name: 'Sign in again' }).click();
    await page.waitForURL(`${h.portal}${path}`);
    await page.getByRole('heading', { name: 'Agreement agr-gd-drc-indices' }).waitFor();
    assert.equal(await dialog.count(), 0, 'the dialog is gone after signing in again');
    // A fresh token: the gateway answers again.
    await page.getByTestId('usage-count').waitFor();
  });
});

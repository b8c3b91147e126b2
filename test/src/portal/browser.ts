// Browser tests of the portal: the network as `npm start` runs it (free ports), Debian's Chromium
// driven by playwright-core, sign-in through the demo identity provider as a person does it, the
// axe-core accessibility check (WCAG 2.1 A/AA) injected into the page, screenshots as artifacts.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { startTestNetwork, type TestNetwork } from '../support.js';

export const LANGUAGES = ['zh-Hans', 'zh-Hant', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];
export const DEMO_PASSWORD = 'gridspace-demo';

/** Debian's chromium unless GRIDSPACE_CHROMIUM names another; the tests need one. */
export function chromiumPath(): string {
  const path = process.env.GRIDSPACE_CHROMIUM ?? '/usr/bin/chromium';
  if (!existsSync(path)) throw new Error(`no Chromium at ${path}: install Debian's chromium (apt-get install chromium fonts-noto-cjk) or set GRIDSPACE_CHROMIUM`);
  return path;
}

/** Where screenshots go (git-ignored): GRIDSPACE_TEST_ARTIFACTS or test/artifacts. */
export const artifactsDir = () => resolve(process.env.GRIDSPACE_TEST_ARTIFACTS ?? join(import.meta.dirname, '..', '..', '..', 'artifacts'));

export interface PortalHarness {
  net: TestNetwork;
  browser: Browser;
  portal: string;
  /** A fresh browser profile (its own cookies and storage), in a language. */
  context(language?: Language): Promise<BrowserContext>;
  close(): Promise<void>;
}

export async function startPortalHarness(env: NodeJS.ProcessEnv = {}): Promise<PortalHarness> {
  const net = await startTestNetwork(env);
  const browser = await chromium.launch({
    executablePath: chromiumPath(),
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
  const contexts: BrowserContext[] = [];
  return {
    net,
    browser,
    portal: net.network.urls.portal,
    async context(language = 'en') {
      const context = await browser.newContext({ locale: language === 'en' ? 'en-GB' : language === 'zh-Hant' ? 'zh-HK' : 'zh-CN', viewport: { width: 1280, height: 900 } });
      await context.addInitScript(`localStorage.setItem('gridspace.language', ${JSON.stringify(language)})`);
      contexts.push(context);
      return context;
    },
    async close() {
      for (const context of contexts) await context.close().catch(() => undefined);
      await browser.close();
      await net.close();
    },
  };
}

const NAMES: Record<Language, { org: RegExp; continue: RegExp; user: RegExp; password: RegExp; submit: RegExp }> = {
  en: { org: /^Organization/, continue: /Continue to sign-in/, user: /User name/, password: /Password/, submit: /^Sign in$/ },
  'zh-Hans': { org: /^机构/, continue: /继续登录/, user: /用户名/, password: /密码/, submit: /^登录$/ },
  'zh-Hant': { org: /^機構/, continue: /繼續登入/, user: /使用者名稱/, password: /密碼/, submit: /^登入$/ },
};

/** Signs in as a person does: the portal's sign-in page, the org's issuer's login form, back. */
export async function signIn(page: Page, portal: string, org: string, options: { language?: Language; path?: string } = {}): Promise<void> {
  const names = NAMES[options.language ?? 'en'];
  await page.goto(`${portal}${options.path ?? '/catalog'}`);
  await page.waitForURL('**/signin');
  await page.getByLabel(names.org).first().click();
  await page.getByRole('option', { name: new RegExp(`\\(${org}\\)`) }).click();
  await page.getByRole('button', { name: names.continue }).click();
  await page.waitForURL(`**/${org}/interaction/**`);
  await page.getByLabel(names.user).fill(org);
  await page.getByLabel(names.password).fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: names.submit }).click();
  await page.waitForURL(`${portal}${options.path ?? '/catalog'}`);
  await page.getByTestId('signed-in-org').waitFor();
}

const axeSource = () => readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** WCAG 2.1 A and AA by axe-core, in the page as it is now; fails with every violation named. */
export async function assertAccessible(page: Page, label: string): Promise<void> {
  if (!(await page.evaluate('typeof window.axe !== "undefined"'))) await page.addScriptTag({ content: axeSource() });
  const result = (await page.evaluate(`window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })`)) as {
    violations: Array<{ id: string; impact: string; help: string; nodes: Array<{ target: string[] }> }>;
  };
  const problems = result.violations.map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
  assert.deepEqual(problems, [], `${label}: accessibility violations`);
}

/** Message keys the page asked for that its language's catalog lacks. */
export async function missingKeys(page: Page): Promise<string[]> {
  return (await page.evaluate('Array.from(window.__gridspaceMissingKeys ?? [])')) as string[];
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(artifactsDir(), { recursive: true });
  await page.screenshot({ path: join(artifactsDir(), `${name}.png`), fullPage: true });
}

/** Accessibility, message keys and a screenshot of the page as it is now. */
export async function checkPage(page: Page, name: string): Promise<void> {
  await screenshot(page, name);
  assert.deepEqual(await missingKeys(page), [], `${name}: message keys missing from the catalog`);
  await assertAccessible(page, name);
}

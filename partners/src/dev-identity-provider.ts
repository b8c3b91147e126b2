// The demo network's identity provider: one OpenID Connect issuer per demo org, at
// `<origin>/<org>`, built on oidc-provider. It signs access tokens (JWT, ES256) with the org's own
// dev key, the key the partner registry already names, so the gateway and the node accept them
// as they accept any partner issuer's; the portal signs in here by authorization code + PKCE.
// Demo users: one per org, user name = org id, one shared demo password.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import Provider, { errors, type Configuration } from 'oidc-provider';
import type { JWK } from 'jose';
import type { PartnerOrg } from './registry.js';
import { DEFAULT_AUDIENCE } from './tokens.js';

/** The client id of the portal at every demo issuer (a public client: PKCE, no secret). */
export const PORTAL_CLIENT_ID = 'gridspace-portal';
/** The resource (RFC 8707) whose access tokens the gateway and the node accept. */
export const NETWORK_RESOURCE = 'urn:gridspace:network';
/** Audiences of a portal access token: the gateway and the second-level node. */
export const PORTAL_TOKEN_AUDIENCES = [DEFAULT_AUDIENCE, 'gridspace-resolver'];
export const DEV_PASSWORD = 'gridspace-demo';

export interface DevIdentityProviderOptions {
  host: string;
  /** 0 = a free port. */
  port: number;
  orgs: readonly PartnerOrg[];
  /** Where `<org>.private.jwk.json` lives (ensureDevPartners' keysDir). */
  keysDir: string;
  /** Where the portal runs: its `/callback` and `/` are the allowed redirect URIs. */
  portalOrigins: string[];
  password?: string;
  /** Access token lifetime, seconds (default 1 h). */
  accessTokenTtlSeconds?: number;
  log?: (line: string) => void;
}

export interface DevIdentityProvider {
  origin: string;
  issuerOf(orgId: string): string;
  close(): Promise<void>;
}

/** Where a demo org's issuer lives, given the identity provider's origin. */
export const devIdpIssuer = (origin: string, orgId: string) => `${origin}/${orgId}`;

type Locale = 'en' | 'zh-Hans' | 'zh-Hant';
const TEXT: Record<Locale, Record<'title' | 'org' | 'user' | 'password' | 'submit' | 'wrong' | 'hint' | 'signOut' | 'signOutAsk' | 'signedOut', string>> = {
  en: { title: 'Sign in', org: 'Organization', user: 'User name', password: 'Password', submit: 'Sign in', wrong: 'User name or password is wrong. Check both and try again.', hint: 'Demo network: the user name is the org id, the password is printed by npm start.', signOut: 'Sign out', signOutAsk: 'Sign out of this organization?', signedOut: 'You are signed out.' },
  'zh-Hans': { title: '登录', org: '机构', user: '用户名', password: '密码', submit: '登录', wrong: '用户名或密码错误，请检查后重试。', hint: '演示网络：用户名为机构标识，密码见 npm start 的输出。', signOut: '退出登录', signOutAsk: '要退出此机构的登录吗？', signedOut: '您已退出登录。' },
  'zh-Hant': { title: '登入', org: '機構', user: '使用者名稱', password: '密碼', submit: '登入', wrong: '使用者名稱或密碼錯誤，請檢查後重試。', hint: '示範網絡：使用者名稱為機構識別碼，密碼見 npm start 的輸出。', signOut: '登出', signOutAsk: '要登出此機構嗎？', signedOut: '您已登出。' },
};

function localeOf(uiLocales: unknown): Locale {
  for (const tag of String(uiLocales ?? '').split(/\s+/)) {
    if (/^zh-(Hant|HK|MO|TW)/i.test(tag)) return 'zh-Hant';
    if (/^zh/i.test(tag)) return 'zh-Hans';
    if (/^en/i.test(tag)) return 'en';
  }
  return 'en';
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(locale: Locale, title: string, body: string): string {
  return `<!doctype html><html lang="${locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,"Noto Sans CJK SC",sans-serif;max-width:26rem;margin:4rem auto;padding:0 1rem;color:#1a1b1e}label{display:block;margin:.8rem 0 .2rem}input{width:100%;padding:.5rem;font-size:1rem;box-sizing:border-box}button{margin-top:1rem;padding:.6rem 1.2rem;font-size:1rem;background:#1864ab;color:#fff;border:0;border-radius:4px}.error{color:#c92a2a}.hint{color:#495057;font-size:.9rem}</style></head><body><main>${body}</main></body></html>`;
}

function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  return new Promise((resolve, reject) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      body += chunk;
      if (body.length > 10_000) reject(new Error('form too large'));
    });
    req.on('end', () => resolve(new URLSearchParams(body)));
    req.on('error', reject);
  });
}

function issuerFor(options: DevIdentityProviderOptions, origin: string, org: PartnerOrg): Provider {
  const jwk = JSON.parse(readFileSync(join(options.keysDir, `${org.id}.private.jwk.json`), 'utf8')) as JWK;
  const ttl = options.accessTokenTtlSeconds ?? 3600;
  const redirectUris = options.portalOrigins.flatMap((o) => [`${o}/callback`, `${o}/silent-callback`]);
  const configuration: Configuration = {
    clients: [
      {
        client_id: PORTAL_CLIENT_ID,
        client_name: 'Gridspace portal',
        token_endpoint_auth_method: 'none',
        id_token_signed_response_alg: 'ES256',
        application_type: 'web',
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        redirect_uris: redirectUris,
        post_logout_redirect_uris: options.portalOrigins.map((o) => `${o}/`),
      },
    ],
    jwks: { keys: [jwk as never] },
    // The portal is a public client served from its own origin: CORS only for its origins.
    clientBasedCORS: (_ctx, requestOrigin) => options.portalOrigins.includes(requestOrigin),
    cookies: {
      keys: [randomBytes(32).toString('hex')],
      // Every org's issuer shares one host: separate cookie names keep their sessions apart.
      names: { session: `_session_${org.id}`, interaction: `_interaction_${org.id}`, resume: `_resume_${org.id}` },
    },
    claims: { openid: ['sub'], profile: ['name', 'org'] },
    findAccount: (_ctx, sub) => (sub === org.id ? { accountId: sub, claims: () => ({ sub, name: `${org.name} (demo user)`, org: org.id }) } : undefined),
    features: {
      devInteractions: { enabled: false },
      revocation: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: (ctx, form) => {
          const t = TEXT[localeOf(ctx.oidc.params?.ui_locales)];
          ctx.body = page(localeOf(ctx.oidc.params?.ui_locales), t.signOut, `<h1>${t.signOut}</h1><p>${t.signOutAsk}</p>${form}<button autofocus type="submit" form="op.logoutForm" name="logout" value="yes">${t.signOut}</button>`);
        },
        postLogoutSuccessSource: (ctx) => {
          ctx.body = page('en', TEXT.en.signedOut, `<p>${TEXT.en.signedOut}</p>`);
        },
      },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => NETWORK_RESOURCE,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx, indicator) => {
          if (indicator !== NETWORK_RESOURCE) throw new errors.InvalidTarget(`only ${NETWORK_RESOURCE} is served here`);
          return { scope: 'gridspace', audience: DEFAULT_AUDIENCE, accessTokenTTL: ttl, accessTokenFormat: 'jwt', jwt: { sign: { alg: 'ES256' } } };
        },
      },
    },
    formats: {
      customizers: {
        // One token for both doors of the network, and the claims the partner verifier reads.
        jwt: (_ctx, _token, jwt) => {
          jwt.payload.aud = PORTAL_TOKEN_AUDIENCES;
          jwt.payload.org = org.id;
          jwt.payload.roles = org.type === 'grid-operator' ? ['admin'] : ['member'];
        },
      },
    },
    interactions: { url: (_ctx, interaction) => `/${org.id}/interaction/${interaction.uid}` },
    ttl: { AccessToken: ttl, IdToken: ttl, Session: 8 * 3600, Grant: 8 * 3600, Interaction: 600, AuthorizationCode: 60, RefreshToken: 8 * 3600 },
    renderError: (ctx, out) => {
      ctx.type = 'html';
      ctx.body = page('en', 'Sign-in error', `<h1>Sign-in error</h1><p class="error">${escapeHtml(String(out.error))}: ${escapeHtml(String(out.error_description ?? ''))}</p>`);
    },
  };
  // The demo issuers keep sessions and grants in memory on purpose (a restart signs everyone out);
  // the library's warning about its in-memory store would repeat once per org at every start.
  const warn = console.warn;
  console.warn = (...args: unknown[]) => (String(args[0]).includes('in-memory adapter') ? undefined : warn(...args));
  let provider: Provider;
  try {
    provider = new Provider(devIdpIssuer(origin, org.id), configuration);
  } finally {
    console.warn = warn;
  }
  provider.proxy = false;
  return provider;
}

/** Handles `/<org>/interaction/<uid>`: the login form, then consent granted for the first-party portal. */
async function interaction(provider: Provider, org: PartnerOrg, password: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const details = await provider.interactionDetails(req, res);
  const locale = localeOf(details.params.ui_locales);
  const t = TEXT[locale];
  if (details.prompt.name === 'login') {
    let error = '';
    if (req.method === 'POST') {
      const form = await readForm(req);
      if (form.get('username') === org.id && form.get('password') === password) {
        await provider.interactionFinished(req, res, { login: { accountId: org.id } }, { mergeWithLastSubmission: false });
        return;
      }
      error = `<p class="error" role="alert">${t.wrong}</p>`;
    }
    const html = page(locale, `${t.title} · ${org.name}`, `<h1>${t.title}</h1><p>${t.org}: <strong>${escapeHtml(org.name)}</strong> (${escapeHtml(org.id)})</p>${error}
<form method="post" autocomplete="off"><label for="username">${t.user}</label><input id="username" name="username" required autofocus value="${escapeHtml(String(details.params.login_hint ?? ''))}">
<label for="password">${t.password}</label><input id="password" name="password" type="password" required><button type="submit">${t.submit}</button></form><p class="hint">${t.hint}</p>`);
    res.writeHead(error ? 401 : 200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    res.end(html);
    return;
  }
  // The portal is the network's own client: consent is implied; grant what it asked for.
  const { prompt, params, session } = details;
  const grant = details.grantId ? await provider.Grant.find(details.grantId) : new provider.Grant({ accountId: session!.accountId, clientId: String(params.client_id) });
  if (!grant) throw new Error('the grant of this sign-in has expired; start again');
  const missing = prompt.details as { missingOIDCScope?: string[]; missingOIDCClaims?: string[]; missingResourceScopes?: Record<string, string[]> };
  if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
  if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
  for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes ?? {})) grant.addResourceScope(indicator, scopes.join(' '));
  const grantId = await grant.save();
  await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
}

export async function startDevIdentityProvider(options: DevIdentityProviderOptions): Promise<DevIdentityProvider> {
  const password = options.password ?? DEV_PASSWORD;
  const server: Server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, resolve);
  });
  const origin = `http://${options.host}:${(server.address() as AddressInfo).port}`;
  const providers = new Map(
    options.orgs.map((org) => {
      const provider = issuerFor(options, origin, org);
      return [org.id, { org, provider, handle: provider.callback() }];
    }),
  );
  server.on('request', (req: IncomingMessage & { originalUrl?: string }, res: ServerResponse) => {
    const match = /^\/([a-z0-9-]+)(\/.*)?$/.exec((req.url ?? '/').split('?')[0]!);
    const entry = match ? providers.get(match[1]!) : undefined;
    if (!entry) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(`no issuer here; the demo issuers are ${[...providers.keys()].map((id) => devIdpIssuer(origin, id)).join(', ')}\n`);
      return;
    }
    const prefix = `/${entry.org.id}`;
    const rest = (req.url ?? '/').slice(prefix.length) || '/';
    if (rest.startsWith('/interaction/')) {
      interaction(entry.provider, entry.org, password, req, res).catch((error: unknown) => {
        options.log?.(`identity provider ${entry.org.id}: ${(error as Error).message}`);
        if (!res.headersSent) res.writeHead(400, { 'content-type': 'text/html; charset=utf-8' });
        res.end(page('en', 'Sign-in error', `<h1>Sign-in error</h1><p class="error">${escapeHtml((error as Error).message)}. Go back to the portal and sign in again.</p>`));
      });
      return;
    }
    // Mounted below /<org>, as an Express app would mount it.
    req.originalUrl = req.url;
    req.url = rest;
    void entry.handle(req, res);
  });
  options.log?.(`identity provider ${origin} (issuers ${origin}/<org>; demo users: the org id, password ${password})`);
  return {
    origin,
    issuerOf: (orgId) => devIdpIssuer(origin, orgId),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}


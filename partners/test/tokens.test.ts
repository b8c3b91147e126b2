// Partner JWTs verified against the registry with real keys: inline and by-URL JWKS (with key
// rotation), pinned algorithms, and every kind of forged or broken token refused.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { createHmac } from 'node:crypto';
import { AuthenticationError, createTokenVerifier, PartnerRegistry, type PartnerOrg } from '../src/index.js';

const b64url = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

interface Issuer {
  org: PartnerOrg;
  privateKey: CryptoKey;
  kid: string;
}

async function issuer(id: string, type: PartnerOrg['type'], jurisdiction: string, mspId: string): Promise<Issuer> {
  const { publicKey, privateKey } = await generateKeyPair('ES256');
  const kid = `${id}-1`;
  return {
    privateKey,
    kid,
    org: { id, name: id, type, jurisdiction, mspId, issuer: `https://idp.${id}.example`, algorithm: 'ES256', jwks: { keys: [{ ...(await exportJWK(publicKey)), kid }] }, prefixes: [] },
  };
}

function sign(who: Issuer, claims: Record<string, unknown> = {}, setup: (jwt: SignJWT) => SignJWT = (jwt) => jwt) {
  return setup(
    new SignJWT({ org: who.org.id, roles: ['analyst'], ...claims })
      .setProtectedHeader({ alg: 'ES256', kid: who.kid })
      .setIssuer(who.org.issuer)
      .setAudience('gridspace-gateway')
      .setSubject('alice')
      .setIssuedAt()
      .setExpirationTime('10m'),
  ).sign(who.privateKey);
}

describe('partner token verification', () => {
  let agency: Issuer;
  let hk: Issuer;
  let registry: PartnerRegistry;

  before(async () => {
    agency = await issuer('gd-drc', 'government', 'CN-GD', 'ProvincialDrcMSP');
    hk = await issuer('hk-partner', 'hk-partner', 'HK', 'HkPartnerMSP');
    registry = new PartnerRegistry({ orgs: [agency.org, hk.org] });
  });

  it('turns a valid token into the principal of its issuer org', async () => {
    const verifier = createTokenVerifier(() => registry);
    const principal = await verifier.authenticate(`Bearer ${await sign(agency, { purpose: 'macro-economic-monitoring' })}`);
    assert.deepEqual(principal, { org: 'gd-drc', orgType: 'government', jurisdiction: 'CN-GD', mspId: 'ProvincialDrcMSP', subject: 'alice', roles: ['analyst'], purpose: 'macro-economic-monitoring' });
    assert.equal(await verifier.authenticate(undefined), undefined);
  });

  it('refuses forged and broken tokens, each with its reason', async () => {
    const verifier = createTokenVerifier(() => registry);
    const valid = await sign(agency);
    const [header, payload] = valid.split('.');
    const publicJwk = agency.org.jwks!.keys[0] as JWK;
    const hs256WithPublicKey = (() => {
      const h = b64url({ alg: 'HS256', kid: agency.kid });
      const p = b64url({ iss: agency.org.issuer, aud: 'gridspace-gateway', sub: 'mallory', exp: Math.floor(Date.now() / 1000) + 600 });
      const secret = JSON.stringify(publicJwk);
      return `${h}.${p}.${createHmac('sha256', secret).update(`${h}.${p}`).digest('base64url')}`;
    })();
    const { privateKey: strangerKey } = await generateKeyPair('ES256');
    const cases: Array<[string, string, RegExp]> = [
      ['alg none', `${b64url({ alg: 'none' })}.${payload}.`, /signs with ES256 only|could not be verified/],
      ['HS256 signed with the public key', hs256WithPublicKey, /signs with ES256 only/],
      ['unknown issuer', await sign(agency, {}, (jwt) => jwt.setIssuer('https://evil.example')), /not in the partner registry/],
      ['wrong audience', await sign(agency, {}, (jwt) => jwt.setAudience('someone-else')), /aud must be gridspace-gateway/],
      ['expired', await sign(agency, {}, (jwt) => jwt.setIssuedAt(Math.floor(Date.now() / 1000) - 7200).setExpirationTime(Math.floor(Date.now() / 1000) - 3600)), /expired/],
      ['not yet valid', await sign(agency, {}, (jwt) => jwt.setNotBefore(Math.floor(Date.now() / 1000) + 3600)), /not valid yet/],
      ['unknown kid', await new SignJWT({}).setProtectedHeader({ alg: 'ES256', kid: 'rotated-away' }).setIssuer(agency.org.issuer).setAudience('gridspace-gateway').setSubject('x').setExpirationTime('5m').sign(strangerKey), /no key of gd-drc matches/],
      ['signed by a stranger key with the right kid', await new SignJWT({}).setProtectedHeader({ alg: 'ES256', kid: agency.kid }).setIssuer(agency.org.issuer).setAudience('gridspace-gateway').setSubject('x').setExpirationTime('5m').sign(strangerKey), /signature does not verify/],
      ['tampered payload', `${header}.${b64url({ ...JSON.parse(Buffer.from(payload!, 'base64url').toString()), roles: ['admin'] })}.${valid.split('.')[2]}`, /signature does not verify/],
      ['a valid token of one partner claiming another org', await sign(hk, { org: 'gd-drc' }), /claims org gd-drc, but its issuer .* speaks only for hk-partner/],
      ['no expiry', await new SignJWT({}).setProtectedHeader({ alg: 'ES256', kid: agency.kid }).setIssuer(agency.org.issuer).setAudience('gridspace-gateway').setSubject('x').sign(agency.privateKey), /exp/],
      ['not a JWT', 'hello', /not a JWT/],
    ];
    for (const [what, token, reason] of cases) {
      await assert.rejects(verifier.verify(token), (error: unknown) => {
        assert.ok(error instanceof AuthenticationError, `${what}: ${String(error)}`);
        assert.match(error.message, reason, what);
        return true;
      }, what);
    }
    await assert.rejects(verifier.authenticate('Basic abc'), /must be "Bearer <jwt>"/);
  });

  it('remembers a verified token only while the registry keeps the same entry for its org', async () => {
    let current = registry;
    const verifier = createTokenVerifier(() => current);
    const token = await sign(agency);
    assert.equal((await verifier.verify(token)).org, 'gd-drc');
    assert.equal((await verifier.verify(token)).org, 'gd-drc');
    // The org rotates its key and the registry reloads: the old token is checked afresh and fails.
    const rotated = await issuer('gd-drc', 'government', 'CN-GD', 'ProvincialDrcMSP');
    current = new PartnerRegistry({ orgs: [rotated.org, hk.org] });
    await assert.rejects(verifier.verify(token), AuthenticationError);
    // Removed from the registry: refused as well.
    current = new PartnerRegistry({ orgs: [hk.org] });
    await assert.rejects(verifier.verify(await sign(rotated)), /not in the partner registry/);
  });

  it('accepts a small clock skew only', async () => {
    const verifier = createTokenVerifier(() => registry, { clockToleranceSeconds: 30 });
    const now = Math.floor(Date.now() / 1000);
    assert.equal((await verifier.verify(await sign(agency, {}, (jwt) => jwt.setNotBefore(now + 10)))).org, 'gd-drc');
    assert.equal((await verifier.verify(await sign(agency, {}, (jwt) => jwt.setExpirationTime(now - 10)))).org, 'gd-drc');
    await assert.rejects(verifier.verify(await sign(agency, {}, (jwt) => jwt.setExpirationTime(now - 120))), /expired/);
  });

  describe('JWKS by URL', () => {
    let server: Server;
    let keys: JWK[] = [];
    let fetches = 0;
    let url: string;

    before(async () => {
      server = createServer((_req, res) => {
        fetches++;
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ keys }));
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`;
    });
    after(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it('caches the key set and follows a key rotation', async () => {
      const first = await generateKeyPair('ES256');
      const second = await generateKeyPair('ES256');
      keys = [{ ...(await exportJWK(first.publicKey)), kid: 'k1' }];
      const org: PartnerOrg = { ...agency.org, jwks: undefined, jwksUrl: url };
      const remote = new PartnerRegistry({ orgs: [org] });
      const verifier = createTokenVerifier(() => remote, { jwksCooldownMs: 0 });
      const who = (privateKey: CryptoKey, kid: string): Issuer => ({ org, privateKey, kid });

      assert.equal((await verifier.verify(await sign(who(first.privateKey, 'k1')))).org, 'gd-drc');
      assert.equal((await verifier.verify(await sign(who(first.privateKey, 'k1')))).org, 'gd-drc');
      assert.equal(fetches, 1, 'the key set is fetched once and cached');

      // The partner rotates: k2 is published, k1 withdrawn. A k2 token makes the gateway refetch.
      keys = [{ ...(await exportJWK(second.publicKey)), kid: 'k2' }];
      assert.equal((await verifier.verify(await sign(who(second.privateKey, 'k2')))).org, 'gd-drc');
      assert.equal(fetches, 2);
      await assert.rejects(verifier.verify(await sign(who(first.privateKey, 'k1'))), /no key of gd-drc matches/);
    });
  });
});

// Shared test fixtures: a hand-made meter data set whose indices are computed by hand in the
// tests, temporary folders, and real ES256 grants.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, SignJWT, type JSONWebKeySet } from 'jose';
import type { MeterCustomer } from '../src/indices/meter-data.js';
import { isoDate, dayNumber } from '../src/indices/dates.js';

export function tempDir(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'gridspace-dp-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export function writeCsv(dir: string, name: string, lines: string[]): string {
  const path = join(dir, name);
  writeFileSync(path, lines.join('\n') + '\n');
  return path;
}

export const GZ = '440100';
export const SZ = '440300';
export const FS = '440600';

/**
 * Hand fixture, 2023-01-01 .. 2024-02-29 (every day):
 *  - A1..A5 Guangzhou division 13 (section C): 100 kWh/day in 2023; 110 in Jan 2024; in Feb 2024
 *    A1..A4 use 20 (below 30% of their baseline), A5 100.
 *  - B1..B5 Guangzhou division 14 (section C): 200 kWh/day throughout.
 *  - C1..C5 Guangzhou division 44 (section D): C1 100, C2..C5 1 kWh/day -> top two = 97% (dominance).
 *  - D1 Shenzhen division 45 (section D): 1000 kWh/day, a lone customer (minimum contributors).
 *  - R1..R5 Guangzhou households: 10 kWh/day; H1..H5 Foshan households: 100 kWh/day.
 */
export function handFixture(): { customers: MeterCustomer[]; rows: { customerId: string; date: string; kwh: number }[] } {
  const customers: MeterCustomer[] = [];
  const add = (prefix: string, n: number, kind: MeterCustomer['kind'], city: string, division: string) => {
    for (let i = 1; i <= n; i++) customers.push({ id: `${prefix}${i}`, kind, city, division });
  };
  add('A', 5, 'enterprise', GZ, '13');
  add('B', 5, 'enterprise', GZ, '14');
  add('C', 5, 'enterprise', GZ, '44');
  add('D', 1, 'enterprise', SZ, '45');
  add('R', 5, 'residential', GZ, 'RES');
  add('H', 5, 'residential', FS, 'RES');
  const rows: { customerId: string; date: string; kwh: number }[] = [];
  for (let day = dayNumber('2023-01-01'); day <= dayNumber('2024-02-29'); day++) {
    const date = isoDate(day);
    for (const c of customers) {
      let kwh: number;
      switch (c.id[0]) {
        case 'A':
          kwh = date < '2024-01-01' ? 100 : date < '2024-02-01' ? 110 : c.id === 'A5' ? 100 : 20;
          break;
        case 'B': kwh = 200; break;
        case 'C': kwh = c.id === 'C1' ? 100 : 1; break;
        case 'D': kwh = 1000; break;
        case 'R': kwh = 10; break;
        default: kwh = 100;
      }
      rows.push({ customerId: c.id, date, kwh });
    }
  }
  return { customers, rows };
}

export interface GrantSigner {
  jwks: JSONWebKeySet;
  sign(claims?: Partial<GrantClaimsInput>, options?: { typ?: string; kid?: string; expiresIn?: number; alg?: string }): Promise<string>;
}

export interface GrantClaimsInput {
  iss: string;
  aud: string;
  sub: string;
  agreement: string;
  provider: string;
  purpose: string;
  scope: {
    regions?: string[];
    minAggregation: { region: string; industry: string; period: string };
    deidentification: string;
    crossBorder: boolean;
  };
}

/** A real ES256 key pair standing in for the gateway's. */
export async function grantSigner(kid = 'gateway-key-1'): Promise<GrantSigner> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' };
  return {
    jwks: { keys: [jwk] },
    async sign(claims = {}, options = {}) {
      const base: GrantClaimsInput = {
        iss: 'gridspace-gateway', aud: 'electricity-economic-indices', sub: 'gd-drc', agreement: 'agr-0001', provider: 'gd-grid',
        purpose: 'macro-economic-monitoring',
        scope: { minAggregation: { region: 'city', industry: 'division', period: 'day' }, deidentification: 'aggregated', crossBorder: false },
      };
      const { iss, aud, sub, ...rest } = { ...base, ...claims };
      const now = Math.floor(Date.now() / 1000);
      return new SignJWT({ ...rest })
        .setProtectedHeader({ alg: options.alg ?? 'ES256', typ: options.typ ?? 'gridspace-grant+jwt', kid: options.kid ?? kid })
        .setIssuer(iss).setAudience(aud).setSubject(sub)
        .setIssuedAt(now - 1).setExpirationTime(now + (options.expiresIn ?? 60)).setJti(`jti-${Math.random().toString(36).slice(2)}`)
        .sign(privateKey);
    },
  };
}

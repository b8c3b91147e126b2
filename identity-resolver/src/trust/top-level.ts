// Top-level node functions: second-level nodes apply for their prefix with a signed application
// (a JWT signed by the applicant's key, which travels in its `jwk` header: proof of possession);
// on approval the top-level node writes 0.NA/<prefix> (HS_SITE, HS_PUBKEY, HS_ADMIN) and issues a
// prefix certificate. It also receives the second-level nodes' signed statistics reports.
import { randomUUID } from 'node:crypto';
import { EmbeddedJWK, importJWK, jwtVerify, decodeJwt, type JWK } from 'jose';
import type { Principal } from '../auth/auth.js';
import { HandleError, RC, invalidValue } from '../handle/errors.js';
import { isUnder, parsePrefix, prefixHandle } from '../handle/syntax.js';
import type { HandleValue } from '../handle/values.js';
import { siteValue, type NodeService } from '../node/service.js';
import { ApplicationRow, ReportRow } from '../store/entities.js';
import type { NodeKey } from './keys.js';
import { issuePrefixCertificate, VERIFY_ALGS } from './signing.js';

export const APPLICATION_TYP = 'prefix-application+jwt';
export const REPORT_TYP = 'stats-report+jwt';

export interface ApplicationAnswer {
  id: string;
  prefix: string;
  status: ApplicationRow['status'];
  certificate?: string;
}

export class TopLevelNode {
  constructor(private readonly service: NodeService, private readonly key: NodeKey, private readonly autoApprove: boolean) {}

  private get prefix(): string {
    return this.service.options.nodePrefix;
  }

  async apply(body: unknown): Promise<ApplicationAnswer> {
    const jws = (body as { application?: unknown } | null)?.application;
    if (typeof jws !== 'string') throw invalidValue('application: must be a JWT signed by the applicant\'s key (typ prefix-application+jwt, jwk header)');
    let claims: { prefix?: unknown; site?: unknown };
    let jwk: JWK;
    try {
      const verified = await jwtVerify(jws, EmbeddedJWK, { algorithms: VERIFY_ALGS, typ: APPLICATION_TYP, maxTokenAge: '10m' });
      claims = verified.payload as typeof claims;
      jwk = verified.protectedHeader.jwk!;
    } catch (error) {
      throw new HandleError(RC.AUTHENTICATION_NEEDED, `application: signature does not verify with its embedded key (${(error as Error).message})`);
    }
    const prefix = parsePrefix(claims.prefix, 'application.prefix');
    if (!isUnder(prefix, this.prefix) || prefix === this.prefix) throw invalidValue(`application.prefix: ${prefix} is not below this top-level node's prefix ${this.prefix}`);
    if (typeof claims.site !== 'string' || !URL.canParse(claims.site) || !/^https?:/.test(claims.site)) throw invalidValue('application.site: must be the http(s) URL where the node answers');
    const repo = this.service.store.applications();
    const approved = await repo.findOneBy({ prefix, status: 'approved' });
    if (approved) {
      if (approved.jwk === JSON.stringify(jwk) && approved.site === claims.site) return { id: approved.id, prefix, status: 'approved', certificate: approved.certificate ?? undefined };
      throw new HandleError(RC.HANDLE_ALREADY_EXISTS, `prefix ${prefix} is already certified to another key or site`, prefixHandle(prefix));
    }
    const pending = await repo.findOneBy({ prefix, status: 'pending', jwk: JSON.stringify(jwk), site: claims.site });
    if (pending) return { id: pending.id, prefix, status: 'pending' };
    const row = Object.assign(new ApplicationRow(), { id: randomUUID(), prefix, site: claims.site, jwk: JSON.stringify(jwk), status: 'pending' as const, certificate: null, createdAt: new Date().toISOString() });
    await repo.insert(row);
    if (!this.autoApprove) return { id: row.id, prefix, status: 'pending' };
    return this.approve(row.id);
  }

  async approveBy(principal: Principal | undefined, id: string): Promise<ApplicationAnswer> {
    if (!principal) throw new HandleError(RC.AUTHENTICATION_NEEDED, 'approving an application needs the top-level operator\'s credentials');
    const operator = principal.kind === 'partner' ? principal.orgId === this.service.options.operatorOrg : principal.adminHandle === prefixHandle(this.prefix);
    if (!operator) throw new HandleError(RC.INSUFFICIENT_PERMISSIONS, 'only the top-level node operator approves applications');
    return this.approve(id);
  }

  private async approve(id: string): Promise<ApplicationAnswer> {
    const repo = this.service.store.applications();
    const row = await repo.findOneBy({ id });
    if (!row) throw new HandleError(RC.HANDLE_NOT_FOUND, `application ${id} does not exist`, undefined, undefined, 404);
    if (row.status === 'approved') return { id, prefix: row.prefix, status: row.status, certificate: row.certificate ?? undefined };
    const jwk = JSON.parse(row.jwk) as JWK;
    const certificate = await issuePrefixCertificate(this.key, this.prefix, { prefix: row.prefix, site: row.site, jwk });
    const now = new Date().toISOString();
    const handle = prefixHandle(row.prefix);
    const values: HandleValue[] = [
      { index: 1, type: 'HS_SITE', data: { format: 'site', value: siteValue(row.site) }, ttl: 3600, timestamp: now },
      { index: 2, type: 'DESC', data: { format: 'string', value: `second-level node ${row.prefix}` }, ttl: 3600, timestamp: now },
      { index: 100, type: 'HS_ADMIN', data: { format: 'admin', value: { handle: prefixHandle(this.prefix), index: 300, permissions: '011111110011' } }, ttl: 3600, timestamp: now },
      { index: 300, type: 'HS_PUBKEY', data: { format: 'key', value: jwk }, ttl: 3600, timestamp: now },
      { index: 400, type: 'HS_CERT', data: { format: 'string', value: certificate }, ttl: 3600, timestamp: now },
    ];
    await this.service.store.transaction(async (m) => {
      await this.service.store.deleteRecord(m, handle);
      await this.service.store.insertRecords(m, [{ handle, prefix: '0.NA', values }], now);
      await m.update(ApplicationRow, { id }, { status: 'approved', certificate });
    });
    this.service.forget(handle);
    return { id, prefix: row.prefix, status: 'approved', certificate };
  }

  async application(id: string): Promise<ApplicationAnswer> {
    const row = await this.service.store.applications().findOneBy({ id });
    if (!row) throw new HandleError(RC.HANDLE_NOT_FOUND, `application ${id} does not exist`, undefined, undefined, 404);
    return { id, prefix: row.prefix, status: row.status, certificate: row.certificate ?? undefined };
  }

  /** A statistics report signed by a second-level node's certified key. */
  async receiveReport(body: unknown): Promise<{ id: string; prefix: string; day: string }> {
    const jws = (body as { report?: unknown } | null)?.report;
    if (typeof jws !== 'string') throw invalidValue('report: must be a JWT signed by the reporting node (typ stats-report+jwt)');
    let issuer: string | undefined;
    try { issuer = decodeJwt(jws).iss; } catch { throw invalidValue('report: not a JWT'); }
    const prefix = issuer?.startsWith('0.NA/') ? issuer.slice(5) : undefined;
    if (!prefix) throw invalidValue('report.iss: must be the reporting node\'s prefix handle 0.NA/<prefix>');
    const record = await this.service.store.getRecord(prefixHandle(prefix));
    const jwk = record?.values.find((v) => v.type === 'HS_PUBKEY')?.data.value as JWK | undefined;
    if (!jwk) throw new HandleError(RC.HANDLE_NOT_FOUND, `prefix ${prefix} has no HS_PUBKEY at this top-level node`, prefixHandle(prefix));
    let payload: Record<string, unknown>;
    try {
      payload = (await jwtVerify(jws, await importJWK(jwk, jwk.alg ?? 'EdDSA'), { algorithms: VERIFY_ALGS, typ: REPORT_TYP, issuer })).payload as Record<string, unknown>;
    } catch (error) {
      throw new HandleError(RC.AUTHENTICATION_NEEDED, `report: signature does not verify with HS_PUBKEY of 0.NA/${prefix} (${(error as Error).message})`);
    }
    if (typeof payload.day !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(payload.day)) throw invalidValue('report.day: must be YYYY-MM-DD');
    const row = Object.assign(new ReportRow(), { id: randomUUID(), prefix, day: payload.day, jws, payload: JSON.stringify(payload), receivedAt: new Date().toISOString() });
    await this.service.store.reports().insert(row);
    return { id: row.id, prefix, day: row.day };
  }

  async listReports(prefix?: string): Promise<unknown[]> {
    const rows = await this.service.store.reports().find({ where: prefix ? { prefix } : {}, order: { receivedAt: 'ASC' } });
    return rows.map((r) => ({ id: r.id, prefix: r.prefix, day: r.day, receivedAt: r.receivedAt, report: JSON.parse(r.payload) as unknown }));
  }
}

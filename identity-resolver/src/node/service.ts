// The second-level node's functions: resolution (with a bounded cache), Handle-style record
// writes, enterprise prefix allocation, templates, and all-or-nothing batch registration.
// Authorization: the node operator allocates prefixes and templates; only a prefix's owner org, its
// delegates, or an admin named in its 0.NA/<prefix> record write under it.
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { hashSecret, type Principal } from '../auth/auth.js';
import { HandleError, RC, invalidValue, type ItemError } from '../handle/errors.js';
import { isUnder, parseHandle, parsePrefix, prefixHandle, responsiblePrefix, type ParsedHandle } from '../handle/syntax.js';
import { normalizeValues, type HandleValue, type AdminRef } from '../handle/values.js';
import { canonicalValuesJson, leafHash, merkleRoot } from '../anchor/merkle.js';
import type { AnchorSink, BatchAnchor } from '../anchor/port.js';
import { BatchRow, PrefixRow, TemplateRow } from '../store/entities.js';
import { isUniqueViolation, type StoredRecord, type Store, type NewRecord } from '../store/store.js';
import { checkTemplate, itemProblem, itemText, valuesProblems, type Template } from './templates.js';

export const MAX_BATCH = 2000;
export const TRACE_INDEX = 8;
export const TEMPLATE_INDEX = 9;
const ADMIN_PERMISSIONS = '011111110011';
/** Values of a prefix handle only the node operator may write: where the prefix resolves and who administers it. */
const PROTECTED_PREFIX_TYPES = new Set(['HS_SITE', 'HS_ADMIN', 'HS_PUBKEY', 'HS_CERT']);

export interface NodeServiceOptions {
  store: Store;
  /** This node's prefix, e.g. `88.188` (a top-level node: `88`). */
  nodePrefix: string;
  /** Org id of the node operator (allocates prefixes, defines templates). */
  operatorOrg: string;
  /** Known partner org ids (prefix owners and delegates must be among them). */
  knownOrgs: () => readonly string[];
  /** Where this node answers, written into HS_SITE of prefix handles it creates. */
  siteUrl: () => string;
  /** `{handle}` is replaced by the percent-encoded handle; added as TRACE to registered identifiers. */
  traceUrlTemplate: string;
  /** Maximum number of cached records; 0 turns the cache off. */
  cacheSize: number;
  anchorSink?: AnchorSink;
  onAnchorError?: (error: unknown, batchId: string) => void;
}

export interface WriteResult {
  status: number;
  handle: string;
}

export interface BatchItemInput {
  handle?: unknown;
  items?: unknown;
  values?: unknown;
}

export interface BatchResult {
  batchId: string;
  count: number;
  merkleRoot: string;
  handles: string[];
}

const forbidden = (message: string, handle?: string) => new HandleError(RC.INSUFFICIENT_PERMISSIONS, message, handle);
const authNeeded = (message: string) => new HandleError(RC.AUTHENTICATION_NEEDED, message);
const day = (iso: string) => iso.slice(0, 10);

export class NodeService {
  private readonly cache = new Map<string, StoredRecord>();
  private readonly templates = new Map<string, Template>();
  private resolutionsToday = { day: '', count: 0, until: 0 };
  readonly store: Store;

  constructor(readonly options: NodeServiceOptions) {
    this.store = options.store;
  }

  // ---- resolution --------------------------------------------------------------------------

  /** True when this node is responsible for the handle (its prefix is at or below ours). */
  isLocal(parsed: ParsedHandle): boolean {
    return isUnder(responsiblePrefix(parsed), this.options.nodePrefix) || this.options.nodePrefix.length === 0;
  }

  /** A local record, from the cache unless `bypassCache`. */
  async getRecord(handle: string, bypassCache = false): Promise<StoredRecord | undefined> {
    this.countResolution();
    if (!bypassCache && this.options.cacheSize > 0) {
      const hit = this.cache.get(handle);
      if (hit) return hit;
    }
    const record = await this.store.getRecord(handle);
    if (record && this.options.cacheSize > 0) {
      if (this.cache.size >= this.options.cacheSize) this.cache.delete(this.cache.keys().next().value!);
      this.cache.set(handle, record);
    }
    return record;
  }

  /** Drops a record from the cache (after a write made outside this service). */
  forget(handle: string): void {
    this.cache.delete(handle);
  }

  private invalidate(handles: Iterable<string>): void {
    for (const handle of handles) this.cache.delete(handle);
  }

  private countResolution(): void {
    const now = Date.now();
    if (now >= this.resolutionsToday.until) {
      const day = new Date(now).toISOString().slice(0, 10);
      if (day !== this.resolutionsToday.day) this.resolutionsToday = { day, count: 0, until: 0 };
      // Next UTC midnight: the day is recomputed only then.
      this.resolutionsToday.until = Date.parse(`${day}T00:00:00Z`) + 86_400_000;
    }
    this.resolutionsToday.count++;
  }

  /** Resolutions counted in memory since the last flush (flushed with the statistics). */
  async flushResolutionCount(): Promise<void> {
    const { day: d, count } = this.resolutionsToday;
    if (count === 0) return;
    this.resolutionsToday.count = 0;
    await this.store.transaction((m) => this.store.addStats(m, d, { resolutions: count }));
  }

  // ---- authorization -----------------------------------------------------------------------

  private isOperator(principal: Principal): boolean {
    if (principal.kind === 'partner') return principal.orgId === this.options.operatorOrg;
    return principal.adminHandle === prefixHandle(this.options.nodePrefix);
  }

  private requireOperator(principal: Principal | undefined, what: string): void {
    if (!principal) throw authNeeded(`${what} needs the node operator's credentials`);
    if (!this.isOperator(principal)) throw forbidden(`${what}: only the node operator (${this.options.operatorOrg}) may do this`);
  }

  /** Throws unless `principal` may write handles whose responsible prefix is `prefix`. */
  async authorizeWrite(principal: Principal | undefined, prefix: string, handle: string, manager?: EntityManager): Promise<PrefixRow | null> {
    if (!principal) throw authNeeded(`writing ${handle} needs credentials (Bearer JWT or Basic <index>:<admin handle>)`);
    if (!isUnder(prefix, this.options.nodePrefix)) throw new HandleError(RC.SERVER_NOT_RESP, `this node (${this.options.nodePrefix}) is not responsible for prefix ${prefix}`, handle);
    const row = await this.store.getPrefix(prefix, manager);
    if (this.isOperator(principal)) return row;
    if (!row) throw new HandleError(RC.SERVER_NOT_RESP, `prefix ${prefix} is not allocated on this node`, handle);
    if (principal.kind === 'partner') {
      const delegates = JSON.parse(row.delegates) as string[];
      if (principal.orgId === row.ownerOrg || delegates.includes(principal.orgId)) return row;
      throw forbidden(`org ${principal.orgId} may not write under prefix ${prefix} (owned by ${row.ownerOrg})`, handle);
    }
    if (principal.adminHandle === prefixHandle(prefix)) return row;
    const prefixRecord = await this.store.getRecord(prefixHandle(prefix), manager);
    const admins = (prefixRecord?.values ?? []).filter((v) => v.type === 'HS_ADMIN').map((v) => v.data.value as AdminRef);
    if (admins.some((a) => a.handle === principal.adminHandle && a.index === principal.index)) return row;
    throw forbidden(`${principal.index}:${principal.adminHandle} is not an administrator of prefix ${prefix}`, handle);
  }

  // ---- Handle REST writes ------------------------------------------------------------------

  private async templateFor(values: readonly HandleValue[], prefixRow: PrefixRow | null, handle: string): Promise<Template | undefined> {
    const named = values.find((v) => v.type === 'TEMPLATE');
    const id = named ? String(named.data.value) : prefixRow?.defaultTemplate ?? undefined;
    if (!id) return undefined;
    const template = await this.getTemplate(id);
    if (!template) throw invalidValue(`TEMPLATE: template "${id}" does not exist`, handle);
    return template;
  }

  private async checkAgainstTemplate(values: HandleValue[], prefixRow: PrefixRow | null, handle: string): Promise<string | null> {
    const template = await this.templateFor(values, prefixRow, handle);
    if (!template) return null;
    const problems = valuesProblems(template, values);
    if (problems.length) throw invalidValue(problems.join('; '), handle);
    return template.id;
  }

  private prepareValues(values: HandleValue[]): HandleValue[] {
    return values.map((v) => (v.type === 'HS_SECKEY' && v.data.format === 'string' ? { ...v, data: { format: 'string', value: hashSecret(v.data.value as string) } } : v));
  }

  /**
   * PUT /api/handles/{handle}: without `indices` it creates or replaces the record (unless
   * overwrite=false); with `indices` it adds or replaces just those values of an existing record.
   */
  async putHandle(principal: Principal | undefined, parsed: ParsedHandle, body: unknown, params: { indices: number[]; overwrite: boolean; mintNewSuffix: boolean }): Promise<WriteResult> {
    if (params.mintNewSuffix) parsed = parseHandle(`${parsed.handle}${randomUUID()}`);
    const { handle } = parsed;
    const now = new Date().toISOString();
    if (typeof body !== 'object' || body === null) throw invalidValue('body: must be a JSON object {values: [...]}', handle);
    const input = body as { handle?: unknown; values?: unknown };
    if (input.handle !== undefined && input.handle !== handle && !params.mintNewSuffix) throw invalidValue(`body.handle: "${String(input.handle)}" differs from the handle in the path`, handle);
    let values = this.prepareValues(normalizeValues(input.values, now, handle));
    const prefix = responsiblePrefix(parsed);
    const isPrefixHandle = parsed.prefix === '0.NA';
    const result = await this.store.transaction(async (m) => {
      const prefixRow = await this.authorizeWrite(principal, prefix, handle, m);
      const existing = await this.store.getRecord(handle, m);
      if (isPrefixHandle && principal && !this.isOperator(principal)) {
        // A prefix owner may add or change its own values (e.g. an HS_SECKEY), never the node's.
        const guarded = (existing?.values ?? []).filter((v) => PROTECTED_PREFIX_TYPES.has(v.type)).map((v) => v.index);
        if (params.indices.length === 0) throw forbidden(`only the node operator replaces the whole prefix handle ${handle}; name the values to change with index=`, handle);
        if (values.some((v) => PROTECTED_PREFIX_TYPES.has(v.type)) || params.indices.some((i) => guarded.includes(i))) {
          throw forbidden(`only the node operator changes ${[...PROTECTED_PREFIX_TYPES].join(', ')} of ${handle}`, handle);
        }
      }
      if (params.indices.length > 0) {
        if (!existing) throw new HandleError(RC.HANDLE_NOT_FOUND, `handle ${handle} does not exist`, handle);
        const selected = values.filter((v) => params.indices.includes(v.index));
        if (selected.length === 0) throw invalidValue(`values: none has an index named in the index parameters (${params.indices.join(', ')})`, handle);
        if (!params.overwrite) {
          const clash = selected.find((v) => existing.values.some((e) => e.index === v.index));
          if (clash) throw new HandleError(RC.VALUE_ALREADY_EXISTS, `a value with index ${clash.index} already exists (overwrite=false)`, handle);
        }
        const replaced = new Set(selected.map((v) => v.index));
        values = [...existing.values.filter((v) => !replaced.has(v.index)), ...selected].sort((a, b) => a.index - b.index);
      } else if (existing && !params.overwrite) {
        throw new HandleError(RC.HANDLE_ALREADY_EXISTS, `handle ${handle} already exists (overwrite=false)`, handle);
      }
      if (values.length === 0) throw invalidValue('values: a handle record needs at least one value', handle);
      if (!values.some((v) => v.type === 'HS_ADMIN') && !isPrefixHandle) {
        values.push({ index: 100, type: 'HS_ADMIN', data: { format: 'admin', value: { handle: prefixHandle(prefix), index: 300, permissions: ADMIN_PERMISSIONS } }, ttl: 86400, timestamp: now });
      }
      const template = isPrefixHandle ? null : await this.checkAgainstTemplate(values, prefixRow, handle);
      const record: NewRecord = { handle, prefix: parsed.prefix, values, template, batchId: existing?.batchId ?? null };
      if (existing) {
        await this.store.updateRecord(m, { ...record, createdAt: existing.createdAt }, now);
        return { status: 200, handle };
      }
      await this.store.insertRecords(m, [record], now);
      await this.store.addStats(m, day(now), { registrations: 1 });
      return { status: 201, handle };
    }).catch((error: unknown) => {
      if (isUniqueViolation(error)) throw new HandleError(RC.HANDLE_ALREADY_EXISTS, `handle ${handle} was created by a concurrent request`, handle);
      throw error;
    });
    this.invalidate([handle]);
    return result;
  }

  /** DELETE /api/handles/{handle}: the whole record, or only the values at `indices`. */
  async deleteHandle(principal: Principal | undefined, parsed: ParsedHandle, indices: number[]): Promise<WriteResult> {
    const { handle } = parsed;
    const now = new Date().toISOString();
    await this.store.transaction(async (m) => {
      await this.authorizeWrite(principal, responsiblePrefix(parsed), handle, m);
      if (parsed.prefix === '0.NA' && principal && !this.isOperator(principal) && indices.length === 0) throw forbidden(`only the node operator deletes prefix handle ${handle}`, handle);
      const existing = await this.store.getRecord(handle, m);
      if (!existing) throw new HandleError(RC.HANDLE_NOT_FOUND, `handle ${handle} does not exist`, handle);
      if (indices.length === 0) {
        await this.store.deleteRecord(m, handle);
        return;
      }
      if (parsed.prefix === '0.NA' && principal && !this.isOperator(principal) && existing.values.some((v) => indices.includes(v.index) && PROTECTED_PREFIX_TYPES.has(v.type))) {
        throw forbidden(`only the node operator deletes ${[...PROTECTED_PREFIX_TYPES].join(', ')} of ${handle}`, handle);
      }
      const kept = existing.values.filter((v) => !indices.includes(v.index));
      if (kept.length === existing.values.length) throw new HandleError(RC.VALUES_NOT_FOUND, `no value with index ${indices.join(', ')}`, handle);
      if (kept.length === 0) throw invalidValue('cannot delete every value of a record; delete the handle instead', handle);
      const prefixRow = await this.store.getPrefix(responsiblePrefix(parsed), m);
      const template = parsed.prefix === '0.NA' ? null : await this.checkAgainstTemplate(kept, prefixRow, handle);
      await this.store.updateRecord(m, { handle, prefix: parsed.prefix, values: kept, template, createdAt: existing.createdAt }, now);
    });
    this.invalidate([handle]);
    return { status: 200, handle };
  }

  // ---- prefixes ----------------------------------------------------------------------------

  async allocatePrefix(principal: Principal | undefined, body: unknown): Promise<PrefixRow> {
    this.requireOperator(principal, 'allocating a prefix');
    const input = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
    const prefix = parsePrefix(input.prefix);
    if (!isUnder(prefix, this.options.nodePrefix) || prefix === this.options.nodePrefix) {
      throw invalidValue(`prefix: ${prefix} is not below this node's prefix ${this.options.nodePrefix}`);
    }
    const ownerOrg = this.checkOrg(input.ownerOrg, 'ownerOrg');
    const delegates = this.checkDelegates(input.delegates);
    const defaultTemplate = await this.checkTemplateRef(input.defaultTemplate);
    if (input.adminSecret !== undefined && (typeof input.adminSecret !== 'string' || input.adminSecret.length < 8)) {
      throw invalidValue('adminSecret: must be a string of at least 8 characters (the HS_SECKEY at index 300 of the prefix handle)');
    }
    const now = new Date().toISOString();
    const handle = prefixHandle(prefix);
    const values: HandleValue[] = [
      { index: 1, type: 'HS_SITE', data: { format: 'site', value: siteValue(this.options.siteUrl()) }, ttl: 86400, timestamp: now },
      { index: 2, type: 'DESC', data: { format: 'string', value: `enterprise prefix of org ${ownerOrg}` }, ttl: 86400, timestamp: now },
      { index: 100, type: 'HS_ADMIN', data: { format: 'admin', value: { handle, index: 300, permissions: ADMIN_PERMISSIONS } }, ttl: 86400, timestamp: now },
    ];
    if (typeof input.adminSecret === 'string') {
      values.push({ index: 300, type: 'HS_SECKEY', data: { format: 'string', value: hashSecret(input.adminSecret) }, ttl: 86400, timestamp: now, publicRead: false });
    }
    const row = Object.assign(new PrefixRow(), {
      prefix, ownerOrg, delegates: JSON.stringify(delegates), defaultTemplate: defaultTemplate ?? null,
      allocatedBy: principal!.kind === 'partner' ? principal!.orgId : principal!.adminHandle, allocatedAt: now,
    });
    await this.store.transaction(async (m) => {
      if (await this.store.getPrefix(prefix, m)) throw new HandleError(RC.HANDLE_ALREADY_EXISTS, `prefix ${prefix} is already allocated`, handle);
      if (await this.store.getRecord(handle, m)) throw new HandleError(RC.HANDLE_ALREADY_EXISTS, `prefix handle ${handle} already exists`, handle);
      await m.insert(PrefixRow, row);
      await this.store.insertRecords(m, [{ handle, prefix: '0.NA', values }], now);
      await this.store.addStats(m, day(now), { prefixes: 1 });
    });
    this.invalidate([handle]);
    return row;
  }

  async updatePrefix(principal: Principal | undefined, prefix: string, body: unknown): Promise<PrefixRow> {
    const handle = prefixHandle(prefix);
    const input = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
    for (const key of Object.keys(input)) if (!['delegates', 'defaultTemplate'].includes(key)) throw invalidValue(`${key}: not a field of a prefix update (delegates, defaultTemplate)`);
    const delegates = input.delegates === undefined ? undefined : this.checkDelegates(input.delegates);
    const defaultTemplate = input.defaultTemplate === undefined ? undefined : await this.checkTemplateRef(input.defaultTemplate);
    return this.store.transaction(async (m) => {
      const row = await this.authorizeWrite(principal, prefix, handle, m);
      if (!row) throw new HandleError(RC.HANDLE_NOT_FOUND, `prefix ${prefix} is not allocated`, handle);
      if (principal?.kind === 'partner' && principal.orgId !== row.ownerOrg && !this.isOperator(principal)) throw forbidden(`only the owner ${row.ownerOrg} changes prefix ${prefix}`, handle);
      if (delegates !== undefined) row.delegates = JSON.stringify(delegates);
      if (defaultTemplate !== undefined) row.defaultTemplate = defaultTemplate ?? null;
      await m.save(row);
      return row;
    });
  }

  getPrefix(prefix: string): Promise<PrefixRow | null> {
    return this.store.getPrefix(prefix);
  }

  private checkOrg(raw: unknown, field: string): string {
    if (typeof raw !== 'string' || raw.length === 0) throw invalidValue(`${field}: must be a partner org id`);
    if (!this.options.knownOrgs().includes(raw)) throw invalidValue(`${field}: "${raw}" is not a known partner org`);
    return raw;
  }

  private checkDelegates(raw: unknown): string[] {
    if (raw === undefined) return [];
    if (!Array.isArray(raw)) throw invalidValue('delegates: must be a list of partner org ids');
    return raw.map((org, i) => this.checkOrg(org, `delegates[${i}]`));
  }

  private async checkTemplateRef(raw: unknown): Promise<string | null | undefined> {
    if (raw === undefined || raw === null) return raw as null | undefined;
    if (typeof raw !== 'string' || !(await this.getTemplate(raw))) throw invalidValue(`defaultTemplate: template "${String(raw)}" does not exist`);
    return raw;
  }

  // ---- templates ---------------------------------------------------------------------------

  async createTemplate(principal: Principal | undefined, body: unknown): Promise<Template> {
    this.requireOperator(principal, 'defining a template');
    const template = checkTemplate(body);
    await this.store.transaction(async (m) => {
      if (await m.findOneBy(TemplateRow, { id: template.id })) throw new HandleError(RC.HANDLE_ALREADY_EXISTS, `template ${template.id} already exists`, undefined, undefined, 409);
      await m.insert(TemplateRow, { id: template.id, body: JSON.stringify(template), createdAt: new Date().toISOString() });
    });
    this.templates.set(template.id, template);
    return template;
  }

  async getTemplate(id: string): Promise<Template | undefined> {
    const known = this.templates.get(id);
    if (known) return known;
    const body = await this.store.getTemplateBody(id);
    if (!body) return undefined;
    const template = JSON.parse(body) as Template;
    this.templates.set(id, template);
    return template;
  }

  async listTemplates(): Promise<Template[]> {
    return (await this.store.listTemplateBodies()).map((row) => JSON.parse(row.body) as Template);
  }

  // ---- IDIS-style registration ---------------------------------------------------------------

  /** Builds one identifier's values from template items and extra Handle values; collects problems. */
  private buildIdentifier(template: Template | undefined, input: BatchItemInput, handle: string, now: string, problems: string[]): HandleValue[] {
    const values: HandleValue[] = [];
    if (input.values !== undefined) {
      try {
        values.push(...this.prepareValues(normalizeValues(input.values, now, handle)));
      } catch (error) {
        problems.push(error instanceof Error ? error.message : String(error));
        return values;
      }
    }
    if (template) {
      if (input.items === undefined || typeof input.items !== 'object' || input.items === null || Array.isArray(input.items)) {
        problems.push(`items: must be an object of template ${template.id} items`);
        return values;
      }
      const items = input.items as Record<string, unknown>;
      for (const name of Object.keys(items)) {
        if (!template.items.some((i) => i.name === name)) problems.push(`items.${name}: not an item of template ${template.id}`);
      }
      for (const item of template.items) {
        const raw = items[item.name];
        if (raw === undefined) {
          if (item.required) problems.push(`items.${item.name}: required by template ${template.id}`);
          continue;
        }
        const text = itemText(item, raw);
        if (typeof text !== 'string') { problems.push(`items.${item.name}: ${text.problem}`); continue; }
        const problem = itemProblem(item, text);
        if (problem) { problems.push(`items.${item.name}: ${problem}`); continue; }
        if (values.some((v) => v.index === item.index)) { problems.push(`values: index ${item.index} is used by template item ${item.name}`); continue; }
        values.push({ index: item.index, type: item.name, data: { format: 'string', value: text }, ttl: 86400, timestamp: now });
      }
      if (!values.some((v) => v.type === 'TEMPLATE')) values.push({ index: TEMPLATE_INDEX, type: 'TEMPLATE', data: { format: 'string', value: template.id }, ttl: 86400, timestamp: now });
      // Items were checked above; extra Handle values given alongside must fit the template too.
      if (input.values !== undefined) for (const problem of valuesProblems(template, values)) if (!problem.startsWith('item ')) problems.push(problem);
    } else if (input.items !== undefined) {
      problems.push('items: given, but no template applies (name one with "template" or set the prefix\'s defaultTemplate)');
    }
    if (!values.some((v) => v.type === 'TRACE')) {
      values.push({ index: TRACE_INDEX, type: 'TRACE', data: { format: 'string', value: this.traceUrl(handle) }, ttl: 86400, timestamp: now });
    }
    if (!values.some((v) => v.type === 'HS_ADMIN')) {
      values.push({ index: 100, type: 'HS_ADMIN', data: { format: 'admin', value: { handle: prefixHandle(handle.slice(0, handle.indexOf('/'))), index: 300, permissions: ADMIN_PERMISSIONS } }, ttl: 86400, timestamp: now });
    }
    return values.sort((a, b) => a.index - b.index);
  }

  traceUrl(handle: string): string {
    return this.options.traceUrlTemplate.replace('{handle}', encodeURIComponent(handle));
  }

  /**
   * Registers up to 2,000 identifiers in one transaction. Any failing item rejects the whole batch,
   * listing every failing item with its reason.
   */
  async registerBatch(principal: Principal | undefined, body: unknown): Promise<BatchResult> {
    if (!principal) throw authNeeded('registering identifiers needs credentials (Bearer JWT or Basic <index>:<admin handle>)');
    const input = (typeof body === 'object' && body !== null ? body : {}) as { template?: unknown; identifiers?: unknown };
    if (!Array.isArray(input.identifiers) || input.identifiers.length === 0) throw invalidValue('identifiers: must be a non-empty list of {handle, items, values}');
    if (input.identifiers.length > MAX_BATCH) throw invalidValue(`identifiers: at most ${MAX_BATCH} per batch, got ${input.identifiers.length}`);
    if (input.template !== undefined && typeof input.template !== 'string') throw invalidValue('template: must be a template id');
    const namedTemplate = input.template === undefined ? undefined : await this.getTemplate(input.template);
    if (input.template !== undefined && !namedTemplate) throw invalidValue(`template: template "${input.template}" does not exist`);
    const now = new Date().toISOString();
    const errors: ItemError[] = [];
    const records: NewRecord[] = [];
    const seen = new Map<string, number>();
    const prefixRows = new Map<string, PrefixRow | null | Error>();
    // A batch is under one enterprise prefix: its Merkle root is anchored for that prefix.
    let batchPrefix: string | undefined;
    for (const [position, raw] of (input.identifiers as unknown[]).entries()) {
      const item = (typeof raw === 'object' && raw !== null ? raw : {}) as BatchItemInput;
      let parsed: ParsedHandle;
      try {
        if (typeof item.handle !== 'string') throw invalidValue('handle: must be a string prefix/suffix');
        parsed = parseHandle(item.handle);
        if (parsed.prefix === '0.NA') throw invalidValue('handle: prefix handles are allocated through /api/prefixes, not registered');
      } catch (error) {
        errors.push({ item: position, handle: typeof item.handle === 'string' ? item.handle.slice(0, 200) : undefined, reason: (error as Error).message });
        continue;
      }
      const { handle, prefix } = parsed;
      if (seen.has(handle)) { errors.push({ item: position, handle, reason: `handle is also item ${seen.get(handle)} of this batch` }); continue; }
      seen.set(handle, position);
      if (!prefixRows.has(prefix)) {
        try { prefixRows.set(prefix, await this.authorizeWrite(principal, prefix, handle)); } catch (error) { prefixRows.set(prefix, error as Error); }
      }
      const prefixRow = prefixRows.get(prefix)!;
      if (prefixRow instanceof Error) { errors.push({ item: position, handle, reason: prefixRow.message }); continue; }
      batchPrefix ??= prefix;
      if (prefix !== batchPrefix) { errors.push({ item: position, handle, reason: `a batch is under one enterprise prefix: ${batchPrefix}, not ${prefix}` }); continue; }
      const template = namedTemplate ?? (prefixRow?.defaultTemplate ? await this.getTemplate(prefixRow.defaultTemplate) : undefined);
      const problems: string[] = [];
      const values = this.buildIdentifier(template, item, handle, now, problems);
      if (problems.length) { errors.push({ item: position, handle, reason: problems.join('; ') }); continue; }
      records.push({ handle, prefix, values, template: template?.id ?? null });
    }
    const total = input.identifiers.length;
    if (errors.length) throw new HandleError(RC.INVALID_VALUE, `batch rejected: ${errors.length} of ${total} identifiers failed; nothing was registered`, undefined, errors);
    const batchId = randomUUID();
    const leaves = records.map((r) => {
      r.valuesJson = canonicalValuesJson(r.values);
      return leafHash(r.handle, r.values, r.valuesJson);
    });
    const root = merkleRoot(leaves);
    const prefix = batchPrefix!;
    const ownerOrg = (prefixRows.get(prefix) as PrefixRow | null)?.ownerOrg ?? this.options.operatorOrg;
    await this.store.transaction(async (m) => {
      const existing = await this.store.existingHandles(records.map((r) => r.handle), m);
      if (existing.size) {
        const clashes = records.flatMap((r, i) => (existing.has(r.handle) ? [{ item: i, handle: r.handle, reason: 'handle already exists' }] : []));
        throw new HandleError(RC.HANDLE_ALREADY_EXISTS, `batch rejected: ${clashes.length} of ${total} identifiers already exist; nothing was registered`, undefined, clashes);
      }
      for (const r of records) r.batchId = batchId;
      await this.store.insertRecords(m, records, now);
      await m.insert(BatchRow, {
        id: batchId, prefix, count: records.length, merkleRoot: root,
        leaves: JSON.stringify(leaves), handles: JSON.stringify(records.map((r) => r.handle)), anchorTxId: null, anchorBlock: null, createdAt: now,
      });
      await this.store.addStats(m, day(now), { registrations: records.length, batches: 1 });
    }).catch((error: unknown) => {
      if (isUniqueViolation(error)) throw new HandleError(RC.HANDLE_ALREADY_EXISTS, 'batch rejected: some handles were created by a concurrent request; nothing was registered');
      throw error;
    });
    this.invalidate(records.map((r) => r.handle));
    this.anchorLater({ batchId, prefix, merkleRoot: root, count: records.length, ownerOrg, registeredAt: now });
    return { batchId, count: records.length, merkleRoot: root, handles: records.map((r) => r.handle) };
  }

  /** IDIS-style update: replaces the given template items (and extra values) of an identifier. */
  async updateIdentifier(principal: Principal | undefined, parsed: ParsedHandle, body: unknown): Promise<StoredRecord> {
    const { handle } = parsed;
    const now = new Date().toISOString();
    const input = (typeof body === 'object' && body !== null ? body : {}) as BatchItemInput;
    const result = await this.store.transaction(async (m) => {
      const prefixRow = await this.authorizeWrite(principal, responsiblePrefix(parsed), handle, m);
      const existing = await this.store.getRecord(handle, m);
      if (!existing) throw new HandleError(RC.HANDLE_NOT_FOUND, `handle ${handle} does not exist`, handle);
      const template = existing.template ? await this.getTemplate(existing.template) : await this.templateFor(existing.values, prefixRow, handle);
      let values = existing.values;
      if (input.items !== undefined) {
        if (!template) throw invalidValue('items: the identifier has no template', handle);
        if (typeof input.items !== 'object' || input.items === null || Array.isArray(input.items)) throw invalidValue('items: must be an object', handle);
        const problems: string[] = [];
        const updates: HandleValue[] = [];
        for (const [name, raw] of Object.entries(input.items as Record<string, unknown>)) {
          const item = template.items.find((i) => i.name === name);
          if (!item) { problems.push(`items.${name}: not an item of template ${template.id}`); continue; }
          const text = itemText(item, raw);
          if (typeof text !== 'string') { problems.push(`items.${name}: ${text.problem}`); continue; }
          const problem = itemProblem(item, text);
          if (problem) { problems.push(`items.${name}: ${problem}`); continue; }
          updates.push({ index: item.index, type: item.name, data: { format: 'string', value: text }, ttl: 86400, timestamp: now });
        }
        if (problems.length) throw invalidValue(problems.join('; '), handle);
        const replaced = new Set(updates.map((u) => u.index));
        values = [...values.filter((v) => !replaced.has(v.index)), ...updates];
      }
      if (input.values !== undefined) {
        const extra = this.prepareValues(normalizeValues(input.values, now, handle));
        const replaced = new Set(extra.map((u) => u.index));
        values = [...values.filter((v) => !replaced.has(v.index)), ...extra];
      }
      values.sort((a, b) => a.index - b.index);
      if (template) {
        const problems = valuesProblems(template, values);
        if (problems.length) throw invalidValue(problems.join('; '), handle);
      }
      await this.store.updateRecord(m, { handle, prefix: existing.prefix, values, template: template?.id ?? null, createdAt: existing.createdAt }, now);
      return { ...existing, values, template: template?.id ?? null, updatedAt: now };
    });
    this.invalidate([handle]);
    return result;
  }

  // ---- anchoring ---------------------------------------------------------------------------

  private pendingAnchors = new Set<Promise<void>>();

  private anchorLater(batch: BatchAnchor): void {
    const sink = this.options.anchorSink;
    if (!sink) return;
    const job = sink.anchor(batch)
      .then((receipt) => this.store.setBatchAnchor(batch.batchId, receipt.txId, receipt.blockNumber))
      .catch((error: unknown) => this.options.onAnchorError?.(error, batch.batchId))
      .finally(() => this.pendingAnchors.delete(job));
    this.pendingAnchors.add(job);
  }

  /** Anchors batches that are not anchored yet (after a restart or a ledger outage). */
  async anchorPending(): Promise<void> {
    if (!this.options.anchorSink) return;
    for (const batch of await this.store.unanchoredBatches()) {
      const ownerOrg = (await this.store.getPrefix(batch.prefix))?.ownerOrg ?? this.options.operatorOrg;
      this.anchorLater({ batchId: batch.id, prefix: batch.prefix, merkleRoot: batch.merkleRoot, count: batch.count, ownerOrg, registeredAt: batch.createdAt });
    }
    await this.settleAnchors();
  }

  async settleAnchors(): Promise<void> {
    await Promise.all([...this.pendingAnchors]);
  }
}

/** An HS_SITE value in the shape of the Handle.net JSON (one server, its HTTP interface). */
export function siteValue(siteUrl: string): Record<string, unknown> {
  const url = new URL(siteUrl);
  return {
    version: 1,
    protocolVersion: '2.10',
    serialNumber: 1,
    primarySite: true,
    multiPrimary: false,
    attributes: [{ name: 'url', value: siteUrl.replace(/\/$/, '') }],
    servers: [{
      serverId: 1,
      address: url.hostname,
      interfaces: [{ query: true, admin: true, protocol: url.protocol === 'https:' ? 'HTTPS' : 'HTTP', port: Number(url.port || (url.protocol === 'https:' ? 443 : 80)) }],
    }],
  };
}

/** The base URL a HS_SITE value points to. */
export function siteUrlOf(values: readonly HandleValue[]): string | undefined {
  const site = values.find((v) => v.type === 'HS_SITE')?.data.value as { attributes?: { name: string; value: string }[] } | undefined;
  return site?.attributes?.find((a) => a.name === 'url')?.value;
}

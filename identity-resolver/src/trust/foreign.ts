// Resolution of prefixes this node is not responsible for: ask the top-level node for the prefix
// handle `0.NA/<prefix>` (longest registered prefix first), follow its HS_SITE to the node that
// holds the handle, and cache both by TTL in bounded maps, misses included (negative caching).
// `auth=true` skips every cache and goes to the source.
import type { HandleValue } from '../handle/values.js';
import { prefixHandle } from '../handle/syntax.js';
import { siteUrlOf } from '../node/service.js';

/** Marks a request forwarded by another node so it is never forwarded again (no loops). */
export const HOP_HEADER = 'x-gridspace-forwarded';

export interface ForeignResolverOptions {
  topLevelUrl: string;
  /** Upper bound of any cached answer's life, whatever TTL its values say. */
  maxTtlSeconds: number;
  negativeTtlSeconds: number;
  maxEntries: number;
}

interface Cached<T> {
  value: T;
  until: number;
}

class BoundedTtlCache<T> {
  private readonly entries = new Map<string, Cached<T>>();
  constructor(private readonly maxEntries: number) {}
  get(key: string): T | undefined {
    const hit = this.entries.get(key);
    if (!hit) return undefined;
    if (hit.until <= Date.now()) { this.entries.delete(key); return undefined; }
    return hit.value;
  }
  set(key: string, value: T, ttlSeconds: number): void {
    if (ttlSeconds <= 0) return;
    this.entries.delete(key);
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, { value, until: Date.now() + ttlSeconds * 1000 });
  }
  get size(): number { return this.entries.size; }
}

export interface ForeignAnswer {
  status: number;
  body: string;
  /** Where it came from: `cache` or the site URL asked. */
  source: string;
}

export class ForeignResolver {
  private readonly sites: BoundedTtlCache<string | null>;
  private readonly answers: BoundedTtlCache<{ status: number; body: string }>;

  constructor(private readonly options: ForeignResolverOptions) {
    this.sites = new BoundedTtlCache(options.maxEntries);
    this.answers = new BoundedTtlCache(options.maxEntries);
  }

  private ttlOf(values: readonly HandleValue[] | undefined): number {
    const ttl = Math.min(...(values ?? []).map((v) => v.ttl), this.options.maxTtlSeconds);
    return Number.isFinite(ttl) ? ttl : this.options.maxTtlSeconds;
  }

  private async getJson(url: string): Promise<{ status: number; body: string; json: { values?: HandleValue[] } | undefined }> {
    const response = await fetch(url, { headers: { accept: 'application/json', [HOP_HEADER]: '1' }, signal: AbortSignal.timeout(10_000) });
    const body = await response.text();
    let json: { values?: HandleValue[] } | undefined;
    try { json = JSON.parse(body) as { values?: HandleValue[] }; } catch { json = undefined; }
    return { status: response.status, body, json };
  }

  /** The site URL of the node responsible for `prefix`, per the top-level node; null when none. */
  async siteFor(prefix: string, bypass: boolean): Promise<string | null> {
    const segments = prefix.split('.');
    for (let n = segments.length; n >= 1; n--) {
      const candidate = segments.slice(0, n).join('.');
      const cached = bypass ? undefined : this.sites.get(candidate);
      if (cached !== undefined) {
        if (cached !== null) return cached;
        continue;
      }
      const { status, json } = await this.getJson(`${this.options.topLevelUrl.replace(/\/$/, '')}/api/handles/${prefixHandle(candidate)}?type=HS_SITE`);
      const site = status === 200 ? siteUrlOf(json?.values ?? []) ?? null : null;
      this.sites.set(candidate, site, site ? this.ttlOf(json?.values) : this.options.negativeTtlSeconds);
      if (site) return site;
    }
    return null;
  }

  /** Resolves `handle` (with the request's query string) at the node responsible for it. */
  async resolve(handle: string, prefix: string, search: string, bypass: boolean): Promise<ForeignAnswer | null> {
    const key = `${handle}${search}`;
    if (!bypass) {
      const hit = this.answers.get(key);
      if (hit) return { ...hit, source: 'cache' };
    }
    const site = await this.siteFor(prefix, bypass);
    if (!site) return null;
    const path = handle.split('/').map((part, i) => (i === 0 ? part : encodeURIComponent(part))).join('/');
    const { status, body, json } = await this.getJson(`${site.replace(/\/$/, '')}/api/handles/${path}${search}`);
    if (status === 200) this.answers.set(key, { status, body }, this.ttlOf(json?.values));
    else if (status === 404) this.answers.set(key, { status, body }, this.options.negativeTtlSeconds);
    return { status, body, source: site };
  }

  get cachedAnswers(): number {
    return this.answers.size;
  }
}

// What a JWT verified to, remembered by the token's exact text until its `exp` (and at most
// `maxAgeMs`): signature verification (ES256) is the costly part of a call, and a partner or the
// gateway sends the same token many times. Only successful verifications are kept.
export class VerifiedTokens<T> {
  private readonly entries = new Map<string, { value: T; until: number }>();

  constructor(private readonly options: { maxAgeMs?: number; maxEntries?: number } = {}) {}

  get(token: string, now = Date.now()): T | undefined {
    const entry = this.entries.get(token);
    if (!entry) return undefined;
    if (entry.until > now) return entry.value;
    this.entries.delete(token);
    return undefined;
  }

  /** `expSeconds` is the token's own `exp` claim (seconds since the epoch). */
  set(token: string, value: T, expSeconds: number | undefined, now = Date.now()): void {
    const until = Math.min(now + (this.options.maxAgeMs ?? 60_000), (expSeconds ?? 0) * 1000);
    if (until <= now) return;
    // Dropping everything at the bound is enough: a full cache only costs fresh verifications.
    if (this.entries.size >= (this.options.maxEntries ?? 10_000)) this.entries.clear();
    this.entries.set(token, { value, until });
  }
}

// Per-org rate limits: a token bucket per org (capacity = burst, refilled at the configured rate).
export interface RateLimitOptions {
  /** Sustained requests per second per org. */
  perSecond: number;
  /** Requests an org may make at once above the sustained rate. Default: perSecond. */
  burst?: number;
}

export class OrgRateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  constructor(private readonly options: RateLimitOptions) {}

  /** Takes one token for `org`; returns the seconds to wait when there is none. */
  take(org: string, now = Date.now()): { allowed: true } | { allowed: false; retryAfterSeconds: number } {
    const capacity = this.options.burst ?? this.options.perSecond;
    const bucket = this.buckets.get(org) ?? { tokens: capacity, at: now };
    bucket.tokens = Math.min(capacity, bucket.tokens + ((now - bucket.at) / 1000) * this.options.perSecond);
    bucket.at = now;
    this.buckets.set(org, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true };
    }
    return { allowed: false, retryAfterSeconds: Math.ceil((1 - bucket.tokens) / this.options.perSecond) };
  }
}

// VerifiedTokens: a verification is remembered until the token's exp, at most maxAgeMs, within a bound.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { VerifiedTokens } from '../src/index.js';

it('remembers a verification until the token expires or the maximum age passes', () => {
  const now = 1_800_000_000_000;
  const cache = new VerifiedTokens<string>({ maxAgeMs: 60_000 });
  cache.set('short', 'a', now / 1000 + 10, now);
  cache.set('long', 'b', now / 1000 + 3600, now);
  cache.set('expired', 'c', now / 1000 - 1, now);
  cache.set('no-exp', 'd', undefined, now);
  assert.equal(cache.get('short', now + 9_999), 'a');
  assert.equal(cache.get('short', now + 10_000), undefined);
  assert.equal(cache.get('long', now + 59_999), 'b');
  assert.equal(cache.get('long', now + 60_000), undefined);
  assert.equal(cache.get('expired', now), undefined);
  assert.equal(cache.get('no-exp', now), undefined);
});

it('stays within its bound', () => {
  const now = 1_800_000_000_000;
  const cache = new VerifiedTokens<number>({ maxEntries: 3 });
  for (let i = 0; i < 10; i++) cache.set(`t${i}`, i, now / 1000 + 600, now);
  const kept = Array.from({ length: 10 }, (_, i) => cache.get(`t${i}`, now)).filter((v) => v !== undefined);
  assert.ok(kept.length <= 3 && kept.includes(9), `kept ${kept.join(',')}`);
});

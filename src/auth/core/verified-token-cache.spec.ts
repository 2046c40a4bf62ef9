import { describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { toPrincipal } from './principal.js';
import {
  DEFAULT_TOKEN_CACHE_SIZE,
  VerifiedTokenCache,
  type VerifiedEntry,
} from './verified-token-cache.js';

const NOW = 1_800_000_000;

const ISSUER = 'https://idp.example.com';

function entry(kid = 'k1', exp = NOW + 300, authority = ISSUER): VerifiedEntry {
  const claims = { iss: authority, sub: 'u', scope: 'a b', exp };
  return { principal: toPrincipal(claims), kid, authority, exp };
}

function filled(capacity: number, ...entries: [string, VerifiedEntry][]) {
  const cache = new VerifiedTokenCache(capacity);
  for (const [key, value] of entries) cache.set(key, value, cache.generation, NOW);
  return cache;
}

describe('VerifiedTokenCache', () => {
  it('keys a token by its SHA-256, never by the token itself', () => {
    const token = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1In0.c2ln';
    expect(VerifiedTokenCache.keyOf(token)).toBe(
      createHash('sha256').update(token).digest('base64'),
    );
    expect(VerifiedTokenCache.keyOf(token)).not.toContain(token.slice(0, 10));
    expect(VerifiedTokenCache.keyOf(`${token}x`)).not.toBe(VerifiedTokenCache.keyOf(token));
  });

  it('keys a long token by all of it: tokens that differ only in the last signature byte differ', () => {
    const head = `eyJhbGciOiJSUzI1NiJ9.${'eyJzdWIiOiJ1In0'.repeat(60)}`;
    const signature = 'A'.repeat(342);
    const token = `${head}.${signature}`;
    const other = `${head}.${signature.slice(0, -1)}B`;
    expect(token.length).toBeGreaterThan(1024);
    expect(VerifiedTokenCache.keyOf(other)).not.toBe(VerifiedTokenCache.keyOf(token));
    expect(VerifiedTokenCache.keyOf(`${head}.`)).not.toBe(VerifiedTokenCache.keyOf(token));
  });

  it('holds 2 000 entries by default', () => {
    expect(new VerifiedTokenCache().capacity).toBe(DEFAULT_TOKEN_CACHE_SIZE);
    expect(DEFAULT_TOKEN_CACHE_SIZE).toBe(2000);
  });

  it('returns what was stored, and nothing for another key', () => {
    const a = entry();
    const cache = filled(10, ['a', a]);
    expect(cache.get('a', NOW)).toBe(a);
    expect(cache.get('b', NOW)).toBeUndefined();
  });

  it('drops an entry at its exp, whatever the clock skew, and does not bring it back', () => {
    const a = entry('k1', NOW + 10);
    const cache = filled(10, ['a', a]);
    expect(cache.get('a', NOW + 9.999)).toBe(a);
    expect(cache.get('a', NOW + 10)).toBeUndefined();
    expect(cache.get('a', NOW)).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('refuses to store a token already at or past its exp', () => {
    const cache = new VerifiedTokenCache(10);
    expect(cache.set('a', entry('k1', NOW), cache.generation, NOW)).toBe(false);
    expect(cache.get('a', NOW - 1)).toBeUndefined();
  });

  it('evicts the least recently used entry when full', () => {
    const [a, b, c] = [entry('ka'), entry('kb'), entry('kc')];
    const cache = filled(2, ['a', a], ['b', b]);
    cache.get('a', NOW);
    cache.set('c', c, cache.generation, NOW);
    expect(cache.get('b', NOW)).toBeUndefined();
    expect(cache.get('a', NOW)).toBe(a);
    expect(cache.get('c', NOW)).toBe(c);
  });

  it('stays within its capacity, however many tokens pass', () => {
    const cache = new VerifiedTokenCache(100);
    const last = entry('last');
    for (let i = 0; i < 4999; i++) cache.set(`t${i}`, entry(), cache.generation, NOW);
    cache.set('t4999', last, cache.generation, NOW);
    expect(cache.size).toBe(100);
    expect(cache.get('t4999', NOW)).toBe(last);
    expect(cache.get('t4899', NOW)).toBeUndefined();
  });

  it('stores nothing when its size is 0', () => {
    const cache = new VerifiedTokenCache(0);
    expect(cache.enabled).toBe(false);
    expect(cache.set('a', entry(), cache.generation, NOW)).toBe(false);
    expect(cache.get('a', NOW)).toBeUndefined();
  });

  it('drops the entries of keys that left the JWKS, and only those', () => {
    const kept = entry('kept');
    const cache = filled(10, ['a', entry('old')], ['b', kept], ['c', entry('old')]);
    cache.dropKeys(['old', 'unknown'], ISSUER);
    expect(cache.get('a', NOW)).toBeUndefined();
    expect(cache.get('c', NOW)).toBeUndefined();
    expect(cache.get('b', NOW)).toBe(kept);
  });

  it("drops a kid of one authority only: another authority's key of the same kid stays", () => {
    const other = 'https://other.example.com';
    const mine = entry('k1');
    const cache = filled(10, ['a', mine], ['b', entry('k1', NOW + 300, other)]);
    cache.dropKeys(['k1'], other);
    expect(cache.get('a', NOW)).toBe(mine);
    expect(cache.get('b', NOW)).toBeUndefined();
  });

  it('does not store a verification that started before keys were dropped', () => {
    const cache = new VerifiedTokenCache(10);
    const before = cache.generation;
    cache.dropKeys(['old'], ISSUER);
    expect(cache.set('a', entry('old'), before, NOW)).toBe(false);
    expect(cache.set('a', entry('new'), cache.generation, NOW)).toBe(true);
  });

  it('never lets a generation come back: a verification older than a drop and a clear is refused', () => {
    const cache = filled(10, ['a', entry()]);
    const before = cache.generation;
    cache.dropKeys(['old'], ISSUER);
    cache.clear();
    expect(cache.size).toBe(0);
    expect(cache.get('a', NOW)).toBeUndefined();
    expect(cache.set('b', entry(), before, NOW)).toBe(false);
    const afterDrop = cache.generation;
    cache.clear();
    expect(cache.set('b', entry(), afterDrop, NOW)).toBe(false);
  });
});

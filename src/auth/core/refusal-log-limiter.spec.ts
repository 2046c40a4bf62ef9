import { describe, expect, it } from '@jest/globals';
import { RefusalLogLimiter } from './refusal-log-limiter.js';

describe('RefusalLogLimiter', () => {
  it('lets the first lines of each reason through, then counts the rest', () => {
    const limiter = new RefusalLogLimiter(3, 10_000);
    const admitted = Array.from({ length: 5 }, () => limiter.admit('bad_signature', 0));
    expect(admitted).toEqual([true, true, true, false, false]);
    expect(limiter.admit('expired', 0)).toBe(true);
    expect(limiter.takeHeldBack()).toEqual({ bad_signature: 2 });
    expect(limiter.takeHeldBack()).toBeUndefined();
  });

  it('starts a new allowance with each window', () => {
    const limiter = new RefusalLogLimiter(1, 10_000);
    expect(limiter.admit('expired', 0)).toBe(true);
    expect(limiter.admit('expired', 9_999)).toBe(false);
    expect(limiter.admit('expired', 10_000)).toBe(true);
    expect(limiter.takeHeldBack()).toEqual({ expired: 1 });
  });

  it('keeps a flood to a bounded number of lines', () => {
    const limiter = new RefusalLogLimiter(10, 10_000);
    let lines = 0;
    for (let i = 0; i < 100_000; i++) if (limiter.admit('bad_signature', i / 10)) lines++;
    // 100 000 refusals over 10 s: one window.
    expect(lines).toBe(10);
    expect(limiter.takeHeldBack()).toEqual({ bad_signature: 99_990 });
  });
});

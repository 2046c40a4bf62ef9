import { describe, expect, it } from '@jest/globals';
import { AuthorityFetchError } from './fetch-json.js';
import { RefreshBudget } from './jwks-key-store.js';
import { SingleFlight } from './single-flight.js';

/** A load the test finishes by hand, counting how often it started. */
function manualLoad() {
  const pending: { resolve: (v: string) => void; reject: (e: unknown) => void }[] = [];
  const load = () => new Promise<string>((resolve, reject) => pending.push({ resolve, reject }));
  return {
    load,
    pending,
    get starts() {
      return pending.length;
    },
  };
}

const outage = () => new AuthorityFetchError('keys', 'http://127.0.0.1/keys', 'HTTP 500', 500);

describe('SingleFlight', () => {
  it('joins the load in flight: one start for many callers, one answer for all', async () => {
    const loads = manualLoad();
    const flight = new SingleFlight(loads.load, 1000, () => 0);
    const answers = [flight.run(), flight.run(), flight.run()];
    expect(flight.running).toBe(true);
    expect(loads.starts).toBe(1);
    loads.pending[0].resolve('keys');
    expect(await Promise.all(answers)).toEqual(Array(3).fill({ ok: true, value: 'keys' }));
    expect(flight.running).toBe(false);
  });

  it('starts a new load once the last one finished', async () => {
    const loads = manualLoad();
    const flight = new SingleFlight(loads.load, 1000, () => 0);
    const first = flight.run();
    loads.pending[0].resolve('one');
    await first;
    const second = flight.run();
    expect(loads.starts).toBe(2);
    loads.pending[1].resolve('two');
    expect(await second).toEqual({ ok: true, value: 'two' });
  });

  it('answers a failure without loading for backoffMs, then tries again', async () => {
    let clock = 10_000;
    const loads = manualLoad();
    const flight = new SingleFlight(loads.load, 1000, () => clock);
    const error = outage();
    const first = flight.run();
    loads.pending[0].reject(error);
    expect(await first).toEqual({ ok: false, error });
    expect(flight.lastError).toBe(error);
    expect(flight.backingOff).toBe(true);

    clock += 999;
    expect(await flight.run()).toEqual({ ok: false, error });
    expect(loads.starts).toBe(1);

    clock += 1; // the backoff is over
    expect(flight.backingOff).toBe(false);
    const retry = flight.run();
    expect(loads.starts).toBe(2);
    loads.pending[1].resolve('back');
    expect(await retry).toEqual({ ok: true, value: 'back' });
    expect(flight.lastError).toBeUndefined();
    expect(flight.backingOff).toBe(false);
  });

  it('is not backing off before any failure, even at time 0', () => {
    const flight = new SingleFlight(
      () => Promise.resolve(1),
      1000,
      () => 0,
    );
    expect(flight.backingOff).toBe(false);
    expect(flight.lastError).toBeUndefined();
    expect(flight.running).toBe(false);
  });

  it('lets a bug through as it is, to every caller, and remembers no failure', async () => {
    const bug = new TypeError('not a fetch failure');
    const flight = new SingleFlight(
      () => Promise.reject(bug),
      1000,
      () => 0,
    );
    await expect(Promise.all([flight.run(), flight.run()])).rejects.toBe(bug);
    expect(flight.lastError).toBeUndefined();
    expect(flight.running).toBe(false);
  });
});

describe('RefreshBudget (a token bucket)', () => {
  it('spends its capacity, then refills perMinute tokens a minute, never above capacity', () => {
    let clock = 0;
    const budget = new RefreshBudget(3, 6, () => clock);
    expect([budget.take(), budget.take(), budget.take(), budget.take()]).toEqual([
      true,
      true,
      true,
      false,
    ]);
    clock += 9_999; // 0.9999 of a token
    expect(budget.take()).toBe(false);
    clock += 1; // one token
    expect(budget.take()).toBe(true);
    expect(budget.take()).toBe(false);
    clock += 60 * 60_000; // an hour: full again, and no more than full
    expect([budget.take(), budget.take(), budget.take(), budget.take()]).toEqual([
      true,
      true,
      true,
      false,
    ]);
  });
});

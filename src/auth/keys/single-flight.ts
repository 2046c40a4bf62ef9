import { AuthorityFetchError } from './fetch-json.js';

export type LoadOutcome<T> = { ok: true; value: T } | { ok: false; error: AuthorityFetchError };

/**
 * One fetch from the authority at a time, and a pause after a failure. Discovery and the JWKS both
 * go through one of these:
 *
 * - **Single flight.** `run` joins the load in flight or starts one: a cold start under load
 *   makes one request.
 * - **Backoff.** For `backoffMs` after a failure, `run` answers that failure without loading, so an
 *   outage (or a key set with no usable key) is not hammered; the next call after it tries again.
 *
 * `load` resolves with the value or rejects with an `AuthorityFetchError`; anything else it throws
 * is a bug and reaches every caller as it is.
 */
export class SingleFlight<T> {
  private inflight?: Promise<LoadOutcome<T>>;
  private failure?: { error: AuthorityFetchError; at: number };

  constructor(
    private readonly load: () => Promise<T>,
    private readonly backoffMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** The last failure, until a load succeeds. */
  get lastError(): AuthorityFetchError | undefined {
    return this.failure?.error;
  }

  /** True while a load is in flight. */
  get running(): boolean {
    return this.inflight !== undefined;
  }

  /** True while a failure is recent enough to be answered without loading. */
  get backingOff(): boolean {
    return this.failure !== undefined && this.now() - this.failure.at < this.backoffMs;
  }

  run(): Promise<LoadOutcome<T>> {
    if (this.inflight) return this.inflight;
    if (this.failure && this.backingOff) {
      return Promise.resolve({ ok: false, error: this.failure.error });
    }
    this.inflight = this.attempt().finally(() => (this.inflight = undefined));
    return this.inflight;
  }

  private async attempt(): Promise<LoadOutcome<T>> {
    try {
      const value = await this.load();
      this.failure = undefined;
      return { ok: true, value };
    } catch (error) {
      if (!(error instanceof AuthorityFetchError)) throw error;
      this.failure = { error, at: this.now() };
      return { ok: false, error };
    }
  }
}

/**
 * Keeps a flood of refused tokens from flooding the log: per reason, the first `linesPerReason`
 * refusals of each window are written; the rest are counted, for one summary line per window.
 */
export class RefusalLogLimiter {
  private windowStart = -Infinity;
  private readonly written = new Map<string, number>();
  private readonly heldBack = new Map<string, number>();

  constructor(
    readonly linesPerReason = 10,
    readonly windowMs = 10_000,
  ) {}

  /** True when this refusal's line may be written now; otherwise it is counted. */
  admit(reason: string, now: number): boolean {
    if (now - this.windowStart >= this.windowMs) {
      this.windowStart = now;
      this.written.clear();
    }
    const lines = this.written.get(reason) ?? 0;
    if (lines < this.linesPerReason) {
      this.written.set(reason, lines + 1);
      return true;
    }
    this.heldBack.set(reason, (this.heldBack.get(reason) ?? 0) + 1);
    return false;
  }

  /** The refusals held back since the last call, per reason; undefined when there were none. */
  takeHeldBack(): Record<string, number> | undefined {
    if (this.heldBack.size === 0) return undefined;
    const counts = Object.fromEntries(this.heldBack);
    this.heldBack.clear();
    return counts;
  }
}

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { TestAuthority, generateTestKey, type TestApp } from '../../src/auth/testing/index.js';
import { CaptureLogger } from '../support/capture-logger.js';
import { rawRequest } from '../support/raw-request.js';
import { startApi } from '../support/test-api.js';

/**
 * A flood of refused tokens can't flood the log: per reason, the first lines are written at warn
 * level, the rest at debug level (off in production), and one warn line counts them.
 */
const PER_REASON = 60;

let authority: TestAuthority;
let api: TestApp;
const logger = new CaptureLogger();

beforeAll(async () => {
  authority = await TestAuthority.start();
  api = await startApi({ authority, logger, listen: true });
});
afterAll(async () => {
  await api?.close();
  await authority?.close();
});

const warnings = () => logger.entries.filter((e) => e.level === 'warn').map((e) => e.message);
const warnLines = (msg: string) =>
  warnings().filter((m) => (m as { msg?: string }).msg === msg) as Record<string, unknown>[];

describe(`${PER_REASON} forged and ${PER_REASON} expired tokens`, () => {
  it('are all refused, with a bounded number of warn lines and a count of the rest', async () => {
    const forger = generateTestKey('RS256', { kid: authority.signingKey.kid });
    const tokens = [
      ...Array.from({ length: PER_REASON }, () => authority.mint({}, { key: forger })),
      ...Array.from({ length: PER_REASON }, () => authority.bad.expired()),
    ];
    for (const token of tokens) {
      const res = await rawRequest(`${api.url as string}/api/messages`, {
        headers: ['Authorization', `Bearer ${token}`],
      });
      expect(res.status).toBe(401);
    }

    const written = warnLines('token rejected').map((m) => m.reason);
    expect(written.filter((r) => r === 'bad_signature').length).toBeLessThanOrEqual(10);
    expect(written.filter((r) => r === 'expired').length).toBeLessThanOrEqual(10);
    // Every refusal is still there for whoever turns debug on.
    expect(logger.rejections()).toHaveLength(2 * PER_REASON);

    await api.close();
    const [summary] = warnLines('tokens rejected');
    const heldBack = summary?.heldBack as Record<string, number>;
    expect(heldBack.bad_signature + written.filter((r) => r === 'bad_signature').length).toBe(
      PER_REASON,
    );
    expect(heldBack.expired + written.filter((r) => r === 'expired').length).toBe(PER_REASON);
    const text = logger.text();
    for (const token of tokens) expect(text).not.toContain(token.split('.')[2]);
  });
});

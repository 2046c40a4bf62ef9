import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { TestAuthority, type IntrospectionFault, type TestApp } from '../src/auth/testing/index.js';
import { startApi } from './support/test-api.js';

/*
 * The introspection endpoint's bad day in the logs: one line that says which failure it was (and
 * for refused client credentials, what to check), and never a token. One app per file: Nest's
 * static logger follows the app started last.
 */

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('introspection failures in the logs', () => {
  let authority: TestAuthority;
  let api: TestApp;
  const written: string[] = [];
  const sent: string[] = [];
  const lines = () =>
    written
      .join('')
      .split('\n')
      .filter((line) => line.includes('"context":"Introspection"'));

  beforeAll(async () => {
    authority = await TestAuthority.start();
    authority.slowMs = 5000;
    api = await startApi({
      authority,
      auth: { ...authority.introspectionOptions('opaque'), fetchTimeoutMs: 1500 },
      logs: (line) => void written.push(line),
    });
    for (const fault of ['error', 'slow', 'refuse-client', 'down'] as IntrospectionFault[]) {
      authority.introspection = fault;
      const token = authority.mintOpaque();
      sent.push(token);
      expect(await api.withToken(token).get('/api/me')).toBeAuthorityUnavailable();
      await sleep(1100); // out of the backoff
    }
  }, 30_000);
  afterAll(async () => {
    await api?.close();
    await authority?.close();
  });

  it.each([
    ['an error status', 'HTTP 500'],
    ['a timeout', 'no answer within 1500 ms'],
    ['a dropped connection', 'the connection closed without an answer'],
  ])('says which failure it was: %s', (_what, text) => {
    expect(lines().some((line) => line.includes(text))).toBe(true);
  });

  it('says what to check when our client credentials are refused', () => {
    const refused = lines().filter((line) => line.includes('refused our client credentials'));
    expect(refused).toHaveLength(1);
    expect(refused[0]).toContain('AUTH_INTROSPECTION_CLIENT_ID');
    expect(refused[0]).toContain('AUTH_INTROSPECTION_CLIENT_SECRET');
  });

  it('never writes a token', () => {
    const logs = written.join('');
    expect(sent).toHaveLength(4);
    for (const token of sent) expect(logs).not.toContain(token);
  });
});

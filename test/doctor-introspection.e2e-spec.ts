import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { TestAuthority } from '../src/auth/testing/index.js';
import { authorityEnv } from './support/authority-env.js';

/*
 * `npm run doctor` on a token the API would introspect: the built CLI in a child process asks the
 * kit's introspection endpoint once, says what it answered, and never prints the token.
 */

const CLI = 'dist/doctor/main.js';

function doctor(
  token: string,
  env: Record<string, string>,
): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, token], {
      env: { PATH: process.env.PATH ?? '', ...env },
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out }));
    child.stdin.end('');
  });
}

describe('npm run doctor with AUTH_INTROSPECTION on', () => {
  let authority: TestAuthority;
  let env: Record<string, string>;

  beforeAll(async () => {
    authority = await TestAuthority.start();
    env = {
      ...authorityEnv(authority),
      AUTH_INTROSPECTION: 'opaque',
      AUTH_INTROSPECTION_CLIENT_ID: authority.introspectionClient.id,
      AUTH_INTROSPECTION_CLIENT_SECRET: authority.introspectionClient.secret,
    };
  });
  afterAll(() => authority?.close());

  it('explains an active opaque token: what the endpoint said, exit 0, no token printed', async () => {
    const token = authority.mintOpaque({ sub: 'alice', scope: 'messages:read' });
    const run = await doctor(token, env);
    expect(run.out).not.toContain(token);
    expect(run.code).toBe(0);
    expect(run.out).toContain('Checked by    introspection (AUTH_INTROSPECTION=opaque)');
    expect(run.out).toContain('The introspection endpoint says: active');
    expect(run.out).toMatch(/sub\s+alice/);
    expect(run.out).toContain('accepted: sub alice, scopes messages:read');
  });

  it('explains an inactive one and a failed rule, exit 1', async () => {
    const inactive = await doctor('some-revoked-reference-token', env);
    expect(inactive.code).toBe(1);
    expect(inactive.out).toContain('The introspection endpoint says: not active');
    expect(inactive.out).not.toContain('some-revoked-reference-token');

    const foreign = await doctor(authority.mintOpaque({ aud: 'api://billing' }), env);
    expect(foreign.code).toBe(1);
    expect(foreign.out).toContain('refused (wrong_audience)');
  });

  it('says the endpoint refused our client, exit 2', async () => {
    const run = await doctor(authority.mintOpaque(), {
      ...env,
      AUTH_INTROSPECTION_CLIENT_SECRET: 'wrong',
    });
    expect(run.code).toBe(2);
    expect(run.out).toContain('refused our client credentials (HTTP 401)');
  });
});

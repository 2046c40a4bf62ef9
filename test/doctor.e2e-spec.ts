import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import { AuthMessages } from '../src/auth/core/auth-messages.js';
import {
  TestAuthority,
  closeServer,
  generateTestKey,
  listenOnLoopback,
} from '../src/auth/testing/index.js';
import { startTrap } from './security/security-helpers.js';
import { authorityEnv } from './support/authority-env.js';

/*
 * `npm run doctor` as a user runs it: the built CLI in a child process, configured through the
 * environment, against a loopback host laid out like Okta: the Org authorization server at the
 * root and the custom server `default` at /oauth2/default, each with its own keys. The API is
 * configured with the custom server. (`npm test` builds first; without dist/ these tests fail.)
 */

const CLI = 'dist/doctor/main.js';
const now = () => Math.floor(Date.now() / 1000);

let org: TestAuthority;
let custom: TestAuthority;
let elsewhere: TestAuthority;

interface Run {
  code: number | null;
  out: string;
}

/** Runs the CLI without blocking this process, which serves the authority the CLI calls. */
function doctor(
  args: string[],
  env: Record<string, string> = authorityEnv(custom),
  stdin?: string,
): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: { PATH: process.env.PATH ?? '', ...env },
      cwd: process.cwd(),
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out }));
    child.stdin.end(stdin ?? '');
  });
}

/** Runs the doctor on a token and checks it never prints the token or its signature. */
async function examine(token: string, env?: Record<string, string>, flags: string[] = []) {
  const run = await doctor([...flags, token], env);
  expect(run.out).not.toContain(token);
  const signature = token.split('.')[2];
  if (signature) expect(run.out).not.toContain(signature);
  return run;
}

const lineOf = (out: string, start: string) =>
  out.split('\n').find((l) => l.trimStart().startsWith(start));

beforeAll(async () => {
  expect(existsSync(CLI)).toBe(true);
  org = await TestAuthority.start({ audience: 'api://default' });
  custom = org.sibling('/oauth2/default');
  elsewhere = await TestAuthority.start({ audience: 'api://default' });
});

afterAll(async () => {
  await org?.close();
  await elsewhere?.close();
});

afterEach(() => {
  custom.jwks = 'ok';
  org.resetFetches();
  custom.resetFetches();
});

describe('npm run doctor', () => {
  it('says ACCEPTED and exits 0 for a token the API accepts, showing header and claims', async () => {
    const run = await examine(custom.mint({ scope: 'messages:read' }));
    expect(run.code).toBe(0);
    expect(run.out).toContain('✓ ACCEPTED');
    expect(run.out).toContain(`"iss": "${custom.issuer}"`);
    expect(run.out).toContain(`"kid":"${custom.signingKey.kid}"`);
    expect(lineOf(run.out, 'scopes')).toBe('  scopes  messages:read');
    expect(run.out).not.toMatch(/^ {2}✗/m);
  });

  it('explains an Org-server token from its issuer alone, and offers to look further', async () => {
    const token = org.mint();
    const run = await examine(token);
    expect(run.code).toBe(1);
    expect(lineOf(run.out, '✗ issuer')).toContain(
      AuthMessages.wrongIssuer(org.issuer, custom.issuer),
    );
    expect(lineOf(run.out, 'fix')).toContain("Okta's Org authorization server");
    expect(lineOf(run.out, '· key id')).toContain('not reached');
    expect(run.out).toContain(
      `WWW-Authenticate: Bearer error="invalid_token", error_description="${AuthMessages.wrongIssuer(org.issuer, custom.issuer)}"`,
    );
    expect(run.out).toContain(
      `The token's issuer ${org.issuer} was not looked up: run the doctor with --fetch-issuer`,
    );
    expect(org.fetches).toEqual({ discovery: 0, jwks: 0 });
  });

  it('with --fetch-issuer, finds the kid at the Org server, not at the custom one', async () => {
    const run = await examine(org.mint(), authorityEnv(custom), ['--fetch-issuer']);
    expect(run.code).toBe(1);
    expect(run.out).toContain(
      `kid ${org.signingKey.kid} is published by ${org.issuer} (the Org authorization server), ` +
        `not by ${custom.issuer}: request tokens from ${custom.issuer}/token.`,
    );
    expect(run.out).toContain(`The signature verifies with ${org.issuer}'s key`);
  });

  it('with --fetch-issuer, explains a token from another host after looking at that issuer', async () => {
    const run = await examine(elsewhere.mint(), authorityEnv(custom), ['--fetch-issuer']);
    expect(run.code).toBe(1);
    expect(run.out).toContain(
      `kid ${elsewhere.signingKey.kid} is published by ${elsewhere.issuer}, not by ${custom.issuer}`,
    );
    expect(elsewhere.fetches.discovery).toBeGreaterThan(0);
  });

  it('explains an unknown kid: names it, the issuer searched, and the kids published', async () => {
    const run = await examine(custom.bad.unknownKid());
    expect(run.code).toBe(1);
    expect(lineOf(run.out, '✗ signing key')).toContain(
      AuthMessages.unknownKid('kid-nobody-published', custom.issuer),
    );
    expect(run.out).toContain(
      `${custom.issuer} publishes 1 key (${custom.signingKey.kid}); kid kid-nobody-published is not among them.`,
    );
  });

  it('never follows a URL the token names (jku), and says so', async () => {
    const stranger = generateTestKey('RS256', { kid: 'stranger' });
    const token = custom.mint({}, { key: stranger, header: { jku: org.jwksUri } });
    const run = await examine(token);
    expect(run.code).toBe(1);
    expect(run.out).toContain('The header carries jku; neither the API nor the doctor follows it');
    expect(org.fetches.jwks).toBe(0);
  });

  it('does not look up an issuer over plain http beyond this machine', async () => {
    const run = await examine(
      custom.bad.foreignIssuer('http://idp.example.test'),
      authorityEnv(custom),
      ['--fetch-issuer'],
    );
    expect(run.code).toBe(1);
    expect(run.out).toContain(
      "The token's issuer http://idp.example.test was not looked up: plain http is only followed to this machine (loopback).",
    );
  });

  it('says when an expired token expired, and to get a new one', async () => {
    const exp = now() - 7200;
    const run = await examine(custom.mint({ iat: exp - 300, exp }));
    expect(run.code).toBe(1);
    expect(lineOf(run.out, '✗ lifetime')).toContain(AuthMessages.expired(exp));
    expect(run.out).toMatch(/fix +get a new token \(it expired 2 h ago/);
  });

  it('recognises an ID token sent as the bearer', async () => {
    const run = await examine(custom.bad.idToken());
    expect(run.code).toBe(1);
    expect(lineOf(run.out, '✗ access token')).toContain(AuthMessages.idToken('it carries nonce'));
    expect(run.out).toContain('send the access_token of the token response, not the id_token');
  });

  it('recognises an opaque token (Auth0 without an audience) and does not print it', async () => {
    const opaque = 'q8Zx3vN0bA2mW7kR4tY6uI1oP9sD5fGh';
    const run = await examine(opaque);
    expect(run.code).toBe(1);
    expect(run.out).toContain('an opaque string of 32 characters (not shown)');
    expect(run.out).toContain('add audience=api://default');
  });

  it('recognises an encrypted token (JWE) by its readable header', async () => {
    const header = Buffer.from(JSON.stringify({ alg: 'dir', enc: 'A256GCM' })).toString(
      'base64url',
    );
    const run = await examine(`${header}..aXZpdml2aXZpdg.Y2lwaGVydGV4dA.dGFndGFndGFn`);
    expect(run.code).toBe(1);
    expect(run.out).toContain('This is an encrypted token (JWE, alg dir, enc A256GCM)');
  });

  it('reads the token from standard input, Bearer prefix and all', async () => {
    const run = await doctor([], authorityEnv(custom), `Bearer ${custom.mint()}\n`);
    expect(run.code).toBe(0);
  });

  it('exits 2 and blames no token when the authority is unreachable', async () => {
    custom.jwks = 'down';
    const run = await examine(custom.mint());
    expect(run.code).toBe(2);
    expect(run.out).toContain('NOT CHECKED: the API answers 503');
  });

  it('without AUTH_AUTHORITY, checks against the development authority, as npm start does', async () => {
    const port = new URL(elsewhere.issuer).port;
    const run = await examine(elsewhere.mint(), { DEV_AUTHORITY_PORT: port });
    expect(run.code).toBe(0);
    expect(run.out).toContain(
      'AUTH_AUTHORITY is not set: checking against the development authority',
    );
    expect(lineOf(run.out, 'authority')).toBe(`  authority  http://127.0.0.1:${port}`);
  });

  it('exits 2 naming the variable when the configuration cannot be right', async () => {
    const run = await doctor([custom.mint()], { ...authorityEnv(custom), AUTH_AUDIENCE: '' });
    expect(run.code).toBe(2);
    expect(run.out).toContain('Configuration error: AUTH_AUDIENCE: is required');
  });
});

describe('npm run doctor with several authorities', () => {
  const listed = () => ({
    ...authorityEnv(custom),
    AUTH_AUTHORITY: `${custom.issuer},${elsewhere.issuer}`,
  });

  it('shows each authority, and accepts a token of any of them', async () => {
    const run = await examine(elsewhere.mint(), listed());
    expect(run.code).toBe(0);
    const authorities = run.out.split('\n').filter((l) => l.startsWith('  authority  '));
    expect(authorities).toEqual([
      `  authority  ${custom.issuer}`,
      `  authority  ${elsewhere.issuer}`,
    ]);
    expect(lineOf(run.out, '✓ issuer')).toContain(
      `${elsewhere.issuer}, one of the listed authorities`,
    );
  });

  it('explains an issuer that is none of them, lists them, and says which one it resembles', async () => {
    const run = await examine(org.mint(), listed());
    expect(run.code).toBe(1);
    expect(lineOf(run.out, '✗ issuer')).toContain(
      AuthMessages.issuerNotListed(org.issuer, [custom.issuer, elsewhere.issuer]),
    );
    const fix = lineOf(run.out, 'fix') ?? '';
    expect(fix).toContain(
      `${org.issuer} is not one of the listed authorities (${custom.issuer}, ${elsewhere.issuer})`,
    );
    expect(fix).toContain(`it looks like ${custom.issuer}`);
    expect(fix).toContain("Okta's Org authorization server");
  });

  it('for an unrelated issuer, says to get a token from one of them or to list it', async () => {
    const run = await examine(elsewhere.mint({ iss: 'https://login.example.org/' }), listed());
    expect(run.code).toBe(1);
    expect(lineOf(run.out, 'fix')).toContain(
      'request tokens from one of them, or, if https://login.example.org/ should be accepted too, add it to AUTH_AUTHORITY',
    );
  });

  it('shows the challenge as the API sends it, resource_metadata included', async () => {
    const env = { ...listed(), AUTH_RESOURCE: 'https://api.example.com/mcp' };
    const run = await examine(org.mint(), env);
    expect(run.out).toContain(
      'resource_metadata="https://api.example.com/.well-known/oauth-protected-resource/mcp"',
    );
  });
});

/** An internal service on this machine, as a forged token's `iss` might name it. */
async function startInternalService() {
  let hits = 0;
  const server = createServer((req, res) => {
    hits++;
    const url = req.url ?? '';
    if (url.startsWith('/admin/')) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ issuer: 'internal-secret-issuer', admin_password: 'hunter2' }));
    } else if (url.startsWith('/page/')) {
      res.writeHead(200, { 'content-type': 'text/html' }).end('<h1>TOP SECRET ADMIN PAGE</h1>');
    } else if (url.startsWith('/huge/')) {
      res.writeHead(200, { 'content-type': 'application/json' });
      const chunk = Buffer.alloc(64 * 1024, 'x');
      let sent = 0;
      const more = () => {
        while (sent < 32 && !res.destroyed) {
          sent++;
          if (!res.write(chunk)) return void res.once('drain', more);
        }
        res.end();
      };
      more();
    } else {
      res.writeHead(404).end();
    }
  });
  return {
    url: await listenOnLoopback(server),
    hits: () => hits,
    close: () => closeServer(server),
  };
}

describe('npm run doctor follows no unsigned input unasked', () => {
  let internal: Awaited<ReturnType<typeof startInternalService>>;
  let trap: Awaited<ReturnType<typeof startTrap>>;
  beforeAll(async () => {
    internal = await startInternalService();
    trap = await startTrap();
  });
  afterAll(async () => {
    await internal?.close();
    await trap?.close();
  });

  it("never fetches a forged token's issuer without --fetch-issuer", async () => {
    const run = await examine(custom.bad.foreignIssuer(`${internal.url}/admin`));
    expect(run.code).toBe(1);
    expect(internal.hits()).toBe(0);
    expect(run.out).toContain(`The token's issuer ${internal.url}/admin was not looked up`);
  });

  describe('with --fetch-issuer, for an authority that is not on this machine', () => {
    const remote = { AUTH_AUTHORITY: 'https://idp.example.test', AUTH_AUDIENCE: 'api://default' };
    const trapPort = () => new URL(trap.url).port;

    it.each([
      ['127.0.0.1', () => `https://127.0.0.1:${trapPort()}/internal`, 'is this machine (loopback)'],
      ['localhost', () => `https://localhost:${trapPort()}/internal`, 'is this machine (loopback)'],
      ['[::1]', () => `https://[::1]:${trapPort()}/internal`, 'is this machine (loopback)'],
      ['a private address', () => 'https://10.1.2.3/internal', '10.1.2.3 is not a public address'],
      ['a cloud metadata address', () => 'https://169.254.169.254/latest', 'is not a public'],
      ['a documentation address', () => 'https://192.0.2.2/oauth', 'is not a public address'],
    ])('does not reach %s', async (_name, issuer, why) => {
      const run = await examine(custom.bad.foreignIssuer(issuer()), remote, ['--fetch-issuer']);
      expect(run.code).toBe(1);
      expect(trap.hits()).toBe(0);
      expect(lineOf(run.out, '- The token')).toContain('was not looked up');
      expect(run.out).toContain(why);
    });
  });

  describe('with --fetch-issuer, for a loopback authority (development, tests)', () => {
    const lookAt = (path: string) =>
      examine(custom.bad.foreignIssuer(`${internal.url}${path}`), authorityEnv(custom), [
        '--fetch-issuer',
      ]);

    it('reads an answer that is not metadata for this issuer, and repeats none of it', async () => {
      const run = await lookAt('/admin');
      expect(internal.hits()).toBeGreaterThan(0);
      expect(run.out).not.toContain('internal-secret-issuer');
      expect(run.out).not.toContain('hunter2');
      expect(run.out).toContain("its discovery document names another issuer than the token's iss");
    });

    it('repeats nothing of a page that is not JSON', async () => {
      const run = await lookAt('/page');
      expect(run.out).not.toContain('TOP SECRET');
      expect(run.out).toContain('response is not JSON');
    });

    it('stops reading at the size cap', async () => {
      const run = await lookAt('/huge');
      expect(run.out).toContain('response larger than 524288 bytes');
      expect(run.out).not.toContain('xxxxxxxx');
    });
  });
});

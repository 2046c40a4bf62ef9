import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { generateKeyPairSync } from 'node:crypto';
import { AuthConfigurationError } from '../../src/auth/index.js';
import {
  TestAuthority,
  generateTestKey,
  signJws,
  type TestApp,
  type TestKey,
} from '../../src/auth/testing/index.js';
import type { Server } from 'node:http';
import { CaptureLogger } from '../support/capture-logger.js';
import { startApi } from '../support/test-api.js';
import { callWith, startTrap, tamperSignature, withSignature } from './security-helpers.js';

/*
 * RFC 8725 §3.1–3.2 and the classic forgeries: `alg: none` (CVE-2015-9235), HS* signed with the
 * public key (CVE-2016-10555, CVE-2022-23541), a token alg that does not fit its key, keys that
 * must never verify anything, key-pointing header parameters (CVE-2018-0114), `crit` and `b64`
 * (RFC 7515 §4.1.11, RFC 7797), and ECDSA's psychic signature (CVE-2022-21449).
 *
 * Every case asserts the status, the challenge's `error`, the reason the filter logged, and how
 * many times the JWKS was fetched: a forgery refused from its header costs the authority nothing.
 */

let authority: TestAuthority;
const logger = new CaptureLogger();

// Published from the start, so no case below needs a refetch unless it asks for one.
const rsa = generateTestKey('RS256', { kid: 'rsa' });
const rsaNoAlg = generateTestKey('RS256', { kid: 'rsa-no-alg', publishAlg: false });
const ec256 = generateTestKey('ES256', { kid: 'ec-256' });
const ec256NoAlg = generateTestKey('ES256', { kid: 'ec-256-no-alg', publishAlg: false });
const ec384 = generateTestKey('ES384', { kid: 'ec-384' });
const ec512 = generateTestKey('ES512', { kid: 'ec-512' });
const keys: Record<string, TestKey> = { rsa, rsaNoAlg, ec256, ec256NoAlg, ec384, ec512 };

/** A token signed with `key` under `alg` (default: the key's own), with the key's kid. */
function signed(
  key: TestKey,
  alg = key.alg,
  header: Record<string, unknown> = {},
  claims: Record<string, unknown> = {},
): string {
  return signJws(
    { alg, typ: 'at+jwt', kid: key.kid, ...header },
    { ...authority.claims(), ...claims },
    key.privateKey,
  );
}

async function expectRefused(
  server: Server,
  token: string,
  reason: string,
  jwksFetches = 0,
): Promise<void> {
  const res = await callWith(server, token);
  expect(res).toBeUnauthorized('invalid_token');
  expect(logger.lastRejection()).toBe(reason);
  expect(authority.fetches.jwks).toBe(jwksFetches);
}

beforeAll(async () => {
  authority = await TestAuthority.start();
  authority.keys = Object.values(keys);
});
afterAll(() => authority?.close());
beforeEach(() => {
  authority.resetFetches();
  logger.clear();
});

describe('the keys and algorithms that work (controls for every refusal below)', () => {
  let api: TestApp;
  beforeAll(async () => (api = await startApi({ authority, logger })));
  afterAll(() => api.close());

  it.each([
    ['RS256 with its RSA key', () => signed(rsa)],
    ['ES256 with its P-256 key', () => signed(ec256)],
    ['ES384 with its P-384 key', () => signed(ec384)],
    ['ES512 with its P-521 key', () => signed(ec512)],
    ['PS256 with an RSA key that publishes no alg', () => signed(rsaNoAlg, 'PS256')],
    ['RS512 with an RSA key that publishes no alg', () => signed(rsaNoAlg, 'RS512')],
    ['ES256 with a P-256 key that publishes no alg', () => signed(ec256NoAlg, 'ES256')],
  ])('%s → 200, no JWKS fetch', async (_name, token) => {
    const res = await callWith(api.server, token());
    expect(res.status).toBe(200);
    expect(authority.fetches.jwks).toBe(0);
  });
});

describe('alg none and symmetric algorithms', () => {
  let api: TestApp;
  beforeAll(async () => (api = await startApi({ authority, logger })));
  afterAll(() => api.close());

  it.each(['none', 'None', 'NONE', 'nOnE'])('alg %s (no signature) → 401', async (alg) => {
    await expectRefused(api.server, signed(rsa, alg), 'algorithm_not_allowed');
  });

  it('alg none carrying a real RS256 signature → 401', async () => {
    const real = signed(rsa);
    const none = signed(rsa, 'none');
    await expectRefused(
      api.server,
      withSignature(none, real.split('.')[2]),
      'algorithm_not_allowed',
    );
  });

  const pem = () => rsa.publicKey.export({ format: 'pem', type: 'spki' });
  const pkcs1 = () => rsa.publicKey.export({ format: 'pem', type: 'pkcs1' });
  const jwkJson = () => JSON.stringify(rsa.jwk);
  const ecPem = () => ec256.publicKey.export({ format: 'pem', type: 'spki' });
  it.each([
    ['HS256', 'the public key (SPKI PEM)', pem],
    ['HS384', 'the public key (SPKI PEM)', pem],
    ['HS512', 'the public key (SPKI PEM)', pem],
    ['HS256', 'the public key (PKCS#1 PEM)', pkcs1],
    ['HS256', 'the published JWK (JSON)', jwkJson],
    ['HS512', 'the published JWK (JSON)', jwkJson],
    ['HS256', 'the EC public key (PEM)', ecPem],
  ])('%s signed with %s as the secret → 401', async (alg, _secret, secret) => {
    const token = signJws({ alg, typ: 'at+jwt', kid: rsa.kid }, authority.claims(), secret());
    await expectRefused(api.server, token, 'algorithm_not_allowed');
  });

  it('a configuration that would accept HS256 never starts', async () => {
    const error = await startApi({ authority, auth: { algorithms: ['RS256', 'HS256'] } }).then(
      (started) => started.close(),
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AuthConfigurationError);
  });
});

describe('algorithms outside the allowlist', () => {
  let api: TestApp;
  beforeAll(async () => (api = await startApi({ authority, logger })));
  afterAll(() => api.close());

  it.each([
    ['RS1', 'RS1'],
    ['ES256K', 'ES256K'],
    ['EdDSA', 'EdDSA'],
    ['RSA-OAEP (an encryption algorithm)', 'RSA-OAEP'],
    ['rs256 (wrong case)', 'rs256'],
    ['RS256 with a trailing space', 'RS256 '],
    ['a number', 256],
    ['an array', ['RS256']],
    ['null', null],
  ])('alg %s → 401', async (_name, alg) => {
    const token = signJws({ alg, typ: 'at+jwt', kid: rsa.kid }, authority.claims(), rsa.privateKey);
    await expectRefused(api.server, token, 'algorithm_not_allowed');
  });

  it('no alg at all → 401', async () => {
    const token = signJws(
      { typ: 'at+jwt', kid: rsa.kid } as unknown as { alg: string },
      authority.claims(),
    );
    await expectRefused(api.server, token, 'algorithm_not_allowed');
  });

  describe('with AUTH_ALGORITHMS=RS256', () => {
    let api: TestApp;
    beforeAll(
      async () => (api = await startApi({ authority, logger, auth: { algorithms: ['RS256'] } })),
    );
    afterAll(() => api.close());

    it.each([
      ['ES256 with its published P-256 key', () => signed(ec256)],
      ['PS256 with an RSA key that publishes no alg', () => signed(rsaNoAlg, 'PS256')],
      ['RS512 with an RSA key that publishes no alg', () => signed(rsaNoAlg, 'RS512')],
    ])('%s → 401, a genuine signature notwithstanding', async (_name, token) => {
      const res = await callWith(api.server, token());
      expect(res).toBeUnauthorized('invalid_token');
      expect(logger.lastRejection()).toBe('algorithm_not_allowed');
      expect(authority.fetches.jwks).toBe(0);
    });

    it('RS256 still works', async () => {
      expect((await callWith(api.server, signed(rsa))).status).toBe(200);
    });
  });
});

describe('one key, one algorithm (RFC 8725 §3.1)', () => {
  let api: TestApp;
  beforeAll(async () => (api = await startApi({ authority, logger })));
  afterAll(() => api.close());

  it.each([
    ['RS256 with an EC key that publishes ES256', () => signed(ec256, 'RS256')],
    ['RS256 with an EC key that publishes no alg', () => signed(ec256NoAlg, 'RS256')],
    ['PS256 with an EC key that publishes no alg', () => signed(ec256NoAlg, 'PS256')],
    ['ES256 with an RSA key that publishes RS256', () => signed(rsa, 'ES256')],
    ['ES256 with an RSA key that publishes no alg', () => signed(rsaNoAlg, 'ES256')],
    ['ES384 with a P-256 key that publishes no alg (curve)', () => signed(ec256NoAlg, 'ES384')],
    ['ES256 with a P-384 key that publishes ES384', () => signed(ec384, 'ES256')],
    ['ES512 with a P-384 key that publishes ES384', () => signed(ec384, 'ES512')],
    [
      'PS256 with an RSA key that publishes RS256 (same key, other alg)',
      () => signed(rsa, 'PS256'),
    ],
    ['RS384 with an RSA key that publishes RS256', () => signed(rsa, 'RS384')],
  ])('%s → 401, no JWKS fetch', async (_name, token) => {
    await expectRefused(api.server, token(), 'algorithm_key_mismatch');
  });
});

describe('keys that must never verify anything', () => {
  let trap: Awaited<ReturnType<typeof startTrap>>;
  const enc = generateTestKey('RS256', { kid: 'enc-key' });
  const oaep = generateTestKey('RS256', { kid: 'oaep-key' });
  const leaked = generateTestKey('RS256', { kid: 'leaked-private' });
  const leakedEc = generateTestKey('ES256', { kid: 'leaked-private-ec' });
  const weak = generateKeyPairSync('rsa', { modulusLength: 1024 });
  const weakKey: TestKey = {
    kid: 'weak-1024',
    alg: 'RS256',
    privateKey: weak.privateKey,
    publicKey: weak.publicKey,
    jwk: { ...weak.publicKey.export({ format: 'jwk' }), kid: 'weak-1024', alg: 'RS256' },
  };

  beforeAll(async () => {
    trap = await startTrap();
    authority.extraJwks = [
      { ...enc.jwk, use: 'enc' },
      { ...oaep.jwk, alg: 'RSA-OAEP', use: undefined },
      { ...leaked.privateKey.export({ format: 'jwk' }), kid: leaked.kid, alg: 'RS256' },
      { ...leakedEc.privateKey.export({ format: 'jwk' }), kid: leakedEc.kid, alg: 'ES256' },
      { kty: 'oct', kid: 'oct-key', alg: 'HS256', k: Buffer.from('shared').toString('base64url') },
      { kty: 'oct', kid: 'oct-rs', k: Buffer.from('shared').toString('base64url') },
      weakKey.jwk,
    ];
  });
  let api: TestApp;
  beforeAll(async () => (api = await startApi({ authority, logger })));
  afterAll(() => api.close());
  afterAll(async () => {
    authority.extraJwks = [];
    await trap?.close();
  });

  const refusedWith = async (token: string, reason: string, jwksFetches: number) => {
    const res = await callWith(api.server, token);
    expect(res).toBeUnauthorized('invalid_token');
    expect(logger.lastRejection()).toBe(reason);
    expect(authority.fetches.jwks).toBe(jwksFetches);
  };

  // The key store never holds these, so each costs one (budgeted) refetch, then "unknown key".
  it.each([
    ['an encryption key (use: enc)', () => signed(enc)],
    ['a private RSA key published by mistake', () => signed(leaked)],
    ['a private EC key published by mistake', () => signed(leakedEc)],
    [
      'a symmetric (oct) key, RS256 header',
      () =>
        signJws({ alg: 'RS256', typ: 'at+jwt', kid: 'oct-rs' }, authority.claims(), rsa.privateKey),
    ],
  ])('%s → 401 unknown key', async (_name, token) => {
    await refusedWith(token(), 'unknown_kid', 1);
  });

  it('an RSA-OAEP key (an encryption key that says so by its alg) → 401, no refetch', async () => {
    await refusedWith(signed(oaep, 'RS256'), 'algorithm_key_mismatch', 0);
  });

  it('a symmetric (oct) key with its own HS256 → 401 before any key lookup', async () => {
    const token = signJws(
      { alg: 'HS256', typ: 'at+jwt', kid: 'oct-key' },
      authority.claims(),
      'shared',
    );
    await refusedWith(token, 'algorithm_not_allowed', 0);
  });

  it('a 1024-bit RSA key (RFC 7518 §3.3 requires 2048) → 401 unknown key', async () => {
    await refusedWith(signed(weakKey), 'unknown_kid', 1);
  });

  describe('header parameters that point at keys are never fetched nor trusted', () => {
    const attacker = generateTestKey('RS256', { kid: 'attacker-key' });
    const pointers = () => ({
      jku: `${trap.url}/jwks.json`,
      x5u: `${trap.url}/cert.pem`,
      jwk: attacker.jwk,
      x5c: [attacker.publicKey.export({ format: 'der', type: 'spki' }).toString('base64')],
    });

    it('attacker key embedded as jwk, jku and x5u at the attacker, attacker kid → 401', async () => {
      await refusedWith(signed(attacker, 'RS256', pointers()), 'unknown_kid', 1);
      expect(trap.hits()).toBe(0);
    });

    it('the same with the authority’s kid → 401 bad signature, no fetch anywhere', async () => {
      const forged = signJws(
        { alg: 'RS256', typ: 'at+jwt', kid: rsa.kid, ...pointers() },
        authority.claims(),
        attacker.privateKey,
      );
      await refusedWith(forged, 'bad_signature', 0);
      expect(trap.hits()).toBe(0);
    });

    it('embedded jwk and no kid (CVE-2018-0114) → 401 before any key lookup', async () => {
      const forged = signJws(
        { alg: 'RS256', typ: 'at+jwt', jwk: attacker.jwk, jku: `${trap.url}/jwks.json` },
        authority.claims(),
        attacker.privateKey,
      );
      await refusedWith(forged, 'missing_kid', 0);
      expect(trap.hits()).toBe(0);
    });

    it('a genuine token that also carries jku/x5u is verified with the authority’s key only', async () => {
      const res = await callWith(
        api.server,
        signed(rsa, 'RS256', { jku: `${trap.url}/k`, x5u: `${trap.url}/c` }),
      );
      expect(res.status).toBe(200);
      expect(trap.hits()).toBe(0);
    });
  });
});

describe('crit and b64 (RFC 7515 §4.1.11, RFC 7797)', () => {
  let api: TestApp;
  beforeAll(async () => (api = await startApi({ authority, logger })));
  afterAll(() => api.close());

  it.each([
    ['crit naming an unknown parameter', { crit: ['exp'], exp: 1 }],
    ['crit naming a parameter that is absent', { crit: ['urn:example:ext'] }],
    ['an empty crit', { crit: [] }],
    ['crit as a string', { crit: 'b64' }],
    ['crit naming b64 (RFC 7797 not supported)', { crit: ['b64'], b64: true }],
  ])('%s → 401', async (_name, header) => {
    await expectRefused(api.server, signed(rsa, 'RS256', header), 'unsupported_header');
  });

  it.each([
    ['b64: false', { b64: false }],
    ['b64: false under crit', { b64: false, crit: ['b64'] }],
    ['b64: "false"', { b64: 'false' }],
  ])('%s → 401', async (_name, header) => {
    await expectRefused(api.server, signed(rsa, 'RS256', header), 'unsupported_header');
  });
});

describe('signatures', () => {
  let api: TestApp;
  beforeAll(async () => (api = await startApi({ authority, logger })));
  afterAll(() => api.close());

  it.each([
    ['ES256', ec256, 64],
    ['ES384', ec384, 96],
    ['ES512', ec512, 132],
  ])('%s with r = s = 0 (CVE-2022-21449, psychic signature) → 401', async (alg, key, size) => {
    await expectRefused(
      api.server,
      withSignature(signed(key, alg), Buffer.alloc(size)),
      'bad_signature',
    );
  });

  it('ES256 with r = s = 0 in DER form → 401', async () => {
    const der = Buffer.from('3006020100020100', 'hex');
    await expectRefused(api.server, withSignature(signed(ec256), der), 'bad_signature');
  });

  it.each([
    ['one flipped bit', (t: string) => tamperSignature(t)],
    [
      'a payload changed after signing',
      (t: string) => {
        const [h, , s] = t.split('.');
        const p = Buffer.from(JSON.stringify({ ...authority.claims(), sub: 'admin' })).toString(
          'base64url',
        );
        return `${h}.${p}.${s}`;
      },
    ],
    ['the signature of another token', (t: string) => withSignature(t, signed(rsa).split('.')[2])],
    [
      'a signature by another key under the authority’s kid',
      () =>
        signJws(
          { alg: 'RS256', typ: 'at+jwt', kid: rsa.kid },
          authority.claims(),
          generateTestKey().privateKey,
        ),
    ],
    ['a truncated signature', (t: string) => t.slice(0, -10)],
  ])('%s → 401 bad signature', async (_name, forge) => {
    await expectRefused(api.server, forge(signed(rsa)), 'bad_signature');
  });

  it('a bad ECDSA signature → 401 bad signature', async () => {
    await expectRefused(api.server, tamperSignature(signed(ec256)), 'bad_signature');
  });
});

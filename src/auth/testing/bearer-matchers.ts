/*
 * Jest matchers for RFC 6750 answers. Register them once in a setup file:
 *
 * ```ts
 * // jest.config: setupFilesAfterEnv: ['<rootDir>/src/auth/testing/jest-setup.ts']
 * expect(res).toBeUnauthorized('invalid_token');
 * expect(res).toBeForbiddenForScopes('messages:write');
 * expect(res).toBeForbidden('messages.moderator');
 * expect(res).toPointToResourceMetadata('https://api.example.com/.well-known/oauth-protected-resource');
 * ```
 * On failure they print the status, the challenge and the body.
 */

/** The part of a supertest (or light-my-request) response the matchers read. */
export interface HttpAnswer {
  status?: number;
  statusCode?: number;
  headers: Record<string, string | string[] | undefined>;
  body?: unknown;
}

export interface Challenge {
  scheme: string;
  params: Record<string, string>;
}

/** Parses `Bearer error="...", error_description="..."` (quoted values, no escapes: RFC 6750). */
export function parseChallenge(header: string | undefined): Challenge | undefined {
  if (!header) return undefined;
  const [scheme, ...rest] = header.split(' ');
  const params: Record<string, string> = {};
  for (const match of rest.join(' ').matchAll(/([a-z_]+)="([^"]*)"/g)) params[match[1]] = match[2];
  return { scheme, params };
}

const statusOf = (res: HttpAnswer) => res.status ?? res.statusCode;
const challengeOf = (res: HttpAnswer) =>
  parseChallenge(res.headers['www-authenticate'] as string | undefined);

function describeAnswer(res: HttpAnswer): string {
  return [
    `  status:           ${statusOf(res)}`,
    `  WWW-Authenticate: ${String(res.headers['www-authenticate'] ?? '(none)')}`,
    `  body:             ${JSON.stringify(res.body)}`,
  ].join('\n');
}

function result(pass: boolean, expectation: string, res: HttpAnswer) {
  return {
    pass,
    message: () => `expected ${pass ? 'not ' : ''}${expectation}; got\n${describeAnswer(res)}`,
  };
}

export const bearerMatchers = {
  /**
   * 401 with a Bearer challenge; with a code, `error="<code>"`; without, a bare challenge. With a
   * description (exact string or pattern), `error_description` must match it.
   */
  toBeUnauthorized(res: HttpAnswer, code?: string, description?: string | RegExp) {
    const challenge = challengeOf(res);
    const text = challenge?.params.error_description;
    const pass =
      statusOf(res) === 401 &&
      challenge?.scheme === 'Bearer' &&
      challenge.params.error === code &&
      (code === undefined || (res.body as { statusCode?: number })?.statusCode === 401) &&
      (description === undefined ||
        (typeof description === 'string' ? text === description : description.test(text ?? '')));
    const expected = [
      `401 with Bearer ${code ? `error="${code}"` : 'and no error code'}`,
      description === undefined ? '' : ` and error_description ${String(description)}`,
    ].join('');
    return result(pass, expected, res);
  },

  /** 400 `invalid_request`: malformed bearer credentials. */
  toBeBadBearerRequest(res: HttpAnswer) {
    const pass = statusOf(res) === 400 && challengeOf(res)?.params.error === 'invalid_request';
    return result(pass, '400 with Bearer error="invalid_request"', res);
  },

  /** 403 `insufficient_scope` whose `scope` parameter lists exactly these scopes. */
  toBeForbiddenForScopes(res: HttpAnswer, ...scopes: string[]) {
    const challenge = challengeOf(res);
    const listed = (challenge?.params.scope ?? '').split(' ').filter(Boolean).sort();
    const pass =
      statusOf(res) === 403 &&
      challenge?.params.error === 'insufficient_scope' &&
      JSON.stringify(listed) === JSON.stringify([...scopes].sort());
    return result(pass, `403 insufficient_scope for scope="${scopes.join(' ')}"`, res);
  },

  /**
   * A plain 403 (a missing role or a failed policy): no `WWW-Authenticate` challenge, a JSON body
   * `{ statusCode: 403, error: 'Forbidden', message }`; with `what`, the message names it (a
   * string it contains, e.g. the role or the policy, or a pattern it matches).
   */
  toBeForbidden(res: HttpAnswer, what?: string | RegExp) {
    const body = res.body as
      { statusCode?: unknown; error?: unknown; message?: unknown } | undefined;
    const message = typeof body?.message === 'string' ? body.message : '';
    const pass =
      statusOf(res) === 403 &&
      res.headers['www-authenticate'] === undefined &&
      body?.statusCode === 403 &&
      body.error === 'Forbidden' &&
      (what === undefined ||
        (typeof what === 'string' ? message.includes(what) : what.test(message)));
    const naming = what === undefined ? '' : ` whose message names ${String(what)}`;
    return result(pass, `403 Forbidden with no WWW-Authenticate${naming}`, res);
  },

  /**
   * A challenge that points at the RFC 9728 metadata: `resource_metadata="<url>"`, or any
   * `resource_metadata` without a URL (so `.not.toPointToResourceMetadata()` says there is none).
   * Combine it with the other matchers: `toBeUnauthorized` ignores the parameter.
   */
  toPointToResourceMetadata(res: HttpAnswer, url?: string) {
    const given = challengeOf(res)?.params.resource_metadata;
    const pass = url === undefined ? given !== undefined : given === url;
    return result(pass, `a challenge with resource_metadata="${url ?? '<any URL>'}"`, res);
  },

  /** 503 with `Retry-After` and no challenge: the authority is unavailable, the token isn't blamed. */
  toBeAuthorityUnavailable(res: HttpAnswer) {
    const pass =
      statusOf(res) === 503 &&
      Number(res.headers['retry-after']) > 0 &&
      res.headers['www-authenticate'] === undefined;
    return result(pass, '503 with Retry-After and no WWW-Authenticate', res);
  },
};

declare module 'expect' {
  interface Matchers<R extends void | Promise<void>> {
    toBeUnauthorized(code?: string, description?: string | RegExp): R;
    toBeBadBearerRequest(): R;
    toBeForbiddenForScopes(...scopes: string[]): R;
    toBeForbidden(what?: string | RegExp): R;
    toBeAuthorityUnavailable(): R;
    toPointToResourceMetadata(url?: string): R;
  }
}

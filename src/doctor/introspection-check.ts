import type { ResolvedAuthOptions } from '../auth/auth-options.interface.js';
import { AuthorityUnavailableError, BearerError } from '../auth/core/bearer-errors.js';
import type { TokenPolicy } from '../auth/core/token-policy.js';
import { TokenIntrospector } from '../auth/introspection/token-introspector.js';
import type { Authorities } from '../auth/keys/authorities.js';
import { printable, type DoctorOutcome } from './report.js';

/*
 * The doctor's introspection branch: a token the API would introspect (AUTH_INTROSPECTION) is
 * asked about once, through the API's own `TokenIntrospector`, and the report says what the
 * endpoint answered and which rule passed or failed. The token itself is never printed.
 */

const FIELDS = ['iss', 'sub', 'aud', 'scope', 'client_id', 'exp', 'nbf', 'token_type'] as const;

function fieldsOf(claims: Readonly<Record<string, unknown>>): string[] {
  return FIELDS.filter((name) => claims[name] !== undefined).map((name) => {
    const value = claims[name];
    const shown = name === 'exp' || name === 'nbf' ? `${String(value)} (${iso(value)})` : value;
    return `  ${name.padEnd(12)}  ${printable(typeof shown === 'string' ? shown : JSON.stringify(shown))}`;
  });
}

const iso = (seconds: unknown) =>
  typeof seconds === 'number' ? new Date(seconds * 1000).toISOString() : '?';

export async function checkByIntrospection(
  token: string,
  options: ResolvedAuthOptions,
  policy: TokenPolicy,
  authorities: Authorities,
  shape: string,
  nowSeconds: number,
): Promise<DoctorOutcome> {
  const failures: string[] = [];
  const introspector = TokenIntrospector.fromOptions(options, authorities, {
    onFailure: (why) => failures.push(why),
  });
  const head = [
    `Token         ${shape}`,
    `Checked by    introspection (AUTH_INTROSPECTION=${options.introspection}), RFC 7662`,
  ];
  try {
    const { principal } = await introspector.verify(token, policy, nowSeconds);
    return {
      exitCode: 0,
      text: [
        ...head,
        'The introspection endpoint says: active',
        ...fieldsOf(principal.claims),
        `Verdict       accepted: sub ${printable(principal.sub)}, scopes ${printable(principal.scopes.join(' ') || '(none)')}`,
      ].join('\n'),
    };
  } catch (error) {
    if (error instanceof AuthorityUnavailableError) {
      return {
        exitCode: 2,
        text: [
          ...head,
          `Verdict       could not tell: ${printable(failures[0] ?? error.message)}`,
          '  fix         the API answers 503 with Retry-After meanwhile; the token is not blamed',
        ].join('\n'),
      };
    }
    if (!(error instanceof BearerError)) throw error;
    const said =
      error.reason === 'token_inactive'
        ? [
            'The introspection endpoint says: not active (revoked, expired, unknown, or not for this client)',
          ]
        : ['The introspection endpoint says: active, but a rule fails'];
    return {
      exitCode: 1,
      text: [
        ...head,
        ...said,
        `Verdict       refused (${error.reason}): ${printable(error.message)}`,
      ].join('\n'),
    };
  }
}

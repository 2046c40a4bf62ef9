import { AuthMessages } from './auth-messages.js';
import { InvalidRequestError, MissingCredentialsError } from './bearer-errors.js';

/** What extraction needs from a request, whatever the HTTP adapter. */
export interface BearerSource {
  /** Node's `rawHeaders` (name, value, name, value...): the only place duplicated headers survive. */
  rawHeaders: readonly string[];
  query?: unknown;
  body?: unknown;
}

/** RFC 6750 §2.1: `b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="`. */
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;

/** An auth-scheme name as RFC 9110 §11.1 allows one, short enough to be a name and not a secret. */
const AUTH_SCHEME = /^[A-Za-z][A-Za-z0-9!#$%&'*+.^_`|~-]{0,19}$/;

export const DEFAULT_MAX_TOKEN_LENGTH = 8192;

/** `access_token` (RFC 6750 §2.2, §2.3), or its array form `access_token[...]`, by decoded name. */
function hasAccessTokenParam(container: unknown): boolean {
  if (typeof container !== 'object' || container === null) return false;
  if ('access_token' in container) return true;
  for (const name in container) if (name.startsWith('access_token[')) return true;
  return false;
}

/**
 * Finds the one bearer token of a request (RFC 6750 §2.1), or says precisely why there isn't one.
 *
 * - No `Authorization` header, or another scheme: `MissingCredentialsError` (401, bare challenge).
 *   The scheme is named in the description only when it looks like one; a bare token is not echoed.
 * - `Bearer` with no token, two tokens, a token with characters outside `b64token`, several
 *   `Authorization` headers, or a token also sent as `access_token` in the query or body:
 *   `InvalidRequestError` (400). Query and form tokens alone are refused too: they leak into logs.
 * - A token longer than `maxLength` is refused before any parsing.
 */
export function extractBearerToken(
  source: BearerSource,
  maxLength = DEFAULT_MAX_TOKEN_LENGTH,
): string {
  const values: string[] = [];
  for (let i = 0; i < source.rawHeaders.length; i += 2) {
    const name = source.rawHeaders[i];
    if (name.length === 13 && name.toLowerCase() === 'authorization') {
      values.push(source.rawHeaders[i + 1]);
    }
  }
  const elsewhere = hasAccessTokenParam(source.query) || hasAccessTokenParam(source.body);

  if (values.length > 1) throw new InvalidRequestError(AuthMessages.severalAuthorizationHeaders());
  if (values.length === 0) {
    if (elsewhere) throw new InvalidRequestError(AuthMessages.tokenOutsideHeader());
    throw new MissingCredentialsError(AuthMessages.missingCredentials());
  }

  const header = values[0].trim();
  const space = header.indexOf(' ');
  const scheme = space === -1 ? header : header.slice(0, space);
  if (scheme.toLowerCase() !== 'bearer') {
    // With no space the whole value is credentials (a token sent without a scheme): never echo it.
    const named = space !== -1 && AUTH_SCHEME.test(scheme) ? scheme : 'given';
    throw new MissingCredentialsError(AuthMessages.otherScheme(named));
  }
  if (elsewhere) throw new InvalidRequestError(AuthMessages.tokenInSeveralPlaces());

  const rest = space === -1 ? '' : header.slice(space + 1);
  if (rest.length > maxLength + 16) {
    throw new InvalidRequestError(AuthMessages.tokenTooLong(maxLength), 'token_too_long');
  }
  const token = rest.replace(/^ +/, '');
  if (token === '') throw new InvalidRequestError(AuthMessages.emptyBearer());
  if (token.length > maxLength) {
    throw new InvalidRequestError(AuthMessages.tokenTooLong(maxLength), 'token_too_long');
  }
  // One scan on the way that matters: a b64token holds no whitespace.
  if (B64TOKEN.test(token)) return token;
  if (/\s/.test(token)) throw new InvalidRequestError(AuthMessages.severalTokens());
  throw new InvalidRequestError(AuthMessages.tokenCharacters());
}

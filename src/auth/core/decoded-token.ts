import { AuthMessages } from './auth-messages.js';
import { InvalidTokenError, type TokenSummary } from './bearer-errors.js';

/* Step 1 of verification: the JWS compact form, read once and not yet trusted. */

export interface JwsHeader {
  alg: string;
  kid?: string;
  typ?: string;
  [name: string]: unknown;
}

/** A token read but not trusted: what every later step works on. */
export interface DecodedToken {
  header: JwsHeader;
  /** The payload as `JSON.parse` made it: own properties only, never copied through a setter. */
  claims: Record<string, unknown>;
  /** `<header>.<payload>`, the bytes the signature covers. */
  signingInput: string;
  /** The signature segment, base64url; empty in `alg: none` tokens. */
  signature: string;
}

const BASE64URL = /^[A-Za-z0-9_-]+$/;

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function malformed(why: string): InvalidTokenError {
  return new InvalidTokenError('malformed_token', AuthMessages.malformedToken(why));
}

function parseSegment(segment: string, what: string): unknown {
  // Buffer's base64url decoder skips characters outside the alphabet: check them first.
  if (!BASE64URL.test(segment)) throw malformed(`its ${what} is not base64url`);
  try {
    return JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
  } catch {
    throw malformed(`its ${what} is not JSON`);
  }
}

function partCount(token: string): number {
  let parts = 1;
  for (let i = token.indexOf('.'); i !== -1; i = token.indexOf('.', i + 1)) parts++;
  return parts;
}

/** Reads header and claims without trusting them, or refuses a token that is not a JWS. */
export function decodeToken(token: string): DecodedToken {
  const first = token.indexOf('.');
  const second = first === -1 ? -1 : token.indexOf('.', first + 1);
  if (second === -1 || token.indexOf('.', second + 1) !== -1) {
    const parts = partCount(token);
    if (parts === 1) throw malformed('it is opaque, not a JWT');
    if (parts === 5) throw malformed('it is encrypted (JWE), not signed');
    throw malformed(`it has ${parts} parts instead of 3`);
  }
  const header = parseSegment(token.slice(0, first), 'header');
  if (!isObject(header)) throw malformed('its header is not a JSON object');
  const claims = parseSegment(token.slice(first + 1, second), 'payload');
  if (!isObject(claims)) {
    throw new InvalidTokenError('payload_not_object', AuthMessages.payloadNotObject()).withSummary(
      summarize(header, {}),
    );
  }
  const signature = token.slice(second + 1);
  if (signature !== '' && !BASE64URL.test(signature)) {
    throw malformed('its signature is not base64url');
  }
  return { header: header as JwsHeader, claims, signingInput: token.slice(0, second), signature };
}

const clip = (v: unknown) => (typeof v === 'string' ? v.slice(0, 200) : undefined);

/** What a token says about itself, clipped, for logs: never the token, never a signature. */
export function summarize(
  header: Readonly<Record<string, unknown>>,
  claims: Readonly<Record<string, unknown>>,
): TokenSummary {
  const aud = Array.isArray(claims.aud)
    ? claims.aud
        .slice(0, 10)
        .map(clip)
        .filter((a) => a !== undefined)
    : clip(claims.aud);
  return {
    iss: clip(claims.iss),
    kid: clip(header.kid),
    aud,
    sub: clip(claims.sub),
    clientId: clip(claims.client_id) ?? clip(claims.azp) ?? clip(claims.cid) ?? clip(claims.appid),
  };
}

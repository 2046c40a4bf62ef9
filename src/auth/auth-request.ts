import type { BearerSource } from './core/bearer-token.js';
import type { DecodedToken, KeyResolver, TokenPolicy } from './core/access-token.js';
import type { Principal } from './core/principal.js';
import { BEARER_TOKEN, DECODED_TOKEN, TOKEN_VERIFIER } from './auth.constants.js';

/**
 * The parts of a request the auth layer touches, for Express (`IncomingMessage`) and Fastify
 * (whose Node request is `raw`) alike.
 */
export interface AuthRequest {
  rawHeaders?: string[];
  raw?: { rawHeaders: string[] };
  query?: unknown;
  body?: unknown;
  user?: Principal;
  [BEARER_TOKEN]?: string;
  [DECODED_TOKEN]?: DecodedToken;
  [TOKEN_VERIFIER]?: TokenVerifier;
}

export function bearerSource(req: AuthRequest): BearerSource {
  return {
    rawHeaders: req.rawHeaders ?? req.raw?.rawHeaders ?? [],
    query: req.query,
    body: req.body,
  };
}

/** The rules of the `AuthModule` whose guard is handling the request. */
export interface TokenVerifier {
  policy: TokenPolicy;
  resolveKey: KeyResolver;
}

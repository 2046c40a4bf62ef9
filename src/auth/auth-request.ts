import type { BearerSource } from './core/bearer-token.js';
import type { DecodedToken } from './core/access-token.js';
import type { Principal } from './core/principal.js';
import { BEARER_TOKEN, DECODED_TOKEN } from './auth.constants.js';

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
}

export function bearerSource(req: AuthRequest): BearerSource {
  return {
    rawHeaders: req.rawHeaders ?? req.raw?.rawHeaders ?? [],
    query: req.query,
    body: req.body,
  };
}

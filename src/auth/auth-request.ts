import type { BearerSource } from './core/bearer-token.js';
import type { Principal } from './core/principal.js';

/**
 * The parts of a request the auth layer touches, for Express (`IncomingMessage`) and Fastify
 * (whose Node request is `raw`) alike.
 */
export interface AuthRequest {
  rawHeaders?: string[];
  raw?: { rawHeaders: string[] };
  query?: unknown;
  body?: unknown;
  /** The verified caller, set by `JwtAuthGuard` (Passport's `user`). */
  user?: Principal;
}

export function bearerSource(req: AuthRequest): BearerSource {
  return {
    rawHeaders: req.rawHeaders ?? req.raw?.rawHeaders ?? [],
    query: req.query,
    body: req.body,
  };
}

import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/** A caller's `X-Request-Id` is kept when it is a sane identifier; otherwise a UUID is made. */
const SAFE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The request's id: its `X-Request-Id` when safe to log, else a new UUID. */
export function requestIdOf(req: { headers: IncomingHttpHeaders }): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && SAFE_ID.test(given) ? given : randomUUID();
}

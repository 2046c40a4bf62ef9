import { BadRequestException } from '@nestjs/common';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 100;

/** Where a page starts: just after this message in the newest-first order. */
export interface MessageCursor {
  createdAt: Date;
  id: string;
}

/** What a client may ask for: how many messages, and after which one. */
export interface PageRequest {
  limit: number;
  after?: MessageCursor;
}

const CURSOR_ERROR = 'cursor is not one this API gave out; start again without it';

/** `?limit=`: an integer 1..100, absent → 50. Anything else (a list, `1e2`, `05x`) → 400. */
export function parseLimit(value: unknown): number {
  if (value === undefined) return DEFAULT_PAGE_SIZE;
  const limit = typeof value === 'string' && /^\d{1,3}$/.test(value) ? Number(value) : NaN;
  if (!(limit >= 1 && limit <= MAX_PAGE_SIZE)) {
    throw new BadRequestException(`limit must be an integer from 1 to ${MAX_PAGE_SIZE}`);
  }
  return limit;
}

/**
 * The opaque `cursor`: the last message's time and id, as base64url JSON. Clients don't read it;
 * the API only checks that it decodes to a time and an id.
 */
export function encodeCursor(cursor: MessageCursor): string {
  return Buffer.from(JSON.stringify([cursor.createdAt.toISOString(), cursor.id])).toString(
    'base64url',
  );
}

/** `?cursor=` back into a position; anything that isn't one → 400. */
export function parseCursor(value: unknown): MessageCursor | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !/^[A-Za-z0-9_-]{1,200}$/.test(value)) {
    throw new BadRequestException(CURSOR_ERROR);
  }
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
  } catch {
    throw new BadRequestException(CURSOR_ERROR);
  }
  if (!Array.isArray(decoded) || decoded.length !== 2) throw new BadRequestException(CURSOR_ERROR);
  const [time, id] = decoded as unknown[];
  const createdAt = typeof time === 'string' ? new Date(time) : undefined;
  if (!createdAt || Number.isNaN(createdAt.getTime()) || createdAt.toISOString() !== time) {
    throw new BadRequestException(CURSOR_ERROR);
  }
  if (typeof id !== 'string' || id === '' || id.length > 100 || id.includes('\0')) {
    throw new BadRequestException(CURSOR_ERROR);
  }
  return { createdAt, id };
}

/** Both query parameters, checked. */
export function pageRequest(query: { limit?: unknown; cursor?: unknown }): PageRequest {
  return { limit: parseLimit(query.limit), after: parseCursor(query.cursor) };
}

/**
 * The `Link` header (RFC 8288) to the next page: a relative URL with the request's path, the same
 * `limit` and the cursor of the page's last message.
 */
export function nextPageLink(requestUrl: string, limit: number, after: MessageCursor): string {
  const path = new URL(requestUrl, 'http://api.invalid').pathname;
  return `<${path}?limit=${limit}&cursor=${encodeCursor(after)}>; rel="next"`;
}

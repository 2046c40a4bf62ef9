import { Injectable } from '@nestjs/common';
import { desc, eq, sql } from 'drizzle-orm';
import { Database } from '../database/index.js';
import type { Message } from './message.entity.js';
import type { MessageCursor, PageRequest } from './message-page.js';
import { messages } from './messages.table.js';

/** One page of the list, and where the next one starts (none on the last page). */
export interface MessagePage {
  messages: Message[];
  next?: MessageCursor;
}

type Row = typeof messages.$inferSelect;

const toMessage = (row: Row): Message => ({
  id: row.id,
  text: row.text,
  author: row.author,
  createdAt: row.createdAt.toISOString(),
});

/**
 * Messages in PostgreSQL (the embedded one or a server: the same queries). Storage only: who may
 * do what is `MessagesService`'s business.
 */
@Injectable()
export class MessagesRepository {
  constructor(private readonly database: Database) {}

  /** Newest first, `limit` at most, after the cursor's message (keyset: no OFFSET scan). */
  list({ limit, after }: PageRequest): Promise<MessagePage> {
    return this.database.run(async (db) => {
      const rows = await db
        .select()
        .from(messages)
        .where(after ? before(after) : undefined)
        .orderBy(desc(messages.createdAt), desc(messages.id))
        .limit(limit + 1);
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      return {
        messages: page.map(toMessage),
        next: rows.length > limit && last ? { createdAt: last.createdAt, id: last.id } : undefined,
      };
    });
  }

  findById(id: string): Promise<Message | undefined> {
    // PostgreSQL text can't hold NUL, so no message has such an id: don't send it (a 500).
    if (id.includes('\0')) return Promise.resolve(undefined);
    return this.database.run(async (db) => {
      const [row] = await db.select().from(messages).where(eq(messages.id, id)).limit(1);
      return row && toMessage(row);
    });
  }

  /** Stores a new message; the database sets `createdAt`. */
  insert(message: Pick<Message, 'id' | 'text' | 'author'>): Promise<Message> {
    return this.database.run(async (db) => {
      const [row] = await db.insert(messages).values(message).returning();
      return toMessage(row);
    });
  }

  /** False when there was nothing to delete (another request deleted it first). */
  delete(id: string): Promise<boolean> {
    return this.database.run(async (db) => {
      const rows = await db
        .delete(messages)
        .where(eq(messages.id, id))
        .returning({ id: messages.id });
      return rows.length > 0;
    });
  }
}

/** Rows strictly after the cursor in (created_at desc, id desc) order: one row comparison. */
function before(cursor: MessageCursor) {
  return sql`(${messages.createdAt}, ${messages.id}) < (${cursor.createdAt.toISOString()}::timestamptz, ${cursor.id})`;
}

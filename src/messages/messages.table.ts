import { index, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * The `messages` table. `npm run db:generate` turns changes here into a new SQL file in
 * `migrations/`, which the API applies at start.
 */
export const messages = pgTable(
  'messages',
  {
    /** A UUID made by the API, kept as text: any string can be looked up without a cast error. */
    id: text('id').primaryKey(),
    text: text('text').notNull(),
    author: text('author').notNull(),
    /** Milliseconds, as JSON dates carry them, so a page cursor names a row exactly. */
    createdAt: timestamp('created_at', { withTimezone: true, precision: 3, mode: 'date' })
      .notNull()
      .defaultNow(),
  },
  (table) => [
    // The list: newest first, id breaking ties. NULLS FIRST is what a plain DESC sorts as, so
    // `order by created_at desc, id desc` walks this index (the columns are never null anyway).
    index('messages_newest_first').on(
      table.createdAt.desc().nullsFirst(),
      table.id.desc().nullsFirst(),
    ),
    index('messages_by_author').on(
      table.author,
      table.createdAt.desc().nullsFirst(),
      table.id.desc().nullsFirst(),
    ),
  ],
);

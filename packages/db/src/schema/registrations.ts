import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { events } from './events.ts';
import { clusters, counties } from './reference.ts';

export const REGISTRATION_STATUSES = ['confirmed', 'waitlisted', 'cancelled'] as const;
export type RegistrationStatus = (typeof REGISTRATION_STATUSES)[number];

/**
 * A participant's registration, made without an account. Personal fields become null when the
 * person deletes their data or when the retention period after the event has passed; status,
 * county, cluster and check-in stay for the funder's statistics.
 */
export const registrations = sqliteTable(
  'registrations',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    eventId: integer('event_id')
      .notNull()
      .references(() => events.id, { onDelete: 'cascade' }),
    /** Secret of the private manage link; null once the data is anonymised. */
    token: text('token').unique(),
    status: text('status', { enum: REGISTRATION_STATUSES }).notNull(),
    name: text('name'),
    /** Lower-cased; unique per event while the data exists. */
    email: text('email'),
    organisation: text('organisation'),
    countyId: integer('county_id').references(() => counties.id),
    clusterId: integer('cluster_id').references(() => clusters.id),
    dietaryNeeds: text('dietary_needs'),
    accessibilityNeeds: text('accessibility_needs'),
    language: text('language', { enum: ['sv', 'en'] })
      .notNull()
      .default('sv'),
    newsletter: integer('newsletter', { mode: 'boolean' }).notNull().default(false),
    consentAt: integer('consent_at', { mode: 'timestamp_ms' }).notNull(),
    /** Order on the waitlist: the time the person joined it (ties by id). */
    waitlistedAt: integer('waitlisted_at', { mode: 'timestamp_ms' }),
    promotedAt: integer('promoted_at', { mode: 'timestamp_ms' }),
    checkedInAt: integer('checked_in_at', { mode: 'timestamp_ms' }),
    reminderSentAt: integer('reminder_sent_at', { mode: 'timestamp_ms' }),
    cancelledAt: integer('cancelled_at', { mode: 'timestamp_ms' }),
    anonymisedAt: integer('anonymised_at', { mode: 'timestamp_ms' }),
    /**
     * SEQUENCE of the last iTIP message (RFC 5546) mailed to this person for the event; null when
     * none was. A CANCEL must carry a higher one than the REQUEST it withdraws.
     */
    calendarSequence: integer('calendar_sequence'),
    /** Whether the last iTIP message was a REQUEST, so the person has the event in their calendar and a CANCEL is owed. */
    calendarInvited: integer('calendar_invited', { mode: 'boolean' }).notNull().default(false),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [
    uniqueIndex('registrations_event_email_idx').on(t.eventId, t.email),
    index('registrations_event_status_idx').on(t.eventId, t.status, t.waitlistedAt, t.id),
    index('registrations_email_idx').on(t.email),
  ],
);

export type Registration = typeof registrations.$inferSelect;

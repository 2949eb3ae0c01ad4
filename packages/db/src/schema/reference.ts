import { integer, real, sqliteTable, text } from 'drizzle-orm/sqlite-core';

export const counties = sqliteTable('counties', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  slug: text('slug').notNull().unique(),
  name: text('name').notNull().unique(),
});

export const themes = sqliteTable('themes', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  slug: text('slug').notNull().unique(),
  nameSv: text('name_sv').notNull(),
  nameEn: text('name_en').notNull(),
});

export const clusters = sqliteTable('clusters', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  slug: text('slug').notNull().unique(),
  name: text('name').notNull(),
  countyId: integer('county_id')
    .notNull()
    .references(() => counties.id),
  town: text('town').notNull(),
  lat: real('lat').notNull(),
  lng: real('lng').notNull(),
  /** One-line summary in Swedish, the default language. */
  summary: text('summary').notNull(),
  /** The same summary in English; '' until someone writes one (the Swedish one is shown then). */
  summaryEn: text('summary_en').notNull().default(''),
  /** Longer profile text written by the cluster's coordinators (plain text). */
  description: text('description').notNull().default(''),
  website: text('website'),
  contactEmail: text('contact_email'),
  updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
  /**
   * When a coordinator or admin last saved the profile; null while it is the reference data's,
   * which the seed may then bring up to date (new summaries) at start.
   */
  profileEditedAt: integer('profile_edited_at', { mode: 'timestamp_ms' }),
});

export type County = typeof counties.$inferSelect;
export type Theme = typeof themes.$inferSelect;
export type Cluster = typeof clusters.$inferSelect;

import { asc, eq } from 'drizzle-orm';
import {
  clusters,
  counties,
  events,
  registrations,
  subscriberClusters,
  subscribers,
  subscriberThemes,
  themes,
  type Db,
} from '@samverka/db';
import { DomainError } from '../errors.ts';
import { eventQuestionList } from '../events/event-questions.ts';
import { mailsTo, type StoredMail } from '../outbox/retention.ts';
import { answersOf, answerText } from './answers.ts';

export interface PersonalDataExport {
  /** ISO 8601 time of the export. */
  exportedAt: string;
  email: string;
  /** Every registration made with the address, on any event, with the answers given in the form. */
  registrations: {
    event: { id: number; title: string; startsAt: string };
    status: string;
    name: string | null;
    organisation: string | null;
    county: string | null;
    cluster: string | null;
    dietaryNeeds: string | null;
    accessibilityNeeds: string | null;
    language: 'sv' | 'en';
    newsletter: boolean;
    consentAt: string;
    createdAt: string;
    updatedAt: string;
    waitlistedAt: string | null;
    promotedAt: string | null;
    checkedInAt: string | null;
    reminderSentAt: string | null;
    cancelledAt: string | null;
    /** Answers to the event's own questions: the question as asked and the answer as given (yes/no in the registration's language). */
    answers: { question: string; answer: string }[];
  }[];
  /** The subscription to invitations and newsletters held by the address, if any. */
  subscriptions: {
    language: 'sv' | 'en';
    confirmed: boolean;
    confirmedAt: string | null;
    createdAt: string;
    clusters: string[];
    themes: string[];
  }[];
  /** Mails to the address the outbox still holds (subjects and dates; sent mail is purged after MAIL_RETENTION_DAYS). */
  mails: StoredMail[];
}

const iso = (d: Date | null) => d?.toISOString() ?? null;

/**
 * Everything stored about the address of the registration behind `token` (GDPR art. 15, the
 * right of access; art. 20, in a machine-readable format): all its registrations with their
 * answers, its subscription and the mails held for it. No tokens are included: they are keys,
 * and the export may be kept or forwarded. Unknown or erased registrations: not_found.
 */
export function exportPersonalData(db: Db, token: string, now = new Date()): PersonalDataExport {
  const own = db.select({ email: registrations.email }).from(registrations).where(eq(registrations.token, token)).get();
  if (!own?.email)
    throw new DomainError(
      'not_found',
      'unknown_registration',
      'This registration link is not valid (the registration may have been deleted)',
    );
  const email = own.email;
  const regs = db
    .select({ r: registrations, title: events.title, startsAt: events.startsAt, county: counties.name, cluster: clusters.name })
    .from(registrations)
    .innerJoin(events, eq(events.id, registrations.eventId))
    .leftJoin(counties, eq(counties.id, registrations.countyId))
    .leftJoin(clusters, eq(clusters.id, registrations.clusterId))
    .where(eq(registrations.email, email))
    .orderBy(asc(registrations.createdAt), asc(registrations.id))
    .all();
  const answers = answersOf(
    db,
    regs.map(({ r }) => r.id),
  );
  const labels = new Map<number, string>();
  for (const eventId of new Set(regs.map(({ r }) => r.eventId))) for (const q of eventQuestionList(db, eventId)) labels.set(q.id, q.label);
  const subs = db.select().from(subscribers).where(eq(subscribers.email, email)).all();
  return {
    exportedAt: now.toISOString(),
    email,
    registrations: regs.map(({ r, title, startsAt, county, cluster }) => ({
      event: { id: r.eventId, title, startsAt: startsAt.toISOString() },
      status: r.status,
      name: r.name,
      organisation: r.organisation,
      county,
      cluster,
      dietaryNeeds: r.dietaryNeeds,
      accessibilityNeeds: r.accessibilityNeeds,
      language: r.language,
      newsletter: r.newsletter,
      consentAt: r.consentAt.toISOString(),
      createdAt: r.createdAt.toISOString(),
      updatedAt: r.updatedAt.toISOString(),
      waitlistedAt: iso(r.waitlistedAt),
      promotedAt: iso(r.promotedAt),
      checkedInAt: iso(r.checkedInAt),
      reminderSentAt: iso(r.reminderSentAt),
      cancelledAt: iso(r.cancelledAt),
      answers: (answers.get(r.id) ?? []).map((x) => ({ question: labels.get(x.question) ?? '', answer: answerText(x.value, r.language) })),
    })),
    subscriptions: subs.map((s) => ({
      language: s.language,
      confirmed: !!s.confirmedAt,
      confirmedAt: iso(s.confirmedAt),
      createdAt: s.createdAt.toISOString(),
      clusters: db
        .select({ slug: clusters.slug })
        .from(subscriberClusters)
        .innerJoin(clusters, eq(clusters.id, subscriberClusters.clusterId))
        .where(eq(subscriberClusters.subscriberId, s.id))
        .all()
        .map((c) => c.slug),
      themes: db
        .select({ slug: themes.slug })
        .from(subscriberThemes)
        .innerJoin(themes, eq(themes.id, subscriberThemes.themeId))
        .where(eq(subscriberThemes.subscriberId, s.id))
        .all()
        .map((t) => t.slug),
    })),
    mails: mailsTo(db, email),
  };
}

import type { Db } from '@samverka/db';
import type { Actor } from '../access.ts';
import { answerText } from '../registrations/answers.ts';
import { filterAttendees, type AttendeeFilter } from '../registrations/attendee-filter.ts';
import { listAttendees } from '../registrations/registration-service.ts';
import { textsFor, type Lang } from '../texts/index.ts';
import { instantToLocal } from '../time.ts';
import type { LocalDateTime, Sheet } from './spreadsheet.ts';

/**
 * The organisers' attendee list as a spreadsheet in the reader's language: statuses as words
 * ("Bekräftad"), check-in and registration times as wall-clock times in the event's own zone,
 * then one column per registration question of the event, headed by its label as the organisers
 * wrote it (yes/no answers as words in `lang`, several choices joined by ", "),
 * optionally narrowed as the list page narrows it. Access as listAttendees (organisers and
 * admins; 401/403/404 otherwise).
 */
export function attendeeSheet(db: Db, actor: Actor | null, eventId: number, lang: Lang, filter: AttendeeFilter = {}): Sheet {
  const list = listAttendees(db, actor, eventId);
  const t = textsFor(lang);
  const col = t.reports.attendees;
  const zone = list.attendees[0]?.event.timeZone;
  const local = (iso: string | null): LocalDateTime | null =>
    iso === null || !zone ? null : { local: instantToLocal(new Date(iso), zone).replace('T', ' ') };
  return {
    name: t.spreadsheets.attendeesSheet,
    columns: [
      { header: col.status, width: 16 },
      { header: col.position, width: 10 },
      { header: col.name, width: 28 },
      { header: col.email, width: 30 },
      { header: col.organisation, width: 28 },
      { header: col.county, width: 20 },
      { header: col.cluster, width: 24 },
      { header: col.dietaryNeeds, width: 24 },
      { header: col.accessibilityNeeds, width: 24 },
      { header: col.checkedIn, width: 17 },
      { header: col.registered, width: 17 },
      ...list.questions.map((q) => ({ header: q.label, width: q.kind === 'long_text' ? 40 : 24 })),
    ],
    rows: filterAttendees(list.attendees, filter).map((a) => [
      t.registrationStatus[a.status],
      a.position,
      a.name,
      a.email,
      a.organisation,
      a.county?.name ?? null,
      a.cluster?.name ?? null,
      a.dietaryNeeds,
      a.accessibilityNeeds,
      local(a.checkedInAt),
      local(a.createdAt),
      ...list.questions.map((q) => answerText(a.answers.find((x) => x.question === q.id)?.value, lang) || null),
    ]),
  };
}

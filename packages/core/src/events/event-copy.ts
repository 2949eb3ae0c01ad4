import type { CopyEventBody, EventWithClashes } from '@samverka/contracts';
import { eq } from 'drizzle-orm';
import { counties, eventAudit, eventOrganisers, events, eventThemes, themes, type Db } from '@samverka/db';
import { requireActor, type Actor } from '../access.ts';
import { DomainError, forbidden } from '../errors.ts';
import { localToInstant, parseDate } from '../time.ts';
import { canCopyEvent, canSeeEvent } from './event-access.ts';
import { fieldsOf, resolveEventFields } from './event-input.ts';
import { copyQuestions } from './event-questions.ts';
import { findClashes, getEvent, insertEvent } from './event-service.ts';
import { organiserRefs } from './event-view.ts';

/** A wall-clock time ("YYYY-MM-DDTHH:mm") moved by whole minutes on the clock, whatever the zone's offsets. */
function addMinutes(local: string, minutes: number): string {
  return new Date(Date.parse(`${local}:00Z`) + minutes * 60_000).toISOString().slice(0, 16);
}

const minutesBetween = (from: string, to: string) => (Date.parse(`${to}:00Z`) - Date.parse(`${from}:00Z`)) / 60_000;

/**
 * Copies an event into a new draft led by the same cluster: the same fields, themes, settings
 * (capacity, registration window, contact) and registration questions, the co-hosts that had
 * not declined (with the state of their invitation), no registrations, and not in the original's
 * series. The copy starts at `body.start` (a timed event, wall-clock time in its zone) or
 * `body.startDate` (an all-day event), which must be given, so the old date is never kept
 * silently; its length and the registration window move with it, on the wall clock.
 * Raises event.created (insertEvent) and records `copied` with the original's id in the audit log.
 *
 * @throws DomainError 401 without an actor; 404 unknown_event (also a draft the actor may not
 *   see); 403 unless the actor may copy (canCopyEvent: the lead's coordinators, admins); 400
 *   copy_start_required (detail `start` or `startDate`, required); 400 for a start that is not a
 *   real time (details from time.ts), or fields the new dates make invalid (resolveEventFields).
 */
export function copyEvent(db: Db, actor: Actor | null, id: number, body: CopyEventBody, now = new Date()): EventWithClashes {
  const row = db.select().from(events).where(eq(events.id, id)).get();
  if (!row) throw new DomainError('not_found', 'unknown_event', `There is no event ${id}`);
  const a = requireActor(actor);
  const refs = organiserRefs(db, id);
  if (!canSeeEvent(a, row.status, refs, row.visibility)) throw new DomainError('not_found', 'unknown_event', `There is no event ${id}`);
  if (!canCopyEvent(a, refs)) throw forbidden("Only the lead cluster's coordinators may copy the event");

  const themeSlugs = db
    .select({ slug: themes.slug })
    .from(eventThemes)
    .innerJoin(themes, eq(themes.id, eventThemes.themeId))
    .where(eq(eventThemes.eventId, id))
    .all()
    .map((t) => t.slug);
  const county =
    row.countyId === null ? null : db.select({ slug: counties.slug }).from(counties).where(eq(counties.id, row.countyId)).get();
  const fields = fieldsOf(row, themeSlugs, county?.slug ?? null);

  const field = row.allDay ? 'startDate' : 'start';
  const given = row.allDay ? body.startDate : body.start;
  if (!given)
    throw new DomainError('invalid', 'copy_start_required', 'Choose when the copy starts', [
      { field, code: 'required', message: 'the new start is required' },
    ]);
  if (row.allDay) parseDate(given, field);
  else localToInstant(given, row.timeZone, field);
  const from = row.allDay ? `${fields.startDate}T00:00` : fields.start;
  const shift = minutesBetween(from, row.allDay ? `${given}T00:00` : given);
  const moved = (local: string | null) => (local === null ? null : addMinutes(local, shift));
  const day = (date: string) => addMinutes(`${date}T00:00`, shift).slice(0, 10);

  const cols = resolveEventFields(db, {
    ...fields,
    start: addMinutes(fields.start, shift),
    end: addMinutes(fields.end, shift),
    startDate: day(fields.startDate),
    endDate: day(fields.endDate),
    registrationOpens: moved(fields.registrationOpens),
    registrationCloses: moved(fields.registrationCloses),
  });
  const copyId = db.transaction((tx) => {
    const newId = insertEvent(tx, a, row.leadClusterId, cols, now);
    for (const o of refs) {
      if (o.role !== 'cohost' || o.status === 'declined') continue;
      tx.insert(eventOrganisers)
        .values({
          eventId: newId,
          clusterId: o.clusterId,
          role: 'cohost',
          status: o.status,
          invitedBy: a.userId,
          invitedAt: now,
          respondedAt: o.status === 'accepted' ? now : null,
        })
        .run();
    }
    copyQuestions(tx, id, newId);
    tx.insert(eventAudit)
      .values({ eventId: newId, userId: a.userId, at: now, action: 'copied', changes: { copiedFrom: [null, id] } })
      .run();
    return newId;
  });
  return { event: getEvent(db, a, copyId), clashes: findClashes(db, cols.startsAt, cols.endsAt, copyId) };
}

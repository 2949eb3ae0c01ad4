import {
  LIMITS,
  type PollAnswerBody,
  type PollCreateBody,
  type PollFinaliseBody,
  type PollFinaliseResult,
  type Poll as PollView,
} from '@samverka/contracts';
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import {
  clusters,
  eventOrganisers,
  events,
  pollAnswers,
  pollClusters,
  pollComments,
  polls,
  pollSlots,
  users,
  keptStatement,
  type Db,
  type Poll,
} from '@samverka/db';
import { actsFor, actsForAny, assertActsFor, clustersActedFor, loadActor, requireActor, type Actor } from '../access.ts';
import { DomainError, type ErrorDetail } from '../errors.ts';
import { codePointLength, isEmail, singleLine, truncate } from '../escape.ts';
import { canSeeMeetingLink } from '../events/event-access.ts';
import { resolveEventFields } from '../events/event-input.ts';
import { organiserRefs } from '../events/event-view.ts';
import { findClashesOfTimes, insertEvent } from '../events/event-service.ts';
import { concerned, emit } from '../domain-events.ts';
import { singleEventCalendar } from '../feeds/feed-service.ts';
import { links } from '../links.ts';
import { inThePast } from '../past-dates.ts';
import { composeMail, type ComposedMail } from '../outbox/compose.ts';
import { enqueueMail } from '../outbox/outbox.ts';
import { icsAttachment } from '../registrations/registration-mail.ts';
import { textsFor, type Lang } from '../texts/index.ts';
import { assertZone, DEFAULT_ZONE, instantToLocal, localToInstant } from '../time.ts';
import { spokenDateTime } from '../time-format.ts';

/** A new poll as the API takes it: candidate starts and the closing time are wall-clock "YYYY-MM-DDTHH:mm" in the poll's zone (Europe/Stockholm by default). */
export type PollInput = PollCreateBody;

function pollRow(db: Db, id: number): Poll {
  const p = keptStatement(db, 'polls.row', (d) =>
    d
      .select()
      .from(polls)
      .where(eq(polls.id, sql.placeholder('id')))
      .prepare(),
  ).get({ id });
  if (!p) throw new DomainError('not_found', 'unknown_poll', `There is no poll ${id}`);
  return p;
}

function invitedIds(db: Db, pollId: number): number[] {
  return keptStatement(db, 'polls.invited', (d) =>
    d
      .select({ id: pollClusters.clusterId })
      .from(pollClusters)
      .where(eq(pollClusters.pollId, sql.placeholder('pollId')))
      .prepare(),
  )
    .all({ pollId })
    .map((r) => r.id);
}

/** Coordinators of the organising cluster manage the poll; those of invited clusters answer; admins do both. */
function canSee(actor: Actor, p: Poll, invited: number[]): boolean {
  return actsForAny(actor, [p.organiserClusterId, ...invited]);
}

const isOpen = (p: Poll, now: Date) => p.finalSlotId === null && now < p.closesAt;

/**
 * Starts a poll for a cluster the actor coordinates. Every candidate time and the closing time
 * must lie after `now` (a past one is the detail inThePast, past-dates.ts); all problems come
 * back at once as DomainError invalid_poll (400) with a detail per field. Raises poll.created.
 */
export function createPoll(db: Db, actor: Actor | null, input: PollInput, now = new Date()): PollView {
  const a = requireActor(actor);
  const details: ErrorDetail[] = [];
  const zone = assertZone(input.timeZone ?? DEFAULT_ZONE);
  const organiser = db.select({ id: clusters.id }).from(clusters).where(eq(clusters.slug, input.organiserCluster)).get();
  if (!organiser)
    throw new DomainError('invalid', 'unknown_cluster', `There is no cluster "${input.organiserCluster}"`, [
      { field: 'organiserCluster', code: 'unknown_choice', message: 'unknown cluster' },
    ]);
  assertActsFor(a, organiser.id, 'You can only start a poll for a cluster you coordinate');
  const title = singleLine(input.title, Number.POSITIVE_INFINITY);
  if (!title) details.push({ field: 'title', code: 'required', message: 'a title is required' });
  else if (codePointLength(title) > LIMITS.title)
    details.push({ field: 'title', code: 'too_long', message: `at most ${LIMITS.title} characters`, params: { max: LIMITS.title } });
  const minutes = LIMITS.pollMinutes;
  if (!Number.isInteger(input.durationMinutes) || input.durationMinutes < minutes.min || input.durationMinutes > minutes.max)
    details.push(
      Number.isInteger(input.durationMinutes)
        ? {
            field: 'durationMinutes',
            code: 'out_of_range',
            message: `from ${minutes.min} minutes to ${minutes.max / 60} hours`,
            params: { min: minutes.min, max: minutes.max },
          }
        : { field: 'durationMinutes', code: 'not_an_integer', message: `from ${minutes.min} minutes to ${minutes.max / 60} hours` },
    );
  const slugs = [...new Set(input.invitedClusters)];
  const invited = slugs.length
    ? db.select({ id: clusters.id, slug: clusters.slug }).from(clusters).where(inArray(clusters.slug, slugs)).all()
    : [];
  if (slugs.length === 0) details.push({ field: 'invitedClusters', code: 'required', message: 'invite at least one cluster' });
  for (const s of slugs)
    if (!invited.some((c) => c.slug === s))
      details.push({ field: 'invitedClusters', code: 'unknown_choice', message: `unknown cluster "${s}"` });
  if (input.slots.length === 0 || input.slots.length > LIMITS.pollSlots)
    details.push(
      input.slots.length === 0
        ? { field: 'slots', code: 'required', message: `give 1 to ${LIMITS.pollSlots} candidate times` }
        : { field: 'slots', code: 'too_many', message: `give 1 to ${LIMITS.pollSlots} candidate times`, params: { max: LIMITS.pollSlots } },
    );
  const starts: Date[] = [];
  for (const [i, s] of input.slots.entries()) {
    try {
      const dt = localToInstant(s, zone, `slots/${i}`);
      if (dt.toJSDate() <= now) details.push(inThePast(`slots/${i}`));
      starts.push(dt.toJSDate());
    } catch (e) {
      details.push(...(e as DomainError).details);
    }
  }
  let closesAt: Date | undefined;
  try {
    closesAt = localToInstant(input.closes, zone, 'closes').toJSDate();
    if (closesAt <= now) details.push(inThePast('closes'));
  } catch (e) {
    details.push(...(e as DomainError).details);
  }
  const onlineUrl = input.onlineUrl?.trim() || null;
  if (onlineUrl && !/^https?:\/\/\S+$/.test(onlineUrl))
    details.push({ field: 'onlineUrl', code: 'invalid_url', message: 'must start with https://' });
  if (details.length)
    throw new DomainError(
      'invalid',
      'invalid_poll',
      `The poll has invalid fields: ${details.map((d) => `${d.field} ${d.message}`).join('; ')}`,
      details,
    );
  const id = db.transaction((tx) => {
    const p = tx
      .insert(polls)
      .values({
        title,
        description: truncate((input.description ?? '').trim(), LIMITS.pollDescription),
        durationMinutes: input.durationMinutes,
        timeZone: zone,
        organiserClusterId: organiser.id,
        venueName: singleLine(input.venueName ?? '', LIMITS.venueName) || null,
        onlineUrl,
        closesAt: closesAt!,
        createdBy: a.userId,
        createdAt: now,
      })
      .returning({ id: polls.id })
      .get();
    const invitedClusterIds = invited.filter((c) => c.id !== organiser.id).map((c) => c.id);
    for (const clusterId of invitedClusterIds) tx.insert(pollClusters).values({ pollId: p.id, clusterId }).run();
    for (const s of [...new Set(starts.map((d) => d.getTime()))].sort())
      tx.insert(pollSlots)
        .values({ pollId: p.id, startsAt: new Date(s), endsAt: new Date(s + input.durationMinutes * 60_000) })
        .run();
    emit(tx, 'poll.created', {
      actorId: a.userId,
      clusterIds: concerned(organiser.id, ...invitedClusterIds),
      now,
      pollId: p.id,
      organiserClusterId: organiser.id,
      invitedClusterIds,
      closesAt: closesAt!,
    });
    return p.id;
  });
  return getPoll(db, a, id, now);
}

export function getPoll(db: Db, actor: Actor | null, id: number, now = new Date()): PollView {
  const a = requireActor(actor);
  const p = pollRow(db, id);
  const invited = invitedIds(db, id);
  if (!canSee(a, p, invited)) throw new DomainError('not_found', 'unknown_poll', `There is no poll ${id}`);
  const clusterRows = new Map(
    keptStatement(db, 'polls.clusters', (d) =>
      d.select({ id: clusters.id, slug: clusters.slug, name: clusters.name }).from(clusters).prepare(),
    )
      .all()
      .map((c) => [c.id, { slug: c.slug, name: c.name }]),
  );
  const slots = keptStatement(db, 'polls.slots', (d) =>
    d
      .select()
      .from(pollSlots)
      .where(eq(pollSlots.pollId, sql.placeholder('pollId')))
      .orderBy(asc(pollSlots.startsAt))
      .prepare(),
  ).all({ pollId: id });
  // Every slot's answers in one query, with the voter's name joined rather than looked up after.
  const answers = keptStatement(db, 'polls.answers', (d) =>
    d
      .select({ slotId: pollAnswers.slotId, clusterId: pollAnswers.clusterId, answer: pollAnswers.answer, by: users.name })
      .from(pollAnswers)
      .innerJoin(pollSlots, eq(pollSlots.id, pollAnswers.slotId))
      .leftJoin(users, eq(users.id, pollAnswers.userId))
      .where(eq(pollSlots.pollId, sql.placeholder('pollId')))
      // The primary key's order, which the lookup by slot gave before.
      .orderBy(pollAnswers.slotId, pollAnswers.clusterId)
      .prepare(),
  ).all({ pollId: id });
  const answerable = clustersActedFor(a, [p.organiserClusterId, ...invited]);
  // Who answered is shown to everyone who may read the poll (its invitees and organiser): the
  // clusters agree on a time together, so each sees who spoke for the others.
  const comments = keptStatement(db, 'polls.comments', (d) =>
    d
      .select({
        id: pollComments.id,
        body: pollComments.body,
        clusterId: pollComments.clusterId,
        createdAt: pollComments.createdAt,
        author: users.name,
      })
      .from(pollComments)
      .leftJoin(users, eq(users.id, pollComments.userId))
      .where(eq(pollComments.pollId, sql.placeholder('pollId')))
      .orderBy(asc(pollComments.id))
      .prepare(),
  ).all({ pollId: id });
  const answersOf = new Map<number, typeof answers>();
  for (const x of answers) {
    const list = answersOf.get(x.slotId);
    if (list) list.push(x);
    else answersOf.set(x.slotId, [x]);
  }
  const organises = actsFor(a, p.organiserClusterId);
  const clashes = findClashesOfTimes(db, slots, p.eventId ?? undefined);
  return {
    id: p.id,
    title: p.title,
    description: p.description,
    durationMinutes: p.durationMinutes,
    timeZone: p.timeZone,
    organiser: clusterRows.get(p.organiserClusterId)!,
    invited: invited.map((c) => clusterRows.get(c)!),
    venueName: p.venueName,
    onlineUrl: p.onlineUrl,
    closesAt: p.closesAt.toISOString(),
    open: isOpen(p, now),
    finalSlotId: p.finalSlotId,
    eventId: p.eventId,
    slots: slots.map((s, i): PollView['slots'][number] => {
      const mine = answersOf.get(s.id) ?? [];
      return {
        id: s.id,
        startsAt: s.startsAt.toISOString(),
        endsAt: s.endsAt.toISOString(),
        start: instantToLocal(s.startsAt, p.timeZone),
        answers: mine.map((x): PollView['slots'][number]['answers'][number] => ({
          cluster: clusterRows.get(x.clusterId)!,
          answer: x.answer,
          by: x.by ?? null,
        })),
        score: {
          yes: mine.filter((x) => x.answer === 'yes').length,
          maybe: mine.filter((x) => x.answer === 'maybe').length,
          no: mine.filter((x) => x.answer === 'no').length,
        },
        clashes: clashes[i]!,
      };
    }),
    comments: comments.map((c) => ({
      id: c.id,
      author: c.author,
      cluster: c.clusterId === null ? null : (clusterRows.get(c.clusterId)?.name ?? null),
      body: c.body,
      createdAt: c.createdAt.toISOString(),
    })),
    canAnswerFor: isOpen(p, now) ? answerable.map((c) => clusterRows.get(c)!) : [],
    canFinalise: p.finalSlotId === null && organises,
    canEdit: p.finalSlotId === null && organises,
    canComment: true,
  };
}

/** Polls the actor organises or is invited to, open ones first. */
export function listPolls(db: Db, actor: Actor | null, now = new Date()): PollView[] {
  const a = requireActor(actor);
  const all = db.select().from(polls).orderBy(asc(polls.closesAt)).all();
  return all
    .filter((p) => canSee(a, p, invitedIds(db, p.id)))
    .map((p) => getPoll(db, a, p.id, now))
    .sort((x, y) => Number(y.open) - Number(x.open));
}

/**
 * A coordinator answers for one of their clusters, per slot, until the poll closes; answering
 * again replaces the answer. Raises poll.answered.
 */
export function answerPoll(
  db: Db,
  actor: Actor | null,
  id: number,
  clusterSlug: string,
  answers: PollAnswerBody['answers'],
  now = new Date(),
): PollView {
  const a = requireActor(actor);
  const p = pollRow(db, id);
  const invited = invitedIds(db, id);
  if (!canSee(a, p, invited)) throw new DomainError('not_found', 'unknown_poll', `There is no poll ${id}`);
  const cluster = db.select({ id: clusters.id }).from(clusters).where(eq(clusters.slug, clusterSlug)).get();
  if (!cluster || (cluster.id !== p.organiserClusterId && !invited.includes(cluster.id))) {
    throw new DomainError('invalid', 'not_invited', `Cluster "${clusterSlug}" is not invited to this poll`, [
      { field: 'cluster', code: 'not_invited', message: 'not invited' },
    ]);
  }
  assertActsFor(a, cluster.id, 'You can only answer for a cluster you coordinate');
  if (p.finalSlotId !== null) throw new DomainError('conflict', 'poll_finalised', 'The poll is decided; answers can no longer change');
  if (now >= p.closesAt)
    throw new DomainError('conflict', 'poll_closed', `The poll closed on ${p.closesAt.toISOString()}; answers are no longer accepted`);
  const slotIds = new Set(
    db
      .select({ id: pollSlots.id })
      .from(pollSlots)
      .where(eq(pollSlots.pollId, id))
      .all()
      .map((s) => s.id),
  );
  const bad = answers.filter((x) => !slotIds.has(x.slotId));
  if (bad.length)
    throw new DomainError('invalid', 'unknown_slot', `Slot ${bad[0]!.slotId} is not part of this poll`, [
      { field: 'answers', code: 'unknown_choice', message: 'unknown slot' },
    ]);
  db.transaction((tx) => {
    for (const x of answers) {
      tx.insert(pollAnswers)
        .values({ slotId: x.slotId, clusterId: cluster.id, userId: a.userId, answer: x.answer, updatedAt: now })
        .onConflictDoUpdate({
          target: [pollAnswers.slotId, pollAnswers.clusterId],
          set: { answer: x.answer, userId: a.userId, updatedAt: now },
        })
        .run();
    }
    emit(tx, 'poll.answered', {
      actorId: a.userId,
      clusterIds: concerned(p.organiserClusterId, cluster.id),
      now,
      pollId: id,
      organiserClusterId: p.organiserClusterId,
      clusterId: cluster.id,
      answers,
    });
  });
  return getPoll(db, a, id, now);
}

/**
 * The mail to everyone who answered a poll once it is decided: the chosen start (in the poll's
 * zone, in the reader's language) and a link to the new event. The .ics is attached by the caller.
 */
export function pollDecidedMail(
  lang: Lang,
  d: { name: string; title: string; start: Date; timeZone: string; eventId: number },
): ComposedMail {
  const t = textsFor(lang);
  const m = t.mail.polls.decided;
  const when = spokenDateTime(d.start, d.timeZone, t.locale);
  return composeMail(lang, {
    subject: m.subject(d.title),
    greeting: t.mail.greeting(d.name),
    paragraphs: [m.body(d.title, when), m.calendar],
    action: { label: m.action, url: links.event(d.eventId) },
    footer: t.mail.footer,
  });
}

/**
 * Decides the meeting: creates a draft event at the chosen slot (a network meeting led by the
 * organising cluster) with the organiser's choices in `opts`: themes (default none), visibility
 * (default internal), registrationEnabled (default false) and place (default the poll's venue
 * and link); the organiser publishes it when ready. Invites every cluster that
 * answered yes or if-need-be as co-host, and mails everyone who answered, with the .ics (its
 * meeting link only for those canSeeMeetingLink lets see it: the lead's coordinators and admins,
 * not yet the invited co-hosts, unless the link is public).
 * Raises event.created, cohost.invited (via 'poll') for each of those clusters, then poll.decided.
 */
export function finalisePoll(
  db: Db,
  actor: Actor | null,
  id: number,
  slotId: number,
  opts: Omit<PollFinaliseBody, 'slotId'> = {},
  now = new Date(),
): PollFinaliseResult {
  const a = requireActor(actor);
  const p = pollRow(db, id);
  const invited = invitedIds(db, id);
  // Those who may not see the poll get the 404 of getPoll, so finalise does not reveal that it exists.
  if (!canSee(a, p, invited)) throw new DomainError('not_found', 'unknown_poll', `There is no poll ${id}`);
  assertActsFor(a, p.organiserClusterId, 'Only the organising cluster may decide the poll');
  if (p.finalSlotId !== null) throw new DomainError('conflict', 'poll_finalised', 'The poll is already decided');
  const slot = db
    .select()
    .from(pollSlots)
    .where(and(eq(pollSlots.id, slotId), eq(pollSlots.pollId, id)))
    .get();
  if (!slot)
    throw new DomainError('invalid', 'unknown_slot', `Slot ${slotId} is not part of this poll`, [
      { field: 'slotId', code: 'unknown_choice', message: 'unknown slot' },
    ]);
  const answers = db
    .select()
    .from(pollAnswers)
    .where(
      inArray(
        pollAnswers.slotId,
        db
          .select({ id: pollSlots.id })
          .from(pollSlots)
          .where(eq(pollSlots.pollId, id))
          .all()
          .map((s) => s.id),
      ),
    )
    .all();
  const responding = [...new Set(answers.filter((x) => x.slotId === slotId && x.answer !== 'no').map((x) => x.clusterId))].filter(
    (c) => c !== p.organiserClusterId,
  );
  // A draft nobody outside sees until its organiser publishes it: no theme unless chosen,
  // internal, no registrations, the poll's place unless another is given.
  const cols = resolveEventFields(
    db,
    {
      title: p.title,
      description: p.description,
      kind: 'network_meeting',
      themes: opts.themes ?? [],
      timeZone: p.timeZone,
      start: instantToLocal(slot.startsAt, p.timeZone),
      end: instantToLocal(slot.endsAt, p.timeZone),
      venueName: opts.venueName !== undefined ? opts.venueName : p.venueName,
      address: opts.address ?? null,
      onlineUrl: opts.onlineUrl !== undefined ? opts.onlineUrl : p.onlineUrl,
      visibility: opts.visibility ?? 'internal',
      registrationEnabled: opts.registrationEnabled ?? false,
    },
    { themesOptional: true },
  );
  const eventId = db.transaction((tx) => {
    const eventId = insertEvent(tx, a, p.organiserClusterId, cols, now);
    for (const c of responding) {
      tx.insert(eventOrganisers)
        .values({ eventId, clusterId: c, role: 'cohost', status: 'invited', invitedBy: a.userId, invitedAt: now })
        .run();
      emit(tx, 'cohost.invited', {
        actorId: a.userId,
        clusterIds: concerned(p.organiserClusterId, c),
        now,
        eventId,
        clusterId: c,
        leadClusterId: p.organiserClusterId,
        via: 'poll',
      });
    }
    tx.update(polls).set({ finalSlotId: slotId, eventId, finalisedAt: now }).where(eq(polls.id, id)).run();
    const event = tx.select().from(events).where(eq(events.id, eventId)).get()!;
    const userIds = [...new Set(answers.map((x) => x.userId).filter((u): u is number => u !== null))];
    const people = userIds.length ? tx.select().from(users).where(inArray(users.id, userIds)).all() : [];
    const organisers = organiserRefs(tx, eventId);
    for (const u of people) {
      if (!isEmail(u.email)) continue;
      const mail = pollDecidedMail(u.language, { name: u.name, title: p.title, start: slot.startsAt, timeZone: p.timeZone, eventId });
      // The meeting link only for those who may see it on the event (its lead's coordinators and
      // admins); an invited co-host gets it on the event once their cluster has accepted.
      const withLink = canSeeMeetingLink(loadActor(tx as unknown as Db, u.id), event.onlineUrlPublic, organisers);
      enqueueMail(
        tx,
        {
          to: u.email,
          ...mail,
          attachments: [icsAttachment(singleEventCalendar(tx as unknown as Db, event, u.language, links.base, now, withLink), false)],
        },
        now,
      );
    }
    emit(tx, 'poll.decided', {
      actorId: a.userId,
      clusterIds: concerned(p.organiserClusterId, ...invited),
      now,
      pollId: id,
      organiserClusterId: p.organiserClusterId,
      slotId,
      eventId,
      cohostClusterIds: responding,
    });
    return eventId;
  });
  return { poll: getPoll(db, a, id, now), eventId };
}

/**
 * The poll as its organiser may change it: readable (else the 404 of getPoll), managed by the
 * actor (403 forbidden) and not decided (409 poll_finalised).
 */
function editablePoll(db: Db, a: Actor, id: number): { p: Poll; invited: number[] } {
  const p = pollRow(db, id);
  const invited = invitedIds(db, id);
  if (!canSee(a, p, invited)) throw new DomainError('not_found', 'unknown_poll', `There is no poll ${id}`);
  assertActsFor(a, p.organiserClusterId, 'Only the organising cluster may change the poll');
  if (p.finalSlotId !== null) throw new DomainError('conflict', 'poll_finalised', 'The poll is decided; it can no longer change');
  return { p, invited };
}

function invalidPoll(details: ErrorDetail[]): DomainError {
  return new DomainError(
    'invalid',
    'invalid_poll',
    `The poll has invalid fields: ${details.map((d) => `${d.field} ${d.message}`).join('; ')}`,
    details,
  );
}

/**
 * Adds candidate times to an undecided poll (organiser only). `slots` are wall-clock
 * "YYYY-MM-DDTHH:mm" in the poll's zone; each must lie after `now` (detail in_the_past) and not
 * be a time the poll has (duplicate); the poll keeps at most LIMITS.pollSlots times (too_many).
 * All problems come back at once as 400 invalid_poll with details slots/<i>. Raises poll.updated.
 */
export function addPollSlots(db: Db, actor: Actor | null, id: number, slots: string[], now = new Date()): PollView {
  const a = requireActor(actor);
  const { p, invited } = editablePoll(db, a, id);
  const existing = db.select({ startsAt: pollSlots.startsAt }).from(pollSlots).where(eq(pollSlots.pollId, id)).all();
  const taken = new Set(existing.map((x) => x.startsAt.getTime()));
  const details: ErrorDetail[] = [];
  const added: number[] = [];
  for (const [i, s] of slots.entries()) {
    try {
      const start = localToInstant(s, p.timeZone, `slots/${i}`).toJSDate();
      if (start <= now) details.push(inThePast(`slots/${i}`));
      else if (taken.has(start.getTime()))
        details.push({ field: `slots/${i}`, code: 'duplicate', message: 'the poll already has this time' });
      else {
        taken.add(start.getTime());
        added.push(start.getTime());
      }
    } catch (e) {
      details.push(...(e as DomainError).details);
    }
  }
  if (slots.length === 0) details.push({ field: 'slots', code: 'required', message: 'give at least one time' });
  if (existing.length + added.length > LIMITS.pollSlots)
    details.push({
      field: 'slots',
      code: 'too_many',
      message: `a poll has at most ${LIMITS.pollSlots} times`,
      params: { max: LIMITS.pollSlots },
    });
  if (details.length) throw invalidPoll(details);
  db.transaction((tx) => {
    const addedSlotIds = added.map(
      (start) =>
        tx
          .insert(pollSlots)
          .values({ pollId: id, startsAt: new Date(start), endsAt: new Date(start + p.durationMinutes * 60_000) })
          .returning({ id: pollSlots.id })
          .get().id,
    );
    emit(tx, 'poll.updated', {
      actorId: a.userId,
      clusterIds: concerned(p.organiserClusterId, ...invited),
      now,
      pollId: id,
      organiserClusterId: p.organiserClusterId,
      addedSlotIds,
      closesAt: { from: p.closesAt, to: p.closesAt },
      title: p.title,
    });
  });
  return getPoll(db, a, id, now);
}

/** The mail to a coordinator whose answer went with a removed time: which time, in the poll's zone and the reader's language. */
export function pollSlotRemovedMail(
  lang: Lang,
  d: { name: string; title: string; start: Date; timeZone: string; pollId: number; open: boolean },
): ComposedMail {
  const t = textsFor(lang);
  const m = t.mail.polls.slotRemoved;
  const when = spokenDateTime(d.start, d.timeZone, t.locale);
  return composeMail(lang, {
    subject: m.subject(d.title),
    greeting: t.mail.greeting(d.name),
    paragraphs: d.open ? [m.body(d.title, when), m.others] : [m.body(d.title, when)],
    action: { label: m.action, url: links.poll(d.pollId) },
    footer: t.mail.footer,
  });
}

/**
 * Removes a candidate time from an undecided poll (organiser only); its answers go with it, and
 * everyone who had answered that time is mailed (through the outbox, in their language, in the
 * same transaction). An unknown slot is 404 unknown_slot; the last time is kept (409 last_slot).
 * Raises poll.slotRemoved with the removed answers.
 */
export function removePollSlot(db: Db, actor: Actor | null, id: number, slotId: number, now = new Date()): PollView {
  const a = requireActor(actor);
  const { p, invited } = editablePoll(db, a, id);
  const slots = db.select().from(pollSlots).where(eq(pollSlots.pollId, id)).all();
  const slot = slots.find((x) => x.id === slotId);
  if (!slot) throw new DomainError('not_found', 'unknown_slot', `Slot ${slotId} is not part of this poll`);
  if (slots.length === 1)
    throw new DomainError('conflict', 'last_slot', 'A poll keeps at least one time; add another before removing this one');
  db.transaction((tx) => {
    const removed = tx.select().from(pollAnswers).where(eq(pollAnswers.slotId, slotId)).all();
    tx.delete(pollAnswers).where(eq(pollAnswers.slotId, slotId)).run();
    tx.delete(pollSlots).where(eq(pollSlots.id, slotId)).run();
    const userIds = [...new Set(removed.map((x) => x.userId).filter((u): u is number => u !== null))];
    const people = userIds.length ? tx.select().from(users).where(inArray(users.id, userIds)).all() : [];
    for (const u of people) {
      if (!isEmail(u.email)) continue;
      const mail = pollSlotRemovedMail(u.language, {
        name: u.name,
        title: p.title,
        start: slot.startsAt,
        timeZone: p.timeZone,
        pollId: id,
        open: isOpen(p, now),
      });
      enqueueMail(tx, { to: u.email, ...mail }, now);
    }
    emit(tx, 'poll.slotRemoved', {
      actorId: a.userId,
      clusterIds: concerned(p.organiserClusterId, ...invited),
      now,
      pollId: id,
      organiserClusterId: p.organiserClusterId,
      slotId,
      startsAt: slot.startsAt,
      endsAt: slot.endsAt,
      title: p.title,
      removedAnswers: removed.map((x) => ({ clusterId: x.clusterId, userId: x.userId, answer: x.answer })),
    });
  });
  return getPoll(db, a, id, now);
}

function moveDeadline(db: Db, a: Actor, p: Poll, invited: number[], closesAt: Date, now: Date): PollView {
  db.transaction((tx) => {
    tx.update(polls).set({ closesAt }).where(eq(polls.id, p.id)).run();
    emit(tx, 'poll.updated', {
      actorId: a.userId,
      clusterIds: concerned(p.organiserClusterId, ...invited),
      now,
      pollId: p.id,
      organiserClusterId: p.organiserClusterId,
      addedSlotIds: [],
      closesAt: { from: p.closesAt, to: closesAt },
      title: p.title,
    });
  });
  return getPoll(db, a, p.id, now);
}

/**
 * Moves the closing time of an undecided poll (organiser only), also reopening a closed one.
 * `closes` is wall-clock "YYYY-MM-DDTHH:mm" in the poll's zone and must lie after `now`
 * (400 invalid_poll, detail closes in_the_past). Raises poll.updated.
 */
export function setPollDeadline(db: Db, actor: Actor | null, id: number, closes: string, now = new Date()): PollView {
  const a = requireActor(actor);
  const { p, invited } = editablePoll(db, a, id);
  let closesAt: Date;
  try {
    closesAt = localToInstant(closes, p.timeZone, 'closes').toJSDate();
  } catch (e) {
    throw invalidPoll((e as DomainError).details);
  }
  if (closesAt <= now) throw invalidPoll([inThePast('closes')]);
  return moveDeadline(db, a, p, invited, closesAt, now);
}

/** Closes an open, undecided poll now (organiser only); a closed one is 409 poll_closed. Raises poll.updated. */
export function closePoll(db: Db, actor: Actor | null, id: number, now = new Date()): PollView {
  const a = requireActor(actor);
  const { p, invited } = editablePoll(db, a, id);
  if (now >= p.closesAt) throw new DomainError('conflict', 'poll_closed', `The poll closed on ${p.closesAt.toISOString()}`);
  return moveDeadline(db, a, p, invited, now, now);
}

/**
 * Adds a comment to the poll's thread: anyone who may read the poll (organising and invited
 * coordinators, admins) may write, also after it closed or was decided. The text is kept as
 * typed apart from surrounding white space (pages escape it); 1 to LIMITS.comment code points
 * (400 invalid_comment, detail body required / too_long). Signed with the first of the poll's
 * clusters the author acts for. Raises poll.commented.
 */
export function commentOnPoll(db: Db, actor: Actor | null, id: number, body: string, now = new Date()): PollView {
  const a = requireActor(actor);
  const p = pollRow(db, id);
  const invited = invitedIds(db, id);
  if (!canSee(a, p, invited)) throw new DomainError('not_found', 'unknown_poll', `There is no poll ${id}`);
  const text = body.trim();
  if (!text)
    throw new DomainError('invalid', 'invalid_comment', 'The comment is empty', [{ field: 'body', code: 'required', message: 'required' }]);
  if (codePointLength(text) > LIMITS.comment)
    throw new DomainError('invalid', 'invalid_comment', `A comment has at most ${LIMITS.comment} characters`, [
      { field: 'body', code: 'too_long', message: 'too long', params: { max: LIMITS.comment } },
    ]);
  const clusterId = clustersActedFor(a, [p.organiserClusterId, ...invited])[0] ?? null;
  db.transaction((tx) => {
    const c = tx
      .insert(pollComments)
      .values({ pollId: id, userId: a.userId, clusterId, body: text, createdAt: now })
      .returning({ id: pollComments.id })
      .get();
    emit(tx, 'poll.commented', {
      actorId: a.userId,
      clusterIds: concerned(p.organiserClusterId, ...invited),
      now,
      pollId: id,
      organiserClusterId: p.organiserClusterId,
      commentId: c.id,
      commenterClusterId: clusterId,
      title: p.title,
    });
  });
  return getPoll(db, a, id, now);
}

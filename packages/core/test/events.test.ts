import { eventAudit, eventOrganisers, events, eventThemes, type Db } from '@samverka/db';
import { asc, eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it, onTestFinished } from 'vitest';
import { LIMITS } from '@samverka/contracts';
import { loadActor, type Actor } from '../src/access.ts';
import { subscribe } from '../src/domain-events.ts';
import { canAnswerCohostInvitation, canInviteCohosts, canManageEvent, canSeeEvent, type OrganiserRef } from '../src/events/event-access.ts';
import { resolveEventFields, type EventFields, type EventInput } from '../src/events/event-input.ts';
import {
  answerCohostInvitation,
  cancelEvent,
  createEvent,
  deleteEvent,
  eventAuditLog,
  findClashes,
  findClashesOfTimes,
  ftsQuery,
  getEvent,
  inviteCohost,
  listEvents,
  pendingCohostInvitations,
  publishEvent,
  removeCohost,
  updateEvent,
} from '../src/events/event-service.ts';
import { clusterId, freshDb, insertUser, type TestDb } from '../../../tests/support/fixtures.ts';
import { caught, outcome, recordEvents } from './helpers.ts';

/** Runs fn and returns the DomainError it threw; fails when it throws nothing or something else. */
/** 'allowed', or the kind of DomainError thrown. */
/** Every row of the tables an event write touches, to prove a refused write changed nothing. */
function snapshot(db: Db) {
  return JSON.stringify([
    db.select().from(events).orderBy(asc(events.id)).all(),
    db.select().from(eventOrganisers).all(),
    db.select().from(eventThemes).all(),
    db.select().from(eventAudit).orderBy(asc(eventAudit.id)).all(),
  ]);
}

// ---- The access rules as pure functions ----

describe('event access rules', () => {
  const LEAD = 1;
  const ACCEPTED = 2;
  const INVITED = 3;
  const DECLINED = 4;
  const UNRELATED = 5;
  const orgs: OrganiserRef[] = [
    { clusterId: LEAD, role: 'lead', status: 'accepted' },
    { clusterId: ACCEPTED, role: 'cohost', status: 'accepted' },
    { clusterId: INVITED, role: 'cohost', status: 'invited' },
    { clusterId: DECLINED, role: 'cohost', status: 'declined' },
  ];
  const who: Record<string, Actor | null> = {
    admin: { userId: 1, isAdmin: true, coordinatorOf: [] },
    'lead coordinator': { userId: 2, isAdmin: false, coordinatorOf: [LEAD] },
    'accepted co-host': { userId: 3, isAdmin: false, coordinatorOf: [ACCEPTED] },
    'invited co-host': { userId: 4, isAdmin: false, coordinatorOf: [INVITED] },
    'declined co-host': { userId: 5, isAdmin: false, coordinatorOf: [DECLINED] },
    'unrelated coordinator': { userId: 6, isAdmin: false, coordinatorOf: [UNRELATED] },
    participant: { userId: 7, isAdmin: false, coordinatorOf: [] },
    anonymous: null,
  };
  //                          manage  invite  answer(INVITED)  see draft
  const table: [string, boolean, boolean, boolean, boolean][] = [
    ['admin', true, true, true, true],
    ['lead coordinator', true, true, false, true],
    ['accepted co-host', true, false, false, true],
    ['invited co-host', false, false, true, true],
    ['declined co-host', false, false, false, false],
    ['unrelated coordinator', false, false, false, false],
    ['participant', false, false, false, false],
    ['anonymous', false, false, false, false],
  ];

  it.each(table)('%s: manage=%s invite=%s answer=%s seeDraft=%s', (name, manage, invite, answer, seeDraft) => {
    const actor = who[name]!;
    expect(canManageEvent(actor, orgs)).toBe(manage);
    expect(canInviteCohosts(actor, orgs)).toBe(invite);
    expect(canAnswerCohostInvitation(actor, INVITED)).toBe(answer);
    expect(canSeeEvent(actor, 'draft', orgs, 'public')).toBe(seeDraft);
    // Published and cancelled events are public.
    expect(canSeeEvent(actor, 'published', orgs, 'public')).toBe(true);
    expect(canSeeEvent(actor, 'cancelled', orgs, 'public')).toBe(true);
  });

  it('a coordinator of several clusters gets the union of their rights', () => {
    const both: Actor = { userId: 9, isAdmin: false, coordinatorOf: [UNRELATED, INVITED] };
    expect(canAnswerCohostInvitation(both, INVITED)).toBe(true);
    expect(canManageEvent(both, orgs)).toBe(false);
    expect(canManageEvent({ ...both, coordinatorOf: [UNRELATED, ACCEPTED] }, orgs)).toBe(true);
  });

  it('without a lead nobody but an admin invites', () => {
    const noLead = orgs.filter((o) => o.role !== 'lead');
    expect(canInviteCohosts(who['accepted co-host']!, noLead)).toBe(false);
    expect(canInviteCohosts(who.admin!, noLead)).toBe(true);
  });
});

// ---- Validation of the fields ----

describe('resolveEventFields', () => {
  let t: TestDb;
  beforeEach(() => (t = freshDb()));
  afterEach(() => t.dispose());

  const fields = (over: Partial<EventFields> = {}) => ({
    title: 'Markdagen',
    kind: 'workshop' as const,
    themes: ['krisberedskap'],
    start: '2027-01-14T09:00',
    end: '2027-01-14T16:00',
    ...over,
  });
  const details = (over: Partial<EventFields>) => {
    const err = caught(() => resolveEventFields(t.db, fields(over)));
    expect([err.kind, err.code]).toEqual(['invalid', 'invalid_event']);
    return err.details;
  };

  it('turns wall-clock times in Stockholm into UTC: +01:00 in winter, +02:00 in summer', () => {
    const winter = resolveEventFields(t.db, fields());
    expect(winter.startsAt.toISOString()).toBe('2027-01-14T08:00:00.000Z');
    expect(winter.endsAt.toISOString()).toBe('2027-01-14T15:00:00.000Z');
    expect(winter.timeZone).toBe('Europe/Stockholm');
    const summer = resolveEventFields(t.db, fields({ start: '2027-07-14T09:00', end: '2027-07-14T16:00' }));
    expect(summer.startsAt.toISOString()).toBe('2027-07-14T07:00:00.000Z');
    expect(summer.endsAt.toISOString()).toBe('2027-07-14T14:00:00.000Z');
  });

  it('reads the times in the event zone when one is given', () => {
    const cols = resolveEventFields(t.db, fields({ timeZone: 'America/New_York', start: '2027-07-14T09:00', end: '2027-07-14T10:00' }));
    expect(cols.startsAt.toISOString()).toBe('2027-07-14T13:00:00.000Z');
    expect(cols.timeZone).toBe('America/New_York');
  });

  it.each(['2027-03-28T02:00', '2027-03-28T02:30', '2027-03-28T02:59'])(
    'refuses %s in Europe/Stockholm: the clocks skip that hour',
    (start) => {
      const d = details({ start, end: '2027-03-28T05:00' });
      expect(d).toEqual([{ field: 'start', code: 'nonexistent_local_time', message: expect.stringMatching(/skipped/) }]);
    },
  );

  it('accepts the minutes on either side of the skipped hour', () => {
    expect(resolveEventFields(t.db, fields({ start: '2027-03-28T01:59', end: '2027-03-28T03:00' })).startsAt.toISOString()).toBe(
      '2027-03-28T00:59:00.000Z',
    );
    expect(resolveEventFields(t.db, fields({ start: '2027-03-28T01:59', end: '2027-03-28T03:00' })).endsAt.toISOString()).toBe(
      '2027-03-28T01:00:00.000Z',
    );
  });

  it('takes the repeated autumn hour at its first occurrence (RFC 5545 §3.3.5)', () => {
    const cols = resolveEventFields(t.db, fields({ start: '2027-10-31T02:30', end: '2027-10-31T04:00' }));
    expect(cols.startsAt.toISOString()).toBe('2027-10-31T00:30:00.000Z');
    expect(cols.endsAt.toISOString()).toBe('2027-10-31T03:00:00.000Z');
  });

  it.each([
    ['before', '2027-01-14T08:00'],
    ['equal to', '2027-01-14T09:00'],
  ])('refuses an end %s the start', (_what, end) => {
    expect(details({ end })).toEqual([{ field: 'end', code: 'end_before_start', message: 'the end is not after the start' }]);
  });

  it('requires start and end of a timed event', () => {
    const d = details({ start: undefined, end: undefined });
    expect(d.map((x) => x.field)).toEqual(['start', 'end']);
  });

  it('refuses an event longer than 31 days', () => {
    expect(details({ end: '2027-02-15T09:00' })).toEqual([
      { field: 'end', code: 'duration_too_long', message: expect.stringMatching(/31 days/), params: { max: 31 } },
    ]);
  });

  it.each(['2027-02-30T10:00', '2027-13-01T10:00', '2027-01-14T24:00', '2027-01-14 09:00', '14/01/2027 09:00', '2027-01-14T9:00'])(
    'refuses the start %j as not a date-time',
    (start) => {
      expect(details({ start }).map((x) => x.field)).toContain('start');
    },
  );

  it('makes all-day events span whole days in the zone', () => {
    const cols = resolveEventFields(
      t.db,
      fields({ allDay: true, start: undefined, end: undefined, startDate: '2027-06-06', endDate: '2027-06-07' }),
    );
    expect(cols).toMatchObject({ allDay: true, startDate: '2027-06-06', endDate: '2027-06-07' });
    expect(cols.startsAt.toISOString()).toBe('2027-06-05T22:00:00.000Z');
    expect(cols.endsAt.toISOString()).toBe('2027-06-07T22:00:00.000Z');
    const one = resolveEventFields(t.db, fields({ allDay: true, startDate: '2027-01-10' }));
    expect([one.startDate, one.endDate]).toEqual(['2027-01-10', '2027-01-10']);
    expect(one.endsAt.getTime() - one.startsAt.getTime()).toBe(24 * 3600_000);
  });

  it('refuses all-day events without a first day, ending before they start, or with an impossible date', () => {
    expect(details({ allDay: true, startDate: undefined }).map((d) => d.field)).toEqual(['startDate']);
    expect(details({ allDay: true, startDate: '2027-06-07', endDate: '2027-06-06' })).toEqual([
      { field: 'endDate', code: 'end_before_start', message: expect.stringMatching(/before the first day/) },
    ]);
    expect(details({ allDay: true, startDate: '2027-02-30' }).map((d) => d.field)).toEqual(['startDate']);
  });

  it('measures the title in code points, as the API does: 200 emoji are a title, 201 are refused', () => {
    const title = '🌱'.repeat(LIMITS.title);
    expect(resolveEventFields(t.db, fields({ title })).title).toBe(title);
    expect(details({ title: `${title}🌱` })).toEqual([
      { field: 'title', code: 'too_long', message: 'at most 200 characters', params: { max: 200 } },
    ]);
    expect(details({ description: '🌱'.repeat(LIMITS.eventDescription + 1) })).toEqual([
      { field: 'description', code: 'too_long', message: 'at most 20,000 characters', params: { max: 20_000 } },
    ]);
    expect(resolveEventFields(t.db, fields({ description: '🌱'.repeat(LIMITS.eventDescription) })).description).toHaveLength(
      2 * LIMITS.eventDescription,
    );
  });

  it('names an unknown theme and requires at least one', () => {
    expect(details({ themes: ['krisberedskap', 'gardening'] })).toEqual([
      { field: 'themes', code: 'unknown_choice', message: 'unknown theme "gardening"' },
    ]);
    expect(details({ themes: [] })).toEqual([{ field: 'themes', code: 'required', message: 'choose at least one theme' }]);
  });

  it('names an unknown county and resolves a known one', () => {
    expect(details({ county: 'atlantis' })).toEqual([{ field: 'county', code: 'unknown_choice', message: 'unknown county "atlantis"' }]);
    expect(resolveEventFields(t.db, fields({ county: 'orebro-lan' })).countyId).toBeGreaterThan(0);
  });

  it.each(['https://meet.example.se/room', 'http://example.se'])('keeps the online link %s', (onlineUrl) => {
    expect(resolveEventFields(t.db, fields({ onlineUrl })).onlineUrl).toBe(new URL(onlineUrl).toString());
  });

  it.each([
    'javascript:alert(1)',
    'JAVASCRIPT:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    'ftp://example.se',
    'mailto:a@example.se',
    'meet.example.se',
    'not a link',
  ])('refuses the online link %j', (onlineUrl) => {
    expect(details({ onlineUrl })).toEqual([{ field: 'onlineUrl', code: 'invalid_url', message: expect.stringMatching(/https/) }]);
  });

  it('checks the registration window: opens before it closes, closes before the event ends', () => {
    const ok = resolveEventFields(t.db, fields({ registrationOpens: '2027-01-01T08:00', registrationCloses: '2027-01-13T12:00' }));
    expect(ok.registrationOpensAt!.toISOString()).toBe('2027-01-01T07:00:00.000Z');
    expect(ok.registrationClosesAt!.toISOString()).toBe('2027-01-13T11:00:00.000Z');
    expect(details({ registrationOpens: '2027-01-10T08:00', registrationCloses: '2027-01-09T08:00' })).toEqual([
      { field: 'registrationCloses', code: 'end_before_start', message: 'registration closes before it opens' },
    ]);
    expect(details({ registrationCloses: '2027-01-15T08:00' })).toEqual([
      { field: 'registrationCloses', code: 'after_event_end', message: expect.stringMatching(/before the event ends/) },
    ]);
    expect(details({ registrationOpens: '2027-03-28T02:15' }).map((d) => d.field)).toEqual(['registrationOpens']);
  });

  it('checks coordinates, capacity, language, contact e-mail and zone', () => {
    expect(details({ lat: 59.27 }).map((d) => d.field)).toEqual(['lng']);
    expect(details({ lat: 91, lng: 15 }).map((d) => d.field)).toEqual(['lat']);
    expect(details({ capacity: 0 }).map((d) => d.field)).toEqual(['capacity']);
    expect(details({ capacity: 2.5 }).map((d) => d.field)).toEqual(['capacity']);
    expect(details({ language: 'swe' }).map((d) => d.field)).toEqual(['language']);
    expect(details({ contactEmail: 'not-an-address' }).map((d) => d.field)).toEqual(['contactEmail']);
    expect(details({ timeZone: 'Mars/Olympus_Mons' }).map((d) => d.field)).toEqual(['timeZone']);
  });

  it('reports every problem at once, and names the fields in the message', () => {
    const err = caught(() =>
      resolveEventFields(
        t.db,
        fields({ title: '  ', themes: ['nope'], county: 'nowhere', end: '2027-01-14T08:00', onlineUrl: 'javascript:x' }),
      ),
    );
    expect(err.details.map((d) => d.field).sort()).toEqual(['county', 'end', 'onlineUrl', 'themes', 'title']);
    expect(err.message).toContain('unknown theme "nope"');
    expect(err.message).toContain('unknown county "nowhere"');
  });
});

// ---- The event service on a real database ----

const LEAD = 'agro-orebro';
const COHOST = 'froda';
const INVITED = 'agro-vast';
const DECLINED = 'vreta-kluster';
const UNRELATED = 'grona-navet';

type Role = 'admin' | 'lead' | 'cohost' | 'invited' | 'declined' | 'unrelated' | 'participant' | 'anonymous';

let t: TestDb;
let as: Record<Role, Actor | null>;

function actor(name: string, o: { isAdmin?: boolean; coordinatorOf?: string[] } = {}): Actor {
  const id = insertUser(t.db, { name, ...o });
  return loadActor(t.db, id)!;
}

function setupActors() {
  as = {
    admin: actor('Ada Admin', { isAdmin: true }),
    lead: actor('Lena Lead', { coordinatorOf: [LEAD] }),
    cohost: actor('Cilla Cohost', { coordinatorOf: [COHOST] }),
    invited: actor('Ingvar Invited', { coordinatorOf: [INVITED] }),
    declined: actor('Dag Declined', { coordinatorOf: [DECLINED] }),
    unrelated: actor('Ulla Unrelated', { coordinatorOf: [UNRELATED] }),
    participant: actor('Per Participant'),
    anonymous: null,
  };
}

const input = (over: Partial<EventInput> = {}): EventInput => ({
  leadCluster: LEAD,
  title: 'Markdagen',
  kind: 'workshop',
  themes: ['krisberedskap'],
  start: '2027-05-14T09:00',
  end: '2027-05-14T16:00',
  venueName: 'Lantbruksskolan',
  ...over,
});

/** A draft led by LEAD with COHOST accepted, INVITED invited and DECLINED declined. */
function eventWithOrganisers(over: Partial<EventInput> = {}): number {
  const id = createEvent(t.db, as.lead, input(over)).event.id;
  for (const c of [COHOST, INVITED, DECLINED]) inviteCohost(t.db, as.lead, id, c);
  answerCohostInvitation(t.db, as.cohost, id, COHOST, true);
  answerCohostInvitation(t.db, as.declined, id, DECLINED, false);
  return id;
}

function auditOf(id: number) {
  return eventAuditLog(t.db, as.admin, id);
}

beforeEach(() => {
  t = freshDb();
  setupActors();
});
afterEach(() => t.dispose());

describe('createEvent', () => {
  it('creates a draft led by the cluster, revision 0, audited as created by the coordinator', () => {
    const now = new Date('2027-01-02T10:00:00Z');
    const { event, clashes } = createEvent(t.db, as.lead, input({ description: 'Om **jord**', county: 'orebro-lan' }), now);
    expect(event).toMatchObject({
      title: 'Markdagen',
      status: 'draft',
      revision: 0,
      start: '2027-05-14T09:00',
      startsAt: '2027-05-14T07:00:00.000Z',
      lead: { slug: LEAD },
      organisers: [{ slug: LEAD, role: 'lead', status: 'accepted' }],
      themes: ['krisberedskap'],
      county: { slug: 'orebro-lan' },
      canEdit: true,
      canInvite: true,
      createdAt: now.toISOString(),
    });
    expect(event.descriptionHtml).toBe('<p>Om <strong>jord</strong></p>\n');
    expect(event.uid).toMatch(/@samverka$/);
    expect(clashes).toEqual([]);
    expect(auditOf(event.id)).toEqual([
      {
        at: now.toISOString(),
        action: 'created',
        user: 'Lena Lead',
        changes: { status: [null, 'draft'], startsAt: [null, '2027-05-14T07:00:00.000Z'] },
      },
    ]);
  });

  it.each<[Role, string]>([
    ['admin', 'allowed'],
    ['lead', 'allowed'],
    ['cohost', 'forbidden'],
    ['unrelated', 'forbidden'],
    ['participant', 'forbidden'],
    ['anonymous', 'unauthenticated'],
  ])('for the lead cluster: %s → %s', (role, expected) => {
    const before = snapshot(t.db);
    expect(outcome(() => createEvent(t.db, as[role], input()))).toBe(expected);
    if (expected !== 'allowed') expect(snapshot(t.db)).toBe(before);
  });

  it('takes a title of 200 emoji whole and refuses 201, writing nothing', () => {
    const title = '🌱'.repeat(LIMITS.title);
    const { event } = createEvent(t.db, as.lead, input({ title }));
    expect(event.title).toBe(title);
    expect(getEvent(t.db, as.lead, event.id).title).toBe(title);
    const before = snapshot(t.db);
    const err = caught(() => createEvent(t.db, as.lead, input({ title: `${title}🌱` })));
    expect([err.kind, err.code, err.details]).toEqual([
      'invalid',
      'invalid_event',
      [{ field: 'title', code: 'too_long', message: 'at most 200 characters', params: { max: 200 } }],
    ]);
    expect(snapshot(t.db)).toBe(before);
  });

  it('refuses an unknown lead cluster naming it, and invalid fields, writing nothing', () => {
    const before = snapshot(t.db);
    const err = caught(() => createEvent(t.db, as.admin, input({ leadCluster: 'no-such-cluster' })));
    expect([err.kind, err.code]).toEqual(['invalid', 'unknown_cluster']);
    expect(err.message).toContain('"no-such-cluster"');
    expect(caught(() => createEvent(t.db, as.lead, input({ start: '2027-03-28T02:30', end: '2027-03-28T04:00' }))).kind).toBe('invalid');
    expect(caught(() => createEvent(t.db, as.lead, input({ themes: ['nope'] }))).message).toContain('"nope"');
    expect(snapshot(t.db)).toBe(before);
  });
});

describe('who may do what with an event', () => {
  // A draft hides from those who may not see it (404), a published event refuses them (403).
  const table: [Role, { seeDraft: string; editDraft: string; editPublished: string; invite: string; audit: string }][] = [
    ['admin', { seeDraft: 'allowed', editDraft: 'allowed', editPublished: 'allowed', invite: 'allowed', audit: 'allowed' }],
    ['lead', { seeDraft: 'allowed', editDraft: 'allowed', editPublished: 'allowed', invite: 'allowed', audit: 'allowed' }],
    ['cohost', { seeDraft: 'allowed', editDraft: 'allowed', editPublished: 'allowed', invite: 'forbidden', audit: 'allowed' }],
    ['invited', { seeDraft: 'allowed', editDraft: 'forbidden', editPublished: 'forbidden', invite: 'forbidden', audit: 'forbidden' }],
    ['declined', { seeDraft: 'not_found', editDraft: 'not_found', editPublished: 'forbidden', invite: 'not_found', audit: 'not_found' }],
    ['unrelated', { seeDraft: 'not_found', editDraft: 'not_found', editPublished: 'forbidden', invite: 'not_found', audit: 'not_found' }],
    ['participant', { seeDraft: 'not_found', editDraft: 'not_found', editPublished: 'forbidden', invite: 'not_found', audit: 'not_found' }],
    [
      'anonymous',
      {
        seeDraft: 'not_found',
        editDraft: 'unauthenticated',
        editPublished: 'unauthenticated',
        invite: 'unauthenticated',
        audit: 'unauthenticated',
      },
    ],
  ];

  it.each(table)('%s', (role, expected) => {
    const id = eventWithOrganisers();
    const a = as[role];
    expect(
      outcome(() => getEvent(t.db, a, id)),
      'see draft',
    ).toBe(expected.seeDraft);
    expect(
      outcome(() => eventAuditLog(t.db, a, id)),
      'audit',
    ).toBe(expected.audit);

    const before = snapshot(t.db);
    expect(
      outcome(() => updateEvent(t.db, a, id, { title: `Ny titel av ${role}` })),
      'edit draft',
    ).toBe(expected.editDraft);
    expect(
      outcome(() => inviteCohost(t.db, a, id, 'gront-center')),
      'invite',
    ).toBe(expected.invite);
    if (expected.editDraft !== 'allowed') {
      expect(outcome(() => publishEvent(t.db, a, id))).toBe(expected.editDraft);
      expect(outcome(() => cancelEvent(t.db, a, id, 'Sjukdom'))).toBe(expected.editDraft);
      expect(outcome(() => deleteEvent(t.db, a, id))).toBe(expected.editDraft);
      expect(outcome(() => removeCohost(t.db, a, id, COHOST))).toBe(expected.invite);
    }
    if (expected.editDraft !== 'allowed' && expected.invite !== 'allowed') expect(snapshot(t.db)).toBe(before);

    publishEvent(t.db, as.lead, id);
    expect(getEvent(t.db, a, id).status).toBe('published');
    const beforePublished = snapshot(t.db);
    expect(
      outcome(() => updateEvent(t.db, a, id, { venueName: `Sal ${role}` })),
      'edit published',
    ).toBe(expected.editPublished);
    if (expected.editPublished !== 'allowed') {
      expect(outcome(() => cancelEvent(t.db, a, id, 'Sjukdom'))).toBe(expected.editPublished);
      expect(snapshot(t.db)).toBe(beforePublished);
    }
  });

  it('tells each viewer whether they may edit and invite', () => {
    const id = eventWithOrganisers();
    publishEvent(t.db, as.lead, id);
    const flags = (r: Role) => {
      const e = getEvent(t.db, as[r], id);
      return [e.canEdit, e.canInvite];
    };
    expect(flags('admin')).toEqual([true, true]);
    expect(flags('lead')).toEqual([true, true]);
    expect(flags('cohost')).toEqual([true, false]);
    expect(flags('invited')).toEqual([false, false]);
    expect(flags('declined')).toEqual([false, false]);
    expect(flags('participant')).toEqual([false, false]);
    expect(flags('anonymous')).toEqual([false, false]);
  });

  it('a missing event is not_found for everyone', () => {
    expect(caught(() => getEvent(t.db, as.admin, 9999)).code).toBe('unknown_event');
    expect(caught(() => updateEvent(t.db, as.admin, 9999, { title: 'x' })).code).toBe('unknown_event');
    expect(caught(() => inviteCohost(t.db, as.admin, 9999, COHOST)).code).toBe('unknown_event');
  });
});

describe('revisions and the audit log', () => {
  it('a title-only change is audited but keeps the revision', () => {
    const id = createEvent(t.db, as.lead, input()).event.id;
    const at = new Date('2027-02-01T12:00:00Z');
    const { event } = updateEvent(t.db, as.lead, id, { title: 'Markdagen 2027' }, at);
    expect(event.revision).toBe(0);
    expect(event.updatedAt).toBe(at.toISOString());
    expect(auditOf(id).at(-1)).toEqual({
      at: at.toISOString(),
      action: 'updated',
      user: 'Lena Lead',
      changes: { title: ['Markdagen', 'Markdagen 2027'] },
    });
  });

  it('description, kind and theme changes keep the revision too', () => {
    const id = createEvent(t.db, as.lead, input()).event.id;
    updateEvent(t.db, as.lead, id, { description: 'Ny text' });
    updateEvent(t.db, as.lead, id, { kind: 'webinar' });
    const { event } = updateEvent(t.db, as.lead, id, { themes: ['krisberedskap', 'omvarldsbevakning'] });
    expect(event.revision).toBe(0);
    expect(event.themes).toEqual(['krisberedskap', 'omvarldsbevakning']);
    const log = auditOf(id);
    expect(log.map((e) => Object.keys(e.changes))).toEqual([['status', 'startsAt'], ['description'], ['kind'], ['themes']]);
  });

  it.each<[string, EventFields, string[]]>([
    ['start and end', { start: '2027-05-15T09:00', end: '2027-05-15T16:00' }, ['startsAt', 'endsAt']],
    ['end only', { end: '2027-05-14T17:00' }, ['endsAt']],
    ['venue', { venueName: 'Ladan' }, ['venueName']],
    ['address', { address: 'Storgatan 1, Örebro' }, ['address']],
    ['county', { county: 'orebro-lan' }, ['countyId']],
    ['coordinates', { lat: 59.27, lng: 15.21 }, ['lat', 'lng']],
    ['online link', { onlineUrl: 'https://meet.example.se/x' }, ['onlineUrl']],
    ['zone (same wall clock, new instant)', { timeZone: 'Europe/London' }, ['startsAt', 'endsAt', 'timeZone']],
    ['all-day', { allDay: true }, ['allDay', 'startsAt', 'endsAt', 'startDate', 'endDate']],
  ])('a change of %s raises the revision and is audited with before and after', (_what, patch, fields) => {
    const id = createEvent(t.db, as.lead, input()).event.id;
    const { event } = updateEvent(t.db, as.lead, id, patch);
    expect(event.revision).toBe(1);
    const last = auditOf(id).at(-1)!;
    expect(last.action).toBe('updated');
    expect(Object.keys(last.changes).sort()).toEqual([...fields].sort());
    for (const [before, after] of Object.values(last.changes)) expect(before).not.toEqual(after);
  });

  it('records instants as ISO strings in the audit entry of a move', () => {
    const id = createEvent(t.db, as.lead, input()).event.id;
    updateEvent(t.db, as.lead, id, { start: '2027-05-14T10:00' });
    expect(auditOf(id).at(-1)!.changes).toEqual({ startsAt: ['2027-05-14T07:00:00.000Z', '2027-05-14T08:00:00.000Z'] });
  });

  it('every change raises the revision once more; publish and cancel count as changes of status', () => {
    const id = createEvent(t.db, as.lead, input()).event.id;
    expect(updateEvent(t.db, as.lead, id, { venueName: 'A' }).event.revision).toBe(1);
    expect(updateEvent(t.db, as.lead, id, { venueName: 'B' }).event.revision).toBe(2);
    expect(publishEvent(t.db, as.lead, id).revision).toBe(3);
    expect(updateEvent(t.db, as.lead, id, { title: 'Bara titeln' }).event.revision).toBe(3);
    const cancelled = cancelEvent(t.db, as.lead, id, '  För få anmälda  ');
    expect(cancelled).toMatchObject({ revision: 4, status: 'cancelled', cancelReason: 'För få anmälda' });
    const log = auditOf(id);
    expect(log.map((e) => e.action)).toEqual(['created', 'updated', 'updated', 'published', 'updated', 'cancelled']);
    expect(log[3]!.changes).toEqual({ status: ['draft', 'published'] });
    expect(log[5]!.changes).toEqual({ status: ['published', 'cancelled'], cancelReason: [null, 'För få anmälda'] });
  });

  it('a patch that changes nothing writes nothing', () => {
    const id = createEvent(t.db, as.lead, input()).event.id;
    const before = snapshot(t.db);
    expect(
      updateEvent(
        t.db,
        as.lead,
        id,
        { title: 'Markdagen', start: '2027-05-14T09:00', venueName: 'Lantbruksskolan' },
        new Date('2030-01-01'),
      ).event.revision,
    ).toBe(0);
    expect(updateEvent(t.db, as.lead, id, {}).event.revision).toBe(0);
    expect(snapshot(t.db)).toBe(before);
  });

  it('records who changed it: an accepted co-host and an admin appear by name', () => {
    const id = eventWithOrganisers();
    updateEvent(t.db, as.cohost, id, { venueName: 'Cohost-salen' });
    updateEvent(t.db, as.admin, id, { title: 'Admin-titel' });
    const log = auditOf(id);
    expect(log.slice(-2).map((e) => [e.user, e.action])).toEqual([
      ['Cilla Cohost', 'updated'],
      ['Ada Admin', 'updated'],
    ]);
    expect(log.map((e) => e.action)).toEqual([
      'created',
      'cohost_invited',
      'cohost_invited',
      'cohost_invited',
      'cohost_accepted',
      'cohost_declined',
      'updated',
      'updated',
    ]);
    expect(log.find((e) => e.action === 'cohost_declined')).toMatchObject({
      user: 'Dag Declined',
      changes: { cohost: [DECLINED, 'declined'] },
    });
  });

  it('a refused patch (end before start) changes nothing and records nothing', () => {
    const id = createEvent(t.db, as.lead, input()).event.id;
    const before = snapshot(t.db);
    const err = caught(() => updateEvent(t.db, as.lead, id, { title: 'Ny', start: '2027-05-14T17:00' }));
    expect(err.details).toEqual([{ field: 'end', code: 'end_before_start', message: 'the end is not after the start' }]);
    expect(caught(() => updateEvent(t.db, as.lead, id, { start: '2027-03-28T02:30', end: '2027-03-28T03:30' })).details[0]!.field).toBe(
      'start',
    );
    expect(caught(() => updateEvent(t.db, as.lead, id, { county: 'atlantis' })).message).toContain('"atlantis"');
    expect(snapshot(t.db)).toBe(before);
  });
});

describe('clashes', () => {
  function published(title: string, start: string, end: string, lead = COHOST, by: Role = 'cohost'): number {
    const id = createEvent(t.db, as[by], input({ leadCluster: lead, title, start, end })).event.id;
    publishEvent(t.db, as[by], id);
    return id;
  }

  it('lists other published events overlapping in time on create, not drafts, cancelled or ones that only touch', () => {
    const a = published('A', '2027-05-14T10:00', '2027-05-14T12:00');
    published('Touching', '2027-05-14T08:00', '2027-05-14T09:00');
    const cancelled = published('Cancelled', '2027-05-14T10:00', '2027-05-14T11:00');
    cancelEvent(t.db, as.cohost, cancelled, 'Inställt');
    createEvent(t.db, as.cohost, input({ leadCluster: COHOST, title: 'Draft', start: '2027-05-14T10:00', end: '2027-05-14T11:00' }));
    const { clashes } = createEvent(t.db, as.lead, input({ start: '2027-05-14T09:00', end: '2027-05-14T11:00' }));
    expect(clashes).toEqual([
      {
        id: a,
        title: 'A',
        startsAt: '2027-05-14T08:00:00.000Z',
        endsAt: '2027-05-14T10:00:00.000Z',
        lead: expect.stringMatching(/fr[oö]da/i),
      },
    ]);
  });

  it('lists clashes after a move, and never the moved event itself', () => {
    const a = published('A', '2027-06-01T10:00', '2027-06-01T12:00');
    const b = published('B', '2027-06-02T10:00', '2027-06-02T12:00', LEAD, 'lead');
    expect(updateEvent(t.db, as.lead, b, { title: 'B2' }).clashes).toEqual([]);
    const moved = updateEvent(t.db, as.lead, b, { start: '2027-06-01T11:00', end: '2027-06-01T13:00' });
    expect(moved.clashes.map((c) => c.id)).toEqual([a]);
    expect(findClashes(t.db, new Date('2027-06-01T09:30:00Z'), new Date('2027-06-01T09:40:00Z'))).toEqual([
      expect.objectContaining({ id: a }),
      expect.objectContaining({ id: b }),
    ]);
    expect(findClashes(t.db, new Date('2027-06-01T09:30:00Z'), new Date('2027-06-01T09:40:00Z'), a).map((c) => c.id)).toEqual([b]);
  });

  it('finds an event that started long before, once it has grown that long, and lists it as not yet ended', () => {
    const short = published('Kort', '2027-06-01T10:00', '2027-06-01T12:00');
    const at = (iso: string) => new Date(iso);
    expect(findClashes(t.db, at('2027-06-20T09:00:00Z'), at('2027-06-20T10:00:00Z'))).toEqual([]);
    // Stretched to 30 days: the bound on start times must follow (it is kept per data version).
    updateEvent(t.db, as.cohost, short, { end: '2027-06-30T12:00' });
    expect(findClashes(t.db, at('2027-06-20T09:00:00Z'), at('2027-06-20T10:00:00Z')).map((c) => c.id)).toEqual([short]);
    expect(listEvents(t.db, null, { from: at('2027-06-20T09:00:00Z') }).events.map((e) => e.id)).toContain(short);
    updateEvent(t.db, as.cohost, short, { end: '2027-06-01T12:00' });
    expect(findClashes(t.db, at('2027-06-20T09:00:00Z'), at('2027-06-20T10:00:00Z'))).toEqual([]);
  });

  it('findClashesOfTimes gives for each time what findClashes gives, its first 20 included, the left-out event excluded', () => {
    // 22 events on one day (more than a time lists), one long one over two days, one on a day of its own.
    const day = Array.from({ length: 22 }, (_, i) =>
      published(
        `D${i}`,
        `2027-07-01T${String(8 + Math.floor(i / 4)).padStart(2, '0')}:${String((i % 4) * 10).padStart(2, '0')}`,
        '2027-07-01T18:00',
      ),
    );
    const long = published('Lång', '2027-06-30T10:00', '2027-07-02T10:00');
    const alone = published('Ensam', '2027-07-05T10:00', '2027-07-05T11:00');
    const at = (iso: string) => new Date(iso);
    const times = [
      { startsAt: at('2027-07-01T12:00:00Z'), endsAt: at('2027-07-01T13:00:00Z') },
      { startsAt: at('2027-07-05T08:00:00Z'), endsAt: at('2027-07-05T09:30:00Z') },
      { startsAt: at('2027-07-03T08:00:00Z'), endsAt: at('2027-07-03T09:00:00Z') },
      { startsAt: at('2027-07-02T07:00:00Z'), endsAt: at('2027-07-02T09:00:00Z') },
    ];
    for (const excluded of [undefined, day[3]!, long]) {
      const each = times.map((x) => findClashes(t.db, x.startsAt, x.endsAt, excluded));
      expect(findClashesOfTimes(t.db, times, excluded)).toEqual(each);
    }
    const [first, second, third, fourth] = findClashesOfTimes(t.db, times);
    expect(first).toHaveLength(20);
    expect(first!.map((c) => c.id)).toEqual([long, ...day.slice(0, 19)]);
    expect(second!.map((c) => c.id)).toEqual([alone]);
    expect(third).toEqual([]);
    expect(fourth!.map((c) => c.id)).toEqual([long]);
    expect(findClashesOfTimes(t.db, [])).toEqual([]);
  });
});

describe('publish, cancel, delete', () => {
  it('publishing needs a place or an online link (rule, 422)', () => {
    const id = createEvent(t.db, as.lead, input({ venueName: null })).event.id;
    const before = snapshot(t.db);
    const err = caught(() => publishEvent(t.db, as.lead, id));
    expect([err.kind, err.code]).toEqual(['rule', 'no_place']);
    expect(snapshot(t.db)).toBe(before);
    updateEvent(t.db, as.lead, id, { onlineUrl: 'https://meet.example.se/a' });
    expect(publishEvent(t.db, as.lead, id).status).toBe('published');
    const withAddress = createEvent(t.db, as.lead, input({ venueName: null, address: 'Storgatan 1' })).event.id;
    expect(publishEvent(t.db, as.lead, withAddress).status).toBe('published');
  });

  it('only a draft can be published; a cancelled event cannot be changed, cancelled again or get co-hosts', () => {
    const id = createEvent(t.db, as.lead, input()).event.id;
    publishEvent(t.db, as.lead, id);
    expect(caught(() => publishEvent(t.db, as.lead, id)).code).toBe('not_a_draft');
    cancelEvent(t.db, as.lead, id, 'Storm');
    const before = snapshot(t.db);
    expect(caught(() => publishEvent(t.db, as.lead, id)).kind).toBe('conflict');
    expect(caught(() => cancelEvent(t.db, as.lead, id, 'Igen')).code).toBe('already_cancelled');
    expect(caught(() => updateEvent(t.db, as.lead, id, { title: 'x' })).code).toBe('event_cancelled');
    expect(caught(() => inviteCohost(t.db, as.lead, id, COHOST)).code).toBe('event_cancelled');
    expect(snapshot(t.db)).toBe(before);
  });

  it('cancelling needs a reason', () => {
    const id = createEvent(t.db, as.lead, input()).event.id;
    publishEvent(t.db, as.lead, id);
    const before = snapshot(t.db);
    for (const reason of ['', '   ', '\n\t']) expect(caught(() => cancelEvent(t.db, as.lead, id, reason)).code).toBe('reason_required');
    expect(snapshot(t.db)).toBe(before);
  });

  it('organisers delete drafts; only an admin deletes a published or cancelled event', () => {
    const draft = eventWithOrganisers();
    deleteEvent(t.db, as.cohost, draft);
    expect(t.db.select().from(events).where(eq(events.id, draft)).all()).toEqual([]);
    expect(t.db.select().from(eventAudit).where(eq(eventAudit.eventId, draft)).all()).toEqual([]);
    expect(t.db.select().from(eventOrganisers).where(eq(eventOrganisers.eventId, draft)).all()).toEqual([]);

    const pub = createEvent(t.db, as.lead, input()).event.id;
    publishEvent(t.db, as.lead, pub);
    expect(caught(() => deleteEvent(t.db, as.lead, pub)).code).toBe('not_a_draft');
    cancelEvent(t.db, as.lead, pub, 'Regn');
    expect(caught(() => deleteEvent(t.db, as.lead, pub)).code).toBe('not_a_draft');
    deleteEvent(t.db, as.admin, pub);
    expect(caught(() => getEvent(t.db, as.admin, pub)).kind).toBe('not_found');
  });
});

describe('co-hosts', () => {
  it('invites a cluster, which sees the invitation and may accept; then it manages the event', () => {
    const id = createEvent(t.db, as.lead, input()).event.id;
    const view = inviteCohost(t.db, as.lead, id, COHOST, new Date('2027-01-05T08:00:00Z'));
    expect(view.organisers).toEqual([
      { slug: LEAD, name: expect.any(String), role: 'lead', status: 'accepted' },
      { slug: COHOST, name: expect.any(String), role: 'cohost', status: 'invited' },
    ]);
    expect(pendingCohostInvitations(t.db, as.cohost)).toEqual([
      {
        event: { id, title: 'Markdagen', startsAt: '2027-05-14T07:00:00.000Z', status: 'draft', lead: expect.any(String) },
        cluster: { slug: COHOST, name: expect.any(String) },
        invitedAt: '2027-01-05T08:00:00.000Z',
      },
    ]);
    expect(pendingCohostInvitations(t.db, as.lead)).toEqual([]);
    expect(caught(() => updateEvent(t.db, as.cohost, id, { title: 'x' })).kind).toBe('forbidden');
    const accepted = answerCohostInvitation(t.db, as.cohost, id, COHOST, true);
    expect(accepted.organisers.find((o) => o.slug === COHOST)!.status).toBe('accepted');
    expect(pendingCohostInvitations(t.db, as.cohost)).toEqual([]);
    expect(updateEvent(t.db, as.cohost, id, { title: 'Gemensam markdag' }).event.title).toBe('Gemensam markdag');
  });

  it('refuses a duplicate invitation and inviting the lead (409), and names an unknown cluster', () => {
    const id = createEvent(t.db, as.lead, input()).event.id;
    inviteCohost(t.db, as.lead, id, COHOST);
    let before = snapshot(t.db);
    const dup = caught(() => inviteCohost(t.db, as.lead, id, COHOST));
    expect([dup.kind, dup.code, dup.message]).toEqual(['conflict', 'already_organiser', 'That cluster is already invited']);
    expect(snapshot(t.db)).toBe(before);
    answerCohostInvitation(t.db, as.cohost, id, COHOST, true);
    before = snapshot(t.db);
    expect(caught(() => inviteCohost(t.db, as.lead, id, COHOST)).message).toBe('That cluster is already a co-host');
    expect(caught(() => inviteCohost(t.db, as.lead, id, LEAD)).message).toBe('That cluster leads the event');
    const unknown = caught(() => inviteCohost(t.db, as.lead, id, 'no-such-cluster'));
    expect([unknown.kind, unknown.code, unknown.message]).toEqual(['invalid', 'unknown_cluster', 'There is no cluster "no-such-cluster"']);
    expect(snapshot(t.db)).toBe(before);
  });

  it('answering twice is a conflict, whichever way', () => {
    const id = eventWithOrganisers();
    const before = snapshot(t.db);
    expect(caught(() => answerCohostInvitation(t.db, as.cohost, id, COHOST, true)).code).toBe('already_answered');
    expect(caught(() => answerCohostInvitation(t.db, as.cohost, id, COHOST, false)).code).toBe('already_answered');
    expect(caught(() => answerCohostInvitation(t.db, as.declined, id, DECLINED, true)).code).toBe('already_answered');
    expect(snapshot(t.db)).toBe(before);
  });

  it('only the invited cluster (or an admin) answers', () => {
    const id = eventWithOrganisers();
    const before = snapshot(t.db);
    expect(outcome(() => answerCohostInvitation(t.db, as.lead, id, INVITED, true))).toBe('forbidden');
    expect(outcome(() => answerCohostInvitation(t.db, as.cohost, id, INVITED, true))).toBe('forbidden');
    expect(outcome(() => answerCohostInvitation(t.db, as.participant, id, INVITED, true))).toBe('forbidden');
    expect(outcome(() => answerCohostInvitation(t.db, as.anonymous, id, INVITED, true))).toBe('unauthenticated');
    expect(caught(() => answerCohostInvitation(t.db, as.unrelated, id, UNRELATED, true)).code).toBe('no_invitation');
    expect(caught(() => answerCohostInvitation(t.db, as.lead, id, LEAD, true)).code).toBe('no_invitation');
    expect(caught(() => answerCohostInvitation(t.db, as.admin, id, 'no-such-cluster', true)).kind).toBe('not_found');
    expect(snapshot(t.db)).toBe(before);
    expect(answerCohostInvitation(t.db, as.admin, id, INVITED, true).organisers.find((o) => o.slug === INVITED)!.status).toBe('accepted');
  });

  it('a declined co-host cannot edit, and may be invited again and then accept', () => {
    const id = eventWithOrganisers();
    publishEvent(t.db, as.lead, id);
    expect(caught(() => updateEvent(t.db, as.declined, id, { title: 'x' })).kind).toBe('forbidden');
    const again = inviteCohost(t.db, as.lead, id, DECLINED);
    expect(again.organisers.find((o) => o.slug === DECLINED)!.status).toBe('invited');
    expect(pendingCohostInvitations(t.db, as.declined).map((p) => p.event.id)).toEqual([id]);
    answerCohostInvitation(t.db, as.declined, id, DECLINED, true);
    expect(updateEvent(t.db, as.declined, id, { title: 'Nu med Vreta' }).event.title).toBe('Nu med Vreta');
  });

  it('the lead removes a co-host, which then can no longer edit; removing a non-co-host is not_found', () => {
    const id = eventWithOrganisers();
    expect(caught(() => removeCohost(t.db, as.cohost, id, COHOST)).kind).toBe('forbidden');
    const view = removeCohost(t.db, as.lead, id, COHOST);
    expect(view.organisers.map((o) => o.slug)).not.toContain(COHOST);
    expect(caught(() => updateEvent(t.db, as.cohost, id, { title: 'x' })).kind).toBe('not_found');
    expect(caught(() => removeCohost(t.db, as.lead, id, COHOST)).code).toBe('not_cohost');
    expect(caught(() => removeCohost(t.db, as.lead, id, LEAD)).code).toBe('not_cohost');
    expect(caught(() => removeCohost(t.db, as.lead, id, 'no-such-cluster')).code).toBe('not_cohost');
    // Withdrawing an invitation removes it from the invited cluster's list.
    expect(pendingCohostInvitations(t.db, as.invited).map((p) => p.event.id)).toEqual([id]);
    removeCohost(t.db, as.lead, id, INVITED);
    expect(pendingCohostInvitations(t.db, as.invited)).toEqual([]);
    expect(
      auditOf(id)
        .slice(-2)
        .map((e) => [e.action, e.changes]),
    ).toEqual([
      ['cohost_removed', { cohost: [COHOST, null] }],
      ['cohost_removed', { cohost: [INVITED, null] }],
    ]);
  });

  it('invitations to cancelled events are not pending; a participant has none; anonymous must log in', () => {
    const id = eventWithOrganisers();
    publishEvent(t.db, as.lead, id);
    expect(pendingCohostInvitations(t.db, as.invited)).toHaveLength(1);
    cancelEvent(t.db, as.lead, id, 'Inställt');
    expect(pendingCohostInvitations(t.db, as.invited)).toEqual([]);
    expect(pendingCohostInvitations(t.db, as.participant)).toEqual([]);
    expect(caught(() => pendingCohostInvitations(t.db, as.anonymous)).kind).toBe('unauthenticated');
  });

  it('an accepted co-host counts as organiser of the cluster in listings; an invited one does not', () => {
    const id = eventWithOrganisers();
    publishEvent(t.db, as.lead, id);
    expect(listEvents(t.db, null, { cluster: COHOST }).events.map((e) => e.id)).toEqual([id]);
    expect(listEvents(t.db, null, { cluster: INVITED }).events).toEqual([]);
    expect(listEvents(t.db, null, { cluster: DECLINED }).events).toEqual([]);
  });
});

describe('listEvents', () => {
  it('hides drafts from the public list, and lists drafts only to those who may see them', () => {
    const draft = eventWithOrganisers({ title: 'Utkast' });
    const pub = createEvent(t.db, as.lead, input({ title: 'Publicerat' })).event.id;
    publishEvent(t.db, as.lead, pub);
    expect(listEvents(t.db, null, {}).events.map((e) => e.id)).toEqual([pub]);
    expect(listEvents(t.db, as.lead, {}).events.map((e) => e.id)).toEqual([pub]);
    const drafts = (r: Role) => listEvents(t.db, as[r], { status: 'draft' }).events.map((e) => e.id);
    expect(drafts('admin')).toEqual([draft]);
    expect(drafts('lead')).toEqual([draft]);
    expect(drafts('cohost')).toEqual([draft]);
    expect(drafts('invited')).toEqual([draft]);
    expect(drafts('declined')).toEqual([]);
    expect(drafts('unrelated')).toEqual([]);
    expect(drafts('participant')).toEqual([]);
    expect(caught(() => listEvents(t.db, null, { status: 'draft' })).kind).toBe('unauthenticated');
  });

  it('pages through events sharing a start time, each exactly once, in (start, id) order', () => {
    const ids: number[] = [];
    for (let i = 0; i < 9; i++) {
      const start = i < 5 ? '2027-05-14T09:00' : `2027-05-1${i}T09:00`;
      const id = createEvent(t.db, as.lead, input({ title: `E${i}`, start, end: start.replace('09:00', '10:00') })).event.id;
      publishEvent(t.db, as.lead, id);
      ids.push(id);
    }
    for (const limit of [1, 2, 3, 4, 8, 9, 10]) {
      const seen: number[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = listEvents(t.db, null, { limit, cursor });
        expect(page.events.length).toBeLessThanOrEqual(limit);
        seen.push(...page.events.map((e) => e.id));
        cursor = page.nextCursor ?? undefined;
        pages++;
      } while (cursor && pages < 20);
      expect(seen, `limit ${limit}`).toEqual(ids);
      expect(pages).toBe(Math.max(1, Math.ceil(ids.length / limit)));
    }
  });

  it.each([
    'not-a-cursor',
    Buffer.from('1:2:3').toString('base64url'),
    Buffer.from('99999999999999999999:1').toString('base64url'),
    Buffer.from('1:99999999999999999999').toString('base64url'),
    Buffer.from('1e3:1').toString('base64url'),
  ])('refuses the cursor %j', (cursor) => {
    expect(caught(() => listEvents(t.db, null, { cursor })).code).toBe('invalid_cursor');
  });

  it('names an unknown cluster, theme or county filter', () => {
    for (const [field, value] of [
      ['cluster', 'no-such-cluster'],
      ['theme', 'gardening'],
      ['county', 'atlantis'],
    ] as const) {
      const err = caught(() => listEvents(t.db, null, { [field]: value }));
      expect([err.kind, err.code, err.message]).toEqual(['not_found', `unknown_${field}`, `There is no ${field} "${value}"`]);
    }
  });

  it('finds events by words in title and description, with Swedish letters, prefixes and without diacritics', () => {
    const mk = (title: string, description = '') => {
      const id = createEvent(t.db, as.lead, input({ title, description })).event.id;
      publishEvent(t.db, as.lead, id);
      return id;
    };
    const arter = mk('Ärtodling för nybörjare');
    const skog = mk('Skogsbruk', 'Om **kalhyggen** och återväxt');
    const q = (text: string) => listEvents(t.db, null, { q: text }).events.map((e) => e.id);
    expect(q('ärtodling')).toEqual([arter]);
    expect(q('ÄRTODLING')).toEqual([arter]);
    expect(q('artodling')).toEqual([arter]);
    expect(q('ärt')).toEqual([arter]);
    expect(q('nybörj')).toEqual([arter]);
    expect(q('återväxt')).toEqual([skog]);
    expect(q('kalhygge')).toEqual([skog]);
    expect(q('skogsbruk återväxt')).toEqual([skog]);
    expect(q('skogsbruk ärt')).toEqual([]);
    expect(q('potatis')).toEqual([]);
    // The index follows title changes.
    updateEvent(t.db, as.lead, skog, { title: 'Viltvård' });
    expect(q('skogsbruk')).toEqual([]);
    expect(q('viltvård')).toEqual([skog]);
  });

  it.each([
    '"',
    '""',
    '*',
    'ärt*',
    '"ärt',
    'ärt OR skog',
    'NEAR(ärt skog)',
    'NEAR(',
    'ärt AND',
    'NOT ärt',
    '-ärt',
    'title:ärt',
    '^ärt',
    '(ärt',
    'ärt)',
    "'; DROP TABLE events; --",
    '{title}: x',
    '\u0000',
    '🌱',
  ])('takes %j as plain words, never as FTS5 syntax', (text) => {
    const id = createEvent(t.db, as.lead, input({ title: 'Ärtodling' })).event.id;
    publishEvent(t.db, as.lead, id);
    const found = listEvents(t.db, null, { q: text }).events.map((e) => e.id);
    // The title's one token is "artodling": it matches when every word typed is that token,
    // the last one as a prefix of it.
    const fold = (w: string) => w.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
    const words = (text.match(/[\p{L}\p{N}]+/gu) ?? []).map(fold);
    const matches = words.length > 0 && words.every((w, i) => (i === words.length - 1 ? 'artodling'.startsWith(w) : w === 'artodling'));
    expect(found).toEqual(matches ? [id] : []);
    expect(t.db.select().from(events).all()).toHaveLength(1);
  });

  it('an empty search is no text filter', () => {
    const id = createEvent(t.db, as.lead, input()).event.id;
    publishEvent(t.db, as.lead, id);
    expect(listEvents(t.db, null, { q: '' }).events.map((e) => e.id)).toEqual([id]);
    expect(listEvents(t.db, null, { q: '   ' }).events.map((e) => e.id)).toEqual([id]);
  });

  it('ftsQuery quotes every word and makes only the last a prefix', () => {
    expect(ftsQuery('Ärt OR "skog" NEAR(x')).toBe('"Ärt" "OR" "skog" "NEAR" "x"*');
    expect(ftsQuery('"*()')).toBeNull();
    expect(ftsQuery(Array.from({ length: 20 }, (_, i) => `w${i}`).join(' '))!.split(' ')).toHaveLength(12);
  });
});

// ---- Domain events raised by the event service ----

describe('domain events of events and co-hosts', () => {
  const at = new Date('2027-02-01T08:00:00Z');
  const cid = (slug: string) => clusterId(t.db, slug);
  const userOf = (a: Actor | null) => a!.userId;

  it('event.created: once, with the lead, status and no series; not when creating is refused', () => {
    const log = recordEvents('event.created');
    expect(outcome(() => createEvent(t.db, as.unrelated, input(), at))).toBe('forbidden');
    expect(outcome(() => createEvent(t.db, as.lead, input({ end: '2027-05-14T08:00' }), at))).toBe('invalid');
    expect(outcome(() => createEvent(t.db, as.anonymous, input(), at))).toBe('unauthenticated');
    expect(log).toEqual([]);
    const id = createEvent(t.db, as.lead, input(), at).event.id;
    expect(log).toEqual([
      {
        name: 'event.created',
        payload: {
          actorId: userOf(as.lead),
          clusterIds: [cid(LEAD)],
          now: at,
          eventId: id,
          leadClusterId: cid(LEAD),
          status: 'draft',
          seriesId: null,
        },
      },
    ]);
  });

  it('event.updated: the changed fields as audited and who changed them; nothing for a refused or empty patch', () => {
    const id = eventWithOrganisers();
    const log = recordEvents('event.updated', 'event.moved', 'event.capacityChanged');
    expect(outcome(() => updateEvent(t.db, as.invited, id, { title: 'x' }, at))).toBe('forbidden');
    expect(outcome(() => updateEvent(t.db, as.cohost, id, { end: '2027-05-14T08:00' }, at))).toBe('invalid');
    updateEvent(t.db, as.cohost, id, { title: 'Markdagen' }, at);
    expect(log).toEqual([]);
    updateEvent(t.db, as.cohost, id, { title: 'Gemensam markdag', themes: ['krisberedskap', 'kapitalforsorjning'] }, at);
    expect(log).toEqual([
      {
        name: 'event.updated',
        payload: {
          actorId: userOf(as.cohost),
          clusterIds: [cid(LEAD), cid(COHOST)],
          now: at,
          eventId: id,
          changes: { title: ['Markdagen', 'Gemensam markdag'], themes: [expect.any(Array), expect.any(Array)] },
          revision: 0,
          action: 'updated',
        },
      },
    ]);
    const themes = log[0]!.name === 'event.updated' ? log[0]!.payload.changes.themes! : [];
    expect((themes[1] as number[]).length).toBe(2);
  });

  it('event.moved: only for a published event whose time or place changed, after event.updated', () => {
    const id = eventWithOrganisers();
    const log = recordEvents('event.updated', 'event.moved');
    updateEvent(t.db, as.lead, id, { start: '2027-05-15T09:00', end: '2027-05-15T16:00' }, at);
    expect(log.map((e) => e.name)).toEqual(['event.updated']);
    publishEvent(t.db, as.lead, id, at);
    log.length = 0;
    updateEvent(t.db, as.lead, id, { title: 'Bara titeln' }, at);
    expect(log.map((e) => e.name)).toEqual(['event.updated']);
    log.length = 0;
    expect(outcome(() => updateEvent(t.db, as.participant, id, { venueName: 'Ladan' }, at))).toBe('forbidden');
    expect(log).toEqual([]);
    updateEvent(t.db, as.cohost, id, { venueName: 'Ladan', start: '2027-05-16T09:00', end: '2027-05-16T16:00' }, at);
    expect(log.map((e) => e.name)).toEqual(['event.updated', 'event.moved']);
    expect(log[1]).toEqual({
      name: 'event.moved',
      payload: {
        actorId: userOf(as.cohost),
        clusterIds: [cid(LEAD), cid(COHOST)],
        now: at,
        eventId: id,
        fields: ['startsAt', 'endsAt', 'venueName'],
      },
    });
    expect(log[0]!.name === 'event.updated' && log[0]!.payload.revision).toBe(3);
  });

  it('event.capacityChanged: from and to, in any status; not for a refused capacity', () => {
    const id = eventWithOrganisers();
    const log = recordEvents('event.capacityChanged');
    expect(outcome(() => updateEvent(t.db, as.lead, id, { capacity: -1 }, at))).toBe('invalid');
    expect(log).toEqual([]);
    updateEvent(t.db, as.lead, id, { capacity: 12 }, at);
    updateEvent(t.db, as.lead, id, { capacity: null }, at);
    expect(log).toEqual([
      {
        name: 'event.capacityChanged',
        payload: { actorId: userOf(as.lead), clusterIds: [cid(LEAD), cid(COHOST)], now: at, eventId: id, from: null, to: 12 },
      },
      {
        name: 'event.capacityChanged',
        payload: { actorId: userOf(as.lead), clusterIds: [cid(LEAD), cid(COHOST)], now: at, eventId: id, from: 12, to: null },
      },
    ]);
  });

  it('event.published: once; not without a place, not twice, not by an outsider', () => {
    const id = eventWithOrganisers({ venueName: null });
    const log = recordEvents('event.published');
    expect(outcome(() => publishEvent(t.db, as.lead, id, at))).toBe('rule');
    updateEvent(t.db, as.lead, id, { venueName: 'Ladan' }, at);
    expect(outcome(() => publishEvent(t.db, as.invited, id, at))).toBe('forbidden');
    expect(log).toEqual([]);
    publishEvent(t.db, as.cohost, id, at);
    expect(outcome(() => publishEvent(t.db, as.lead, id, at))).toBe('conflict');
    expect(log).toEqual([
      { name: 'event.published', payload: { actorId: userOf(as.cohost), clusterIds: [cid(LEAD), cid(COHOST)], now: at, eventId: id } },
    ]);
  });

  it('event.cancelled: once, with the reason; not without one, not twice, not by an outsider', () => {
    const id = eventWithOrganisers();
    publishEvent(t.db, as.lead, id, at);
    const log = recordEvents('event.cancelled');
    expect(outcome(() => cancelEvent(t.db, as.lead, id, '  ', at))).toBe('invalid');
    expect(outcome(() => cancelEvent(t.db, as.unrelated, id, 'Storm', at))).toBe('forbidden');
    expect(log).toEqual([]);
    cancelEvent(t.db, as.admin, id, ' Storm\növer slätten ', at);
    expect(outcome(() => cancelEvent(t.db, as.lead, id, 'Igen', at))).toBe('conflict');
    expect(log).toEqual([
      {
        name: 'event.cancelled',
        payload: {
          actorId: userOf(as.admin),
          clusterIds: [cid(LEAD), cid(COHOST)],
          now: at,
          eventId: id,
          reason: 'Storm över slätten',
        },
      },
    ]);
  });

  it('event.deleted: raised while the event can still be read; not when deleting is refused', () => {
    const pub = eventWithOrganisers();
    publishEvent(t.db, as.lead, pub, at);
    const draft = eventWithOrganisers({ title: 'Utkastet' });
    const log = recordEvents('event.deleted');
    const stillThere: string[] = [];
    onTestFinished(
      subscribe('event.deleted', (tx, p) => {
        stillThere.push(tx.select().from(events).where(eq(events.id, p.eventId)).get()!.title);
      }),
    );
    expect(outcome(() => deleteEvent(t.db, as.lead, pub, at))).toBe('conflict');
    expect(outcome(() => deleteEvent(t.db, as.invited, draft, at))).toBe('forbidden');
    expect(log).toEqual([]);
    deleteEvent(t.db, as.cohost, draft, at);
    expect(log).toEqual([
      {
        name: 'event.deleted',
        payload: {
          actorId: userOf(as.cohost),
          clusterIds: [cid(LEAD), cid(COHOST)],
          now: at,
          eventId: draft,
          title: 'Utkastet',
          status: 'draft',
        },
      },
    ]);
    expect(stillThere).toEqual(['Utkastet']);
    expect(t.db.select().from(events).where(eq(events.id, draft)).all()).toEqual([]);
  });

  it('a handler that throws on event.deleted keeps the event', () => {
    const draft = eventWithOrganisers();
    onTestFinished(
      subscribe('event.deleted', () => {
        throw new Error('no');
      }),
    );
    const before = snapshot(t.db);
    expect(() => deleteEvent(t.db, as.lead, draft, at)).toThrow('no');
    expect(snapshot(t.db)).toBe(before);
  });

  it('cohost.invited: by the lead, also again after a decline; not a duplicate, an unknown cluster or by a co-host', () => {
    const id = eventWithOrganisers();
    const log = recordEvents('cohost.invited');
    expect(outcome(() => inviteCohost(t.db, as.lead, id, INVITED, at))).toBe('conflict');
    expect(outcome(() => inviteCohost(t.db, as.lead, id, 'no-such-cluster', at))).toBe('invalid');
    expect(outcome(() => inviteCohost(t.db, as.cohost, id, UNRELATED, at))).toBe('forbidden');
    expect(log).toEqual([]);
    inviteCohost(t.db, as.lead, id, UNRELATED, at);
    inviteCohost(t.db, as.admin, id, DECLINED, at);
    const payload = (actor: Actor | null, slug: string) => ({
      actorId: userOf(actor),
      clusterIds: [cid(LEAD), cid(COHOST), cid(slug)],
      now: at,
      eventId: id,
      clusterId: cid(slug),
      leadClusterId: cid(LEAD),
      via: 'invitation',
    });
    expect(log).toEqual([
      { name: 'cohost.invited', payload: payload(as.lead, UNRELATED) },
      { name: 'cohost.invited', payload: payload(as.admin, DECLINED) },
    ]);
  });

  it('cohost.accepted and cohost.declined: once per answer; not a second answer or by another cluster', () => {
    const id = createEvent(t.db, as.lead, input()).event.id;
    for (const c of [INVITED, DECLINED]) inviteCohost(t.db, as.lead, id, c);
    const log = recordEvents('cohost.accepted', 'cohost.declined');
    expect(outcome(() => answerCohostInvitation(t.db, as.lead, id, INVITED, true, at))).toBe('forbidden');
    expect(outcome(() => answerCohostInvitation(t.db, as.unrelated, id, UNRELATED, true, at))).toBe('not_found');
    expect(log).toEqual([]);
    answerCohostInvitation(t.db, as.invited, id, INVITED, true, at);
    answerCohostInvitation(t.db, as.declined, id, DECLINED, false, at);
    expect(outcome(() => answerCohostInvitation(t.db, as.invited, id, INVITED, false, at))).toBe('conflict');
    const step = (actor: Actor | null, clusterIds: number[], slug: string) => ({
      actorId: userOf(actor),
      clusterIds,
      now: at,
      eventId: id,
      clusterId: cid(slug),
      leadClusterId: cid(LEAD),
    });
    expect(log).toEqual([
      { name: 'cohost.accepted', payload: step(as.invited, [cid(LEAD), cid(INVITED)], INVITED) },
      { name: 'cohost.declined', payload: step(as.declined, [cid(LEAD), cid(INVITED), cid(DECLINED)], DECLINED) },
    ]);
  });

  it('cohost.removed: with the status it had (invited: the invitation was withdrawn); not for a non-co-host or by a co-host', () => {
    const id = eventWithOrganisers();
    const log = recordEvents('cohost.removed');
    expect(outcome(() => removeCohost(t.db, as.cohost, id, INVITED, at))).toBe('forbidden');
    expect(outcome(() => removeCohost(t.db, as.lead, id, LEAD, at))).toBe('not_found');
    expect(log).toEqual([]);
    removeCohost(t.db, as.lead, id, COHOST, at);
    removeCohost(t.db, as.lead, id, INVITED, at);
    const removed = (slug: string, previousStatus: string) => ({
      name: 'cohost.removed',
      payload: {
        actorId: userOf(as.lead),
        clusterIds: [cid(LEAD), cid(slug)],
        now: at,
        eventId: id,
        clusterId: cid(slug),
        leadClusterId: cid(LEAD),
        previousStatus,
      },
    });
    expect(log).toEqual([removed(COHOST, 'accepted'), removed(INVITED, 'invited')]);
  });
});

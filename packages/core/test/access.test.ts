import { users } from '@samverka/db';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  actsFor,
  actsForAny,
  actsForNetwork,
  assertActsFor,
  assertAdmin,
  assertCanCoordinate,
  assertCanEditCluster,
  canCoordinate,
  canEditCluster,
  canManageUsers,
  clustersActedFor,
  coordinatedClusters,
  isCoordinatorOf,
  loadActor,
  requireActor,
  rolesOf,
  type Actor,
} from '../src/access.ts';
import { getCluster, updateClusterProfile } from '../src/clusters-service.ts';
import { DomainError } from '../src/errors.ts';
import {
  answerCohostInvitation,
  cancelEvent,
  createEvent,
  deleteEvent,
  eventAuditLog,
  getEvent,
  inviteCohost,
  listEvents,
  pendingCohostInvitations,
  publishEvent,
  removeCohost,
  updateEvent,
} from '../src/events/event-service.ts';
import type { Event as EventView } from '@samverka/contracts';
import {
  createHorizonItem,
  deleteHorizonItem,
  getHorizonItem,
  updateHorizonItem,
  type HorizonInput,
} from '../src/horizon/horizon-service.ts';
import { sendAnnouncement, shareAnnouncement } from '../src/mailings/announcement-service.ts';
import { createNewsletter } from '../src/mailings/newsletter-service.ts';
import { listOutbox } from '../src/outbox/outbox.ts';
import { commentOnProposal, createProposal } from '../src/proposals/proposal-service.ts';
import { listAttendees, register } from '../src/registrations/registration-service.ts';
import { buildReport } from '../src/reports/report-service.ts';
import { getMe, inviteUser, listUsers, setAdmin, setCoordinator } from '../src/users-service.ts';
import { actorsFor, clusterId, freshDb, insertUser, type RoleName, type TestDb } from '../../../tests/support/fixtures.ts';
import { caught, outcome } from './helpers.ts';

const OWN = 'agro-orebro';
const OTHER = 'agro-vast';

let t: TestDb;
let actors: Record<RoleName, Actor | null>;
let ownId: number;

beforeAll(() => {
  t = freshDb();
  actors = actorsFor(t.db, OWN, OTHER);
  ownId = clusterId(t.db, OWN);
});
afterAll(() => t.dispose());

/** Runs fn and returns the DomainError kind it threw, or 'allowed'. */
async function outcomeAsync(fn: () => Promise<unknown>): Promise<string> {
  try {
    await fn();
    return 'allowed';
  } catch (err) {
    if (err instanceof DomainError) return err.kind;
    throw err;
  }
}

describe('cluster editing', () => {
  const expected: Record<RoleName, { can: boolean; assert: string }> = {
    admin: { can: true, assert: 'allowed' },
    'own coordinator': { can: true, assert: 'allowed' },
    'other coordinator': { can: false, assert: 'forbidden' },
    participant: { can: false, assert: 'forbidden' },
    anonymous: { can: false, assert: 'unauthenticated' },
  };

  for (const [role, exp] of Object.entries(expected) as [RoleName, (typeof expected)[RoleName]][]) {
    it(`canEditCluster / assertCanEditCluster: ${role} → ${exp.assert}`, () => {
      expect(canEditCluster(actors[role], ownId)).toBe(exp.can);
      expect(outcome(() => assertCanEditCluster(actors[role], ownId))).toBe(exp.assert);
    });

    it(`updateClusterProfile: ${role} → ${exp.assert}, and the row changes only when allowed`, () => {
      const before = getCluster(t.db, OWN).summary;
      const summary = `Edited by ${role}`;
      expect(outcome(() => updateClusterProfile(t.db, actors[role], OWN, { summary }))).toBe(exp.assert);
      expect(getCluster(t.db, OWN).summary).toBe(exp.can ? summary : before);
    });

    it(`getCluster reports canEdit=${exp.can} to ${role}`, () => {
      expect(getCluster(t.db, OWN, actors[role]).canEdit).toBe(exp.can);
    });
  }

  it('a coordinator of two clusters may edit both and no third', () => {
    const a = loadActor(t.db, insertUser(t.db, { coordinatorOf: [OWN, OTHER] }))!;
    expect(canEditCluster(a, ownId)).toBe(true);
    expect(canEditCluster(a, clusterId(t.db, OTHER))).toBe(true);
    expect(canEditCluster(a, clusterId(t.db, 'froda'))).toBe(false);
  });
});

describe('admin-only actions', () => {
  const expected: Record<RoleName, string> = {
    admin: 'allowed',
    'own coordinator': 'forbidden',
    'other coordinator': 'forbidden',
    participant: 'forbidden',
    anonymous: 'unauthenticated',
  };

  for (const [role, exp] of Object.entries(expected) as [RoleName, string][]) {
    it(`canManageUsers / assertAdmin: ${role} → ${exp}`, () => {
      expect(canManageUsers(actors[role])).toBe(exp === 'allowed');
      expect(outcome(() => assertAdmin(actors[role]))).toBe(exp);
    });

    it(`listUsers, listOutbox: ${role} → ${exp}`, () => {
      expect(outcome(() => listUsers(t.db, actors[role]))).toBe(exp);
      expect(outcome(() => listOutbox(t.db, actors[role]))).toBe(exp);
    });

    it(`inviteUser: ${role} → ${exp}, and a user is created only when allowed`, () => {
      const email = `invited-by-${role.replace(' ', '-')}@example.se`;
      expect(outcome(() => inviteUser(t.db, actors[role], { email, name: 'Invited' }, (tok) => `http://x/${tok}`))).toBe(exp);
      expect(!!t.db.select().from(users).where(eq(users.email, email)).get()).toBe(exp === 'allowed');
    });

    it(`setCoordinator and setAdmin on another user: ${role} → ${exp}`, () => {
      const target = insertUser(t.db);
      expect(outcome(() => setCoordinator(t.db, actors[role], target, OTHER, true))).toBe(exp);
      expect(loadActor(t.db, target)!.coordinatorOf).toEqual(exp === 'allowed' ? [clusterId(t.db, OTHER)] : []);
      expect(outcome(() => setAdmin(t.db, actors[role], target, true))).toBe(exp);
      expect(loadActor(t.db, target)!.isAdmin).toBe(exp === 'allowed');
    });
  }

  it('a coordinator cannot make themselves admin', async () => {
    const me = actors['own coordinator']!;
    expect(await outcomeAsync(async () => setAdmin(t.db, me, me.userId, true))).toBe('forbidden');
    expect(loadActor(t.db, me.userId)!.isAdmin).toBe(false);
  });
});

describe('actors and roles', () => {
  it('requireActor refuses nobody with an unauthenticated error and passes an actor through', () => {
    expect(outcome(() => requireActor(null))).toBe('unauthenticated');
    expect(requireActor(actors.participant)).toBe(actors.participant);
  });

  it('isCoordinatorOf is true only for the clusters the actor coordinates', () => {
    expect(isCoordinatorOf(actors['own coordinator'], ownId)).toBe(true);
    expect(isCoordinatorOf(actors['other coordinator'], ownId)).toBe(false);
    expect(isCoordinatorOf(actors.admin, ownId)).toBe(false);
    expect(isCoordinatorOf(null, ownId)).toBe(false);
  });

  it('rolesOf names every role the actor holds, participant only when there is no other', () => {
    expect(rolesOf(actors.admin!)).toEqual(['admin']);
    expect(rolesOf(actors['own coordinator']!)).toEqual(['coordinator']);
    expect(rolesOf(actors.participant!)).toEqual(['participant']);
    expect(rolesOf({ userId: 1, isAdmin: true, coordinatorOf: [ownId] })).toEqual(['admin', 'coordinator']);
  });

  it('loadActor reads the admin flag and coordinator clusters, and returns null for unknown or disabled users', () => {
    const id = insertUser(t.db, { coordinatorOf: [OWN] });
    expect(loadActor(t.db, id)).toEqual({ userId: id, isAdmin: false, coordinatorOf: [ownId] });
    expect(loadActor(t.db, 987_654)).toBeNull();
    const disabled = insertUser(t.db, { isAdmin: true, disabledAt: new Date() });
    expect(loadActor(t.db, disabled)).toBeNull();
  });
});

// ---- The vocabulary every service uses ----

describe('the access vocabulary', () => {
  const ROLES: RoleName[] = ['admin', 'own coordinator', 'other coordinator', 'participant', 'anonymous'];
  //                     actsFor(own) actsFor(other) network (secretariat) canCoordinate
  const table: Record<RoleName, [boolean, boolean, boolean, boolean]> = {
    admin: [true, true, true, true],
    'own coordinator': [true, false, false, true],
    'other coordinator': [false, true, false, true],
    participant: [false, false, false, false],
    anonymous: [false, false, false, false],
  };
  const refusal = (role: RoleName) => (role === 'anonymous' ? 'unauthenticated' : 'forbidden');

  for (const role of ROLES) {
    const [own, other, network, coordinate] = table[role];

    it(`actsFor / assertActsFor: ${role} acts for own=${own}, other=${other}, the secretariat (null)=${network}`, () => {
      const a = actors[role];
      const otherId = clusterId(t.db, OTHER);
      expect(actsFor(a, ownId)).toBe(own);
      expect(actsFor(a, otherId)).toBe(other);
      expect(actsFor(a, null)).toBe(network);
      expect(actsForNetwork(a)).toBe(network);
      expect(outcome(() => assertActsFor(a, ownId))).toBe(own ? 'allowed' : refusal(role));
      expect(outcome(() => assertActsFor(a, null))).toBe(network ? 'allowed' : refusal(role));
    });

    it(`actsForAny / clustersActedFor: ${role}`, () => {
      const a = actors[role];
      const otherId = clusterId(t.db, OTHER);
      const froda = clusterId(t.db, 'froda');
      const expected = [...(own ? [ownId] : []), ...(other ? [otherId] : []), ...(network ? [froda] : [])];
      expect(clustersActedFor(a, [ownId, otherId, froda])).toEqual(expected);
      expect(clustersActedFor(a, [{ clusterId: ownId }, { clusterId: froda }])).toEqual(
        [ownId, froda].filter((id) => expected.includes(id)).map((id) => ({ clusterId: id })),
      );
      expect(actsForAny(a, [ownId, otherId, froda])).toBe(expected.length > 0);
      // Only an admin acts for an empty set: an event without organisers is theirs alone.
      expect(actsForAny(a, [])).toBe(network);
    });

    it(`canCoordinate / assertCanCoordinate: ${role} → ${coordinate}`, () => {
      expect(canCoordinate(actors[role])).toBe(coordinate);
      expect(outcome(() => assertCanCoordinate(actors[role]))).toBe(coordinate ? 'allowed' : refusal(role));
    });
  }

  it('assertActsFor and assertCanCoordinate refuse with the message the service gives', () => {
    const err = caught(() => assertActsFor(actors.participant, ownId, 'You can only answer for a cluster you coordinate'));
    expect([err.kind, err.code, err.message]).toEqual(['forbidden', 'forbidden', 'You can only answer for a cluster you coordinate']);
    const none = caught(() => assertCanCoordinate(actors.participant, 'Reports are for the secretariat and cluster coordinators'));
    expect([none.kind, none.code, none.message]).toEqual([
      'forbidden',
      'forbidden',
      'Reports are for the secretariat and cluster coordinators',
    ]);
    expect(caught(() => assertActsFor(null, ownId)).code).toBe('login_required');
  });

  it('coordinatedClusters lists only the clusters coordinated in person: an admin acts for all but coordinates none', () => {
    expect(coordinatedClusters(actors['own coordinator'])).toEqual([ownId]);
    expect(coordinatedClusters(actors.admin)).toEqual([]);
    expect(coordinatedClusters(actors.participant)).toEqual([]);
    expect(coordinatedClusters(null)).toEqual([]);
  });
});

// ---- Permission flags in the views: each is true exactly when the action it stands for is allowed ----

const COHOST = 'froda';
const INVITED = 'vreta-kluster';
const DECLINED = 'grona-navet';
/** Every cluster an organiser list can name here, plus one that has nothing to do with the event. */
const EVENT_CLUSTERS = [OWN, COHOST, INVITED, DECLINED, OTHER];

type EventRole =
  | 'anonymous'
  | 'participant'
  | 'other coordinator'
  | 'invited co-host'
  | 'co-host coordinator'
  | 'lead coordinator'
  | 'admin';
const EVENT_ROLES: EventRole[] = [
  'anonymous',
  'participant',
  'other coordinator',
  'invited co-host',
  'co-host coordinator',
  'lead coordinator',
  'admin',
];
type State = 'draft' | 'published' | 'cancelled';
const STATES: State[] = ['draft', 'published', 'cancelled'];

describe('permission flags of the event view', () => {
  let who: Record<EventRole, Actor | null>;
  let allClusters: string[];

  beforeAll(() => {
    const load = (o: Parameters<typeof insertUser>[1]) => loadActor(t.db, insertUser(t.db, o))!;
    who = {
      anonymous: null,
      participant: actors.participant,
      'other coordinator': actors['other coordinator'],
      'invited co-host': load({ coordinatorOf: [INVITED] }),
      'co-host coordinator': load({ coordinatorOf: [COHOST] }),
      'lead coordinator': actors['own coordinator'],
      admin: actors.admin,
    };
    allClusters = getMe(t.db, actors.admin).actsFor.map((c) => c.slug);
    expect(allClusters).toHaveLength(18);
  });

  /** An event led by OWN, with COHOST accepted, INVITED invited and DECLINED declined, in the given state. */
  function eventIn(state: State, title = 'Flaggdagen'): number {
    const lead = who['lead coordinator'];
    const id = createEvent(t.db, lead, {
      leadCluster: OWN,
      title,
      kind: 'workshop',
      themes: ['krisberedskap'],
      start: '2031-05-14T09:00',
      end: '2031-05-14T16:00',
      venueName: 'Lantbruksskolan',
    }).event.id;
    for (const c of [COHOST, INVITED, DECLINED]) inviteCohost(t.db, lead, id, c);
    answerCohostInvitation(t.db, who['co-host coordinator'], id, COHOST, true);
    answerCohostInvitation(t.db, who.admin, id, DECLINED, false);
    if (state !== 'draft') publishEvent(t.db, lead, id);
    if (state === 'cancelled') cancelEvent(t.db, lead, id, 'Sjukdom');
    return id;
  }

  /** The view the role gets, or null where the draft is not acknowledged to them (then every flag is off). */
  function viewFor(role: EventRole, id: number): EventView | null {
    try {
      return getEvent(t.db, who[role], id);
    } catch (err) {
      if (err instanceof DomainError && err.kind === 'not_found') return null;
      throw err;
    }
  }

  type BooleanFlag = 'canEdit' | 'canInvite' | 'canUpdate' | 'canPublish' | 'canCancel' | 'canDelete' | 'canSeeAttendees';
  const actions: [BooleanFlag, string, (a: Actor | null, id: number) => unknown][] = [
    ['canEdit', 'eventAuditLog', (a, id) => eventAuditLog(t.db, a, id)],
    ['canInvite', 'removeCohost', (a, id) => removeCohost(t.db, a, id, COHOST)],
    ['canUpdate', 'updateEvent', (a, id) => updateEvent(t.db, a, id, { title: 'Flaggdagen, ny titel' })],
    ['canPublish', 'publishEvent', (a, id) => publishEvent(t.db, a, id)],
    ['canCancel', 'cancelEvent', (a, id) => cancelEvent(t.db, a, id, 'Sjukdom')],
    ['canDelete', 'deleteEvent', (a, id) => deleteEvent(t.db, a, id)],
    ['canSeeAttendees', 'listAttendees', (a, id) => listAttendees(t.db, a, id)],
  ];

  for (const [flag, name, act] of actions) {
    describe(`${flag} is true exactly when ${name} is allowed`, () => {
      for (const state of STATES) {
        it.each(EVENT_ROLES)(`on a ${state} event: %s`, (role) => {
          const id = eventIn(state);
          const shown = viewFor(role, id)?.[flag] ?? false;
          expect(outcome(() => act(who[role], id)) === 'allowed').toBe(shown);
        });
      }
    });
  }

  it('the flags differ by role as the rules say (a spot check of the table above)', () => {
    const draft = eventIn('draft');
    const published = eventIn('published');
    const flags = (role: EventRole, id: number) => {
      const v = viewFor(role, id);
      return v && [v.canUpdate, v.canPublish, v.canCancel, v.canDelete, v.canSeeAttendees];
    };
    // A draft is deleted, not cancelled (issue 12): no canCancel.
    expect(flags('lead coordinator', draft)).toEqual([true, true, false, true, true]);
    expect(flags('co-host coordinator', published)).toEqual([true, false, true, false, true]);
    expect(flags('admin', published)).toEqual([true, false, true, true, true]);
    expect(flags('invited co-host', draft)).toEqual([false, false, false, false, false]);
    expect(flags('other coordinator', draft)).toBeNull();
    expect(flags('participant', published)).toEqual([false, false, false, false, false]);
  });

  describe('canDelete is false on a published event with registrations, as deleteEvent refuses it (409 has_registrations)', () => {
    /** A published event of the same organisers that one person registered for. */
    function registeredEvent(): number {
      const id = eventIn('draft', 'Flaggdagen med anmälda');
      updateEvent(t.db, who['lead coordinator'], id, { registrationEnabled: true });
      publishEvent(t.db, who['lead coordinator'], id);
      register(t.db, id, { name: 'Anna Anmäld', email: `anna-${id}@example.se`, organisation: 'Gården', consent: true });
      return id;
    }

    it.each(EVENT_ROLES)('%s: no delete button the server refuses', (role) => {
      const id = registeredEvent();
      const shown = viewFor(role, id)?.canDelete ?? false;
      expect(shown).toBe(false);
      expect(outcome(() => deleteEvent(t.db, who[role], id))).not.toBe('allowed');
      expect(getEvent(t.db, who.admin, id).status).toBe('published');
    });

    it('the list view says the same, and an admin may delete once the event is cancelled', () => {
      const id = registeredEvent();
      const listed = () => listEvents(t.db, who.admin, { q: 'anmälda' }).events.find((e) => e.id === id);
      expect(listed()?.canDelete).toBe(false);
      expect(caught(() => deleteEvent(t.db, who.admin, id)).code).toBe('has_registrations');
      cancelEvent(t.db, who['lead coordinator'], id, 'Sjukdom');
      expect(listed()?.canDelete).toBe(true);
      expect(getEvent(t.db, who.admin, id).canDelete).toBe(true);
      deleteEvent(t.db, who.admin, id);
      expect(listed()).toBeUndefined();
    });
  });

  describe('canAnswerAs names exactly the clusters answerCohostInvitation takes', () => {
    for (const state of ['draft', 'published'] as const) {
      it.each(EVENT_ROLES)(`on a ${state} event: %s`, (role) => {
        const id = eventIn(state);
        const shown = (viewFor(role, id)?.canAnswerAs ?? []).map((c) => c.slug);
        const allowed = EVENT_CLUSTERS.filter((c) => outcome(() => answerCohostInvitation(t.db, who[role], id, c, true)) === 'allowed');
        expect(shown).toEqual(allowed);
        expect(allowed).toEqual(role === 'invited co-host' || role === 'admin' ? [INVITED] : []);
      });
    }

    it('a cancelled event offers no invitation to answer, as the list of pending invitations leaves it out', () => {
      const id = eventIn('cancelled');
      for (const role of EVENT_ROLES) expect(viewFor(role, id)?.canAnswerAs ?? [], role).toEqual([]);
      expect(pendingCohostInvitations(t.db, who['invited co-host']).map((p) => p.event.id)).not.toContain(id);
    });
  });

  describe('inviteOptions names exactly the clusters inviteCohost takes', () => {
    for (const state of STATES) {
      it.each(EVENT_ROLES)(`on a ${state} event: %s`, (role) => {
        const id = eventIn(state);
        const shown = (viewFor(role, id)?.inviteOptions ?? []).map((c) => c.slug);
        const allowed = allClusters.filter((c) => outcome(() => inviteCohost(t.db, who[role], id, c)) === 'allowed');
        expect([...shown].sort()).toEqual([...allowed].sort());
        const inviting = state !== 'cancelled' && (role === 'lead coordinator' || role === 'admin');
        // Every cluster but the lead, the accepted and the invited co-host; the one that declined may be asked again.
        expect(allowed.length).toBe(inviting ? 15 : 0);
        if (inviting) expect(shown).toContain(DECLINED);
      });
    }

    it('lists the options in Swedish name order, and lists of events leave them out', () => {
      const id = eventIn('published', 'Listflaggan');
      const full = getEvent(t.db, who['lead coordinator'], id);
      const names = full.inviteOptions.map((c) => c.name);
      expect(names).toEqual([...names].sort(new Intl.Collator('sv').compare));
      const listed = listEvents(t.db, who['lead coordinator'], { q: 'Listflaggan' }).events;
      expect(listed.map((e) => e.id)).toEqual([id]);
      // The list carries every other flag as the single view does.
      const { inviteOptions, descriptionHtml: _listHtml, ...listedRest } = listed[0]!;
      const { inviteOptions: fullOptions, descriptionHtml: _fullHtml, ...fullRest } = full;
      expect(inviteOptions).toEqual([]);
      expect(fullOptions.length).toBeGreaterThan(0);
      expect(listedRest).toEqual(fullRest);
      expect(listedRest.canInvite).toBe(true);
    });
  });

  describe('announceAs names exactly the clusters sendAnnouncement and shareAnnouncement take', () => {
    for (const state of STATES) {
      it.each(EVENT_ROLES)(`on a ${state} event: %s`, (role) => {
        const id = eventIn(state);
        const shown = (viewFor(role, id)?.announceAs ?? []).map((c) => c.slug);
        const sends = EVENT_CLUSTERS.filter((c) => outcome(() => sendAnnouncement(t.db, who[role], id, c)) === 'allowed');
        const shares = EVENT_CLUSTERS.filter(
          (c) => outcome(() => shareAnnouncement(t.db, who[role], id, c, ['gront-center'])) === 'allowed',
        );
        expect(shown).toEqual(sends);
        expect(shown).toEqual(shares);
        const expected =
          state !== 'published'
            ? []
            : role === 'admin'
              ? [OWN, COHOST]
              : role === 'lead coordinator'
                ? [OWN]
                : role === 'co-host coordinator'
                  ? [COHOST]
                  : [];
        expect(sends).toEqual(expected);
      });
    }
  });
});

describe('permission flags of the user view (GET /api/me)', () => {
  const ROLES: RoleName[] = ['admin', 'own coordinator', 'other coordinator', 'participant', 'anonymous'];
  /** Nobody has no user view: every flag is off. */
  const me = (role: RoleName) => (actors[role] ? getMe(t.db, actors[role]) : null);

  for (const role of ROLES) {
    it(`canCoordinate for ${role} is true exactly when reports, proposal comments and newsletters are allowed`, () => {
      const shown = me(role)?.canCoordinate ?? false;
      const expected = shown ? 'allowed' : role === 'anonymous' ? 'unauthenticated' : 'forbidden';
      expect(outcome(() => buildReport(t.db, actors[role], '2030-01-01', '2030-12-31'))).toBe(expected);
      const proposal = createProposal(t.db, actors.admin, {
        cluster: 'froda',
        title: 'Workshop om beredskap',
        abstract: 'En dag om livsmedelsberedskap.',
        themes: ['krisberedskap'],
        format: 'Halvdag',
        audience: 'Lantbrukare',
        preferredFrom: '2031-03-01',
        preferredTo: '2031-04-30',
      });
      expect(outcome(() => commentOnProposal(t.db, actors[role], proposal.id, 'Vi är intresserade.'))).toBe(expected);
      expect(shown).toBe(role !== 'participant' && role !== 'anonymous');
    });

    it(`actsFor for ${role} names exactly the clusters createEvent takes as lead`, () => {
      const shown = (me(role)?.actsFor ?? []).map((c) => c.slug);
      const all = getMe(t.db, actors.admin).actsFor.map((c) => c.slug);
      const allowed = all.filter(
        (c) =>
          outcome(() =>
            createEvent(t.db, actors[role], {
              leadCluster: c,
              title: 'Ett möte',
              kind: 'network_meeting',
              themes: ['krisberedskap'],
              start: '2031-09-01T10:00',
              end: '2031-09-01T12:00',
            }),
          ) === 'allowed',
      );
      expect([...shown].sort()).toEqual([...allowed].sort());
      expect(allowed.length).toBe({ admin: 18, 'own coordinator': 1, 'other coordinator': 1, participant: 0, anonymous: 0 }[role]);
    });

    it(`actsForNetwork for ${role} is true exactly when posting under no cluster (the secretariat) is allowed`, () => {
      const shown = me(role)?.actsForNetwork ?? false;
      const item = {
        title: 'Utlysning',
        summary: 'Stöd till projekt.',
        source: 'Jordbruksverket',
        themes: ['krisberedskap'],
        cluster: null,
      };
      const newsletter = { subject: 'Nytt från nätverket', body: 'Hej!', themes: [], clusters: [], cluster: null };
      expect(outcome(() => createHorizonItem(t.db, actors[role], item)) === 'allowed').toBe(shown);
      expect(outcome(() => createNewsletter(t.db, actors[role], newsletter)) === 'allowed').toBe(shown);
      expect(shown).toBe(role === 'admin');
    });
  }
});

describe('permission flags of the horizon item view', () => {
  const ROLES: RoleName[] = ['admin', 'own coordinator', 'other coordinator', 'participant', 'anonymous'];
  const input = (cluster: string | null): HorizonInput => ({
    title: 'Utlysning: innovationsstöd',
    summary: 'Stöd till projekt som stärker beredskapen.',
    source: 'Jordbruksverket',
    themes: ['krisberedskap'],
    cluster,
  });
  /** An item posted for OWN by a colleague of the own coordinator, or one the secretariat posted. */
  const posted = (by: 'cluster' | 'secretariat') =>
    by === 'cluster'
      ? createHorizonItem(t.db, loadActor(t.db, insertUser(t.db, { coordinatorOf: [OWN] })), input(OWN)).id
      : createHorizonItem(t.db, actors.admin, input(null)).id;

  for (const by of ['cluster', 'secretariat'] as const) {
    for (const role of ROLES) {
      it(`an item of the ${by}: canEdit and canDelete for ${role} match updateHorizonItem and deleteHorizonItem`, () => {
        const id = posted(by);
        const v = getHorizonItem(t.db, actors[role], id);
        expect(outcome(() => updateHorizonItem(t.db, actors[role], id, input(by === 'cluster' ? OWN : null))) === 'allowed').toBe(
          v.canEdit,
        );
        expect(outcome(() => deleteHorizonItem(t.db, actors[role], id)) === 'allowed').toBe(v.canDelete);
        expect(v.canDelete).toBe(role === 'admin' || (by === 'cluster' && role === 'own coordinator'));
      });
    }
  }
});

import { users } from '@samverka/db';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  assertAdmin,
  assertCanEditCluster,
  canEditCluster,
  canManageUsers,
  isCoordinatorOf,
  loadActor,
  requireActor,
  rolesOf,
  type Actor,
} from '../src/access.ts';
import { getCluster, updateClusterProfile } from '../src/clusters-service.ts';
import { DomainError } from '../src/errors.ts';
import { listOutbox } from '../src/outbox/outbox.ts';
import { inviteUser, listUsers, setAdmin, setCoordinator } from '../src/users-service.ts';
import { actorsFor, clusterId, freshDb, insertUser, type RoleName, type TestDb } from '../../../tests/support/fixtures.ts';
import { outcome } from './helpers.ts';

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

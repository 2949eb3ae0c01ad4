import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Actor } from '../src/access.ts';
import { commentOnHorizonItem, createHorizonItem, getHorizonItem } from '../src/horizon/horizon-service.ts';
import { freshDb, insertActor, type TestDb } from '../../../tests/support/fixtures.ts';

const NOW = new Date('2030-01-10T09:00:00Z');
let t: TestDb;
let coordinator: Actor;
beforeEach(() => {
  t = freshDb();
  coordinator = insertActor(t.db, { coordinatorOf: ['agro-orebro'], name: 'Olga Own' });
});
afterEach(() => t.dispose());

describe('horizon comments are the coordinators’ own', () => {
  it('coordinators and admins read them; visitors and participants see the item without them', () => {
    const v = createHorizonItem(
      t.db,
      coordinator,
      { title: 'Utlysning', summary: 'Pengar att söka.', source: 'Vinnova', themes: ['kapitalforsorjning'], cluster: 'agro-orebro' },
      NOW,
    );
    commentOnHorizonItem(t.db, coordinator, v.id, 'Vi söker tillsammans.', NOW);
    const other = insertActor(t.db, { coordinatorOf: ['froda'] });
    const admin = insertActor(t.db, { isAdmin: true });
    for (const reader of [coordinator, other, admin])
      expect(getHorizonItem(t.db, reader, v.id).comments.map((c) => [c.author, c.body])).toEqual([['Olga Own', 'Vi söker tillsammans.']]);
    for (const reader of [null, insertActor(t.db)]) {
      const seen = getHorizonItem(t.db, reader, v.id);
      expect(seen.title).toBe('Utlysning');
      expect(seen.comments).toEqual([]);
    }
  });
});

import { reportMonths } from '@samverka/db';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Actor } from '../src/access.ts';
import type { EventInput } from '../src/events/event-input.ts';
import {
  answerCohostInvitation,
  cancelEvent,
  createEvent,
  deleteEvent,
  inviteCohost,
  publishEvent,
  removeCohost,
  updateEvent,
} from '../src/events/event-service.ts';
import { cancelRegistration, deletePersonalData, register, setCheckIn } from '../src/registrations/registration-service.ts';
import { sendDueSurveys } from '../src/knowledge/feedback-service.ts';
import { buildReport } from '../src/reports/report-service.ts';
import { freshDb, insertActor, type TestDb } from '../../../tests/support/fixtures.ts';

const ORG = 'agro-orebro';
const COHOST = 'froda';
const NOW = new Date('2030-01-10T10:00:00Z');

let t: TestDb;
let admin: Actor;
let org: Actor;
let cohost: Actor;

beforeEach(() => {
  t = freshDb();
  admin = insertActor(t.db, { isAdmin: true });
  org = insertActor(t.db, { coordinatorOf: [ORG] });
  cohost = insertActor(t.db, { coordinatorOf: [COHOST] });
});
afterEach(() => t.dispose());

function event(input: Partial<EventInput> & { title: string; start: string; end: string }): number {
  const id = createEvent(
    t.db,
    org,
    { kind: 'workshop', themes: ['krisberedskap'], venueName: 'Gården', leadCluster: ORG, ...input } as EventInput,
    NOW,
  ).event.id;
  publishEvent(t.db, org, id, NOW);
  return id;
}

let n = 0;
function registrant(eventId: number, over: { cluster?: string | null; county?: string | null } = {}) {
  n++;
  const r = register(
    t.db,
    eventId,
    { name: `Deltagare ${n}`, email: `d${n}@example.se`, organisation: 'Gården AB', consent: true, ...over },
    NOW,
  );
  return { id: r.registration.id, token: r.token as string };
}

/** The kept rows as they stand, by month. */
const keptRows = () =>
  Object.fromEntries(
    t.db
      .select()
      .from(reportMonths)
      .all()
      .map((r) => [r.period, JSON.parse(r.figures) as unknown]),
  );

/** The report with every month counted from the events themselves: no kept row is read. */
function fromScratch(from: string, to: string) {
  t.db.delete(reportMonths).run();
  return buildReport(t.db, admin, from, to);
}

describe('report_months', () => {
  it('after every kind of write, the kept months and the report equal a count from scratch', () => {
    const a = event({
      title: 'A',
      themes: ['krisberedskap', 'kapitalforsorjning'],
      start: '2030-03-10T09:00',
      end: '2030-03-10T12:00',
      capacity: 3,
    });
    const b = event({ title: 'B', kind: 'webinar', start: '2030-04-15T13:00', end: '2030-04-15T14:00' });
    const c = event({ title: 'C', start: '2030-05-02T09:00', end: '2030-05-02T10:00' });
    const f = event({ title: 'F', start: '2030-02-20T09:00', end: '2030-02-20T10:00' });
    const r1 = registrant(a, { cluster: COHOST, county: 'dalarnas-lan' });
    const r2 = registrant(a, { cluster: ORG });
    registrant(a);
    registrant(a, { cluster: COHOST }); // waiting list
    const r5 = registrant(b, { county: 'orebro-lan' });
    registrant(c, { cluster: COHOST });
    // Whole months (March–June) kept, and the days of the partial months at the edges.
    const days = (month: string, first: number, last: number) =>
      Array.from({ length: last - first + 1 }, (_, i) => `${month}-${String(first + i).padStart(2, '0')}`);
    const periods = [...days('2030-02', 15, 28), '2030-03', '2030-04', '2030-05', '2030-06', ...days('2030-07', 1, 9)];
    let e = 0;
    const period = ['2030-02-15', '2030-07-10'] as const;
    const writes: [string, () => void][] = [
      ['check-in', () => setCheckIn(t.db, org, a, r1.id, true, NOW)],
      [
        'co-host accepted',
        () => {
          inviteCohost(t.db, org, b, COHOST, NOW);
          answerCohostInvitation(t.db, cohost, b, COHOST, true, NOW);
        },
      ],
      ['time moved to another month', () => updateEvent(t.db, org, b, { start: '2030-06-03T09:00', end: '2030-06-03T10:00' }, NOW)],
      ['kind and themes changed', () => updateEvent(t.db, org, a, { kind: 'conference', themes: ['omvarldsbevakning'] }, NOW)],
      ['co-host removed', () => removeCohost(t.db, org, b, COHOST, NOW)],
      ['registration cancelled (the waiting list moves up)', () => cancelRegistration(t.db, r2.token, NOW)],
      ['personal data erased', () => deletePersonalData(t.db, r5.token, NOW)],
      ['survey sent', () => expect(sendDueSurveys(t.db, new Date('2030-03-12T10:00:00Z'))).toBeGreaterThan(0)],
      ['registration on a kept day', () => registrant(f, { county: 'orebro-lan' })],
      [
        'time moved into a day of a partial month',
        () => updateEvent(t.db, org, c, { start: '2030-07-05T09:00', end: '2030-07-05T10:00' }, NOW),
      ],
      ['event cancelled', () => cancelEvent(t.db, org, c, 'Sjuk', NOW)],
      [
        'new events',
        () => {
          event({ title: 'D', start: '2030-03-31T23:30', end: '2030-04-01T01:00' });
          e = event({ title: 'E', start: '2030-06-20T09:00', end: '2030-06-20T10:00' });
        },
      ],
      ['event deleted', () => deleteEvent(t.db, admin, e, NOW)],
    ];
    for (const [what, write] of writes) {
      const before = buildReport(t.db, admin, ...period);
      write();
      const kept = buildReport(t.db, admin, ...period);
      const rows = keptRows();
      const scratch = fromScratch(...period);
      expect(kept, what).toEqual(scratch);
      expect(rows, what).toEqual(keptRows());
      expect(Object.keys(rows).sort(), what).toEqual(periods);
      // Each write changes what the report shows, so a missed deletion of a kept month would show.
      expect(kept, what).not.toEqual(before);
    }
  });

  it('a kept month is read, not counted again: a row written by hand shows in the report', () => {
    event({ title: 'A', start: '2030-03-10T09:00', end: '2030-03-10T12:00' });
    expect(buildReport(t.db, admin, '2030-03-01', '2030-04-01').events.total).toBe(1);
    const row = t.db.select().from(reportMonths).get();
    expect(row?.period).toBe('2030-03');
    const figures = JSON.parse(row?.figures ?? '{}') as { kinds: { n: number }[] };
    figures.kinds[0]!.n = 7;
    t.db
      .update(reportMonths)
      .set({ figures: JSON.stringify(figures) })
      .run();
    expect(buildReport(t.db, admin, '2030-03-01', '2030-04-01').events.total).toBe(7);
  });
});

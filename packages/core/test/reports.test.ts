import { clusters } from '@samverka/db';
import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Actor } from '../src/access.ts';
import type { EventInput } from '../src/events/event-input.ts';
import { answerCohostInvitation, cancelEvent, createEvent, inviteCohost, publishEvent } from '../src/events/event-service.ts';
import { acceptProposal, createProposal, type ProposalInput } from '../src/proposals/proposal-service.ts';
import { register, setCheckIn } from '../src/registrations/registration-service.ts';
import type { Report } from '@samverka/contracts';
import { buildReport, monthlyChartSvg, reportCsv } from '../src/reports/report-service.ts';
import { freshDb, insertActor, type TestDb } from '../../../tests/support/fixtures.ts';
import { caught, outcome } from './helpers.ts';

const ORG = 'agro-orebro';
const COHOST = 'froda';
const OTHER = 'gront-center';
const INVITED = 'agro-vast';
/** Everything is set up on this day, before the events. */
const NOW = new Date('2030-01-10T10:00:00Z');

let t: TestDb;
let admin: Actor;
let org: Actor;
let cohost: Actor;
let other: Actor;
let _invited: Actor;
let participant: Actor;

beforeEach(() => {
  t = freshDb();
  const load = (o: Parameters<typeof insertActor>[1]) => insertActor(t.db, o);
  admin = load({ isAdmin: true });
  org = load({ coordinatorOf: [ORG] });
  cohost = load({ coordinatorOf: [COHOST] });
  other = load({ coordinatorOf: [OTHER] });
  _invited = load({ coordinatorOf: [INVITED] });
  participant = load({});
});
afterEach(() => t.dispose());

function event(actor: Actor, input: Partial<EventInput> & { leadCluster: string; title: string }, publish = true): number {
  const id = createEvent(t.db, actor, { kind: 'workshop', themes: ['krisberedskap'], venueName: 'Gården', ...input } as EventInput, NOW)
    .event.id;
  if (publish) publishEvent(t.db, actor, id, NOW);
  return id;
}

let n = 0;
function registrant(eventId: number, over: { cluster?: string | null; county?: string | null } = {}) {
  n++;
  return register(
    t.db,
    eventId,
    { name: `Deltagare ${n}`, email: `d${n}@example.se`, organisation: 'Gården AB', consent: true, ...over },
    NOW,
  ).registration;
}

const proposal = (over: Partial<ProposalInput> = {}): ProposalInput => ({
  cluster: ORG,
  title: 'Workshop om kapital',
  abstract: 'Hur finansierar gröna företag sin tillväxt?',
  themes: ['kapitalforsorjning'],
  format: 'Halvdag',
  audience: 'Företagare',
  preferredFrom: '2030-09-01',
  preferredTo: '2030-09-30',
  ...over,
});

/**
 * March–April 2030: a co-hosted workshop with registrations (March), an all-day conference on
 * 1 March (which starts at 23:00 UTC the day before), a cancelled webinar and a workshop with a
 * co-host that never answered (April). Outside: a draft, an event in February, and one at 00:30
 * Swedish time on 1 May (22:30 UTC on 30 April).
 */
function seed() {
  const a = event(org, {
    leadCluster: ORG,
    title: 'A',
    themes: ['krisberedskap', 'kapitalforsorjning'],
    start: '2030-03-10T09:00',
    end: '2030-03-10T12:00',
    capacity: 3,
  });
  inviteCohost(t.db, org, a, COHOST, NOW);
  answerCohostInvitation(t.db, cohost, a, COHOST, true, NOW);
  const r1 = registrant(a, { cluster: COHOST, county: 'dalarnas-lan' });
  const r2 = registrant(a, { cluster: COHOST, county: 'orebro-lan' });
  registrant(a);
  const waiting = registrant(a, { cluster: ORG });
  expect(waiting.status).toBe('waitlisted');
  setCheckIn(t.db, org, a, r1.id, true, NOW);
  setCheckIn(t.db, org, a, r2.id, true, NOW);
  const c = event(org, {
    leadCluster: ORG,
    title: 'C',
    kind: 'conference',
    themes: ['omvarldsbevakning'],
    allDay: true,
    startDate: '2030-03-01',
    endDate: '2030-03-01',
  });
  const b = event(other, {
    leadCluster: OTHER,
    title: 'B',
    kind: 'webinar',
    themes: ['kapitalforsorjning'],
    start: '2030-04-15T13:00',
    end: '2030-04-15T14:00',
    venueName: null,
    onlineUrl: 'https://meet.example.se/b',
  });
  cancelEvent(t.db, other, b, 'Föreläsaren är sjuk', NOW);
  const g = event(org, { leadCluster: ORG, title: 'G', start: '2030-04-02T09:00', end: '2030-04-02T10:00' });
  inviteCohost(t.db, org, g, INVITED, NOW);
  event(org, { leadCluster: ORG, title: 'Draft', start: '2030-03-20T09:00', end: '2030-03-20T10:00' }, false);
  event(org, { leadCluster: ORG, title: 'February', start: '2030-02-20T09:00', end: '2030-02-20T10:00' });
  event(org, { leadCluster: ORG, title: 'May', start: '2030-05-01T00:30', end: '2030-05-01T02:00' });

  createProposal(t.db, org, proposal(), new Date('2030-02-15T10:00:00Z'));
  const p2 = createProposal(t.db, org, proposal({ title: 'Two' }), new Date('2030-03-05T10:00:00Z'));
  createProposal(t.db, other, proposal({ cluster: OTHER, title: 'Three' }), new Date('2030-04-30T21:00:00Z'));
  acceptProposal(t.db, org, p2.id, {}, new Date('2030-04-01T10:00:00Z'));
  return { a, b, c, g };
}

describe('buildReport', () => {
  it('counts the published and cancelled events that start in [from, to) by kind, theme and organising cluster', () => {
    seed();
    const r = buildReport(t.db, admin, '2030-03-01', '2030-05-01');
    expect([r.from, r.to]).toEqual(['2030-03-01', '2030-05-01']);
    expect(r.events.total).toBe(4);
    expect(r.events.cancelled).toBe(1);
    expect(r.events.coHosted).toBe(1);
    expect(r.events.byKind).toEqual([
      { key: 'workshop', label: 'workshop', count: 2 },
      { key: 'conference', label: 'conference', count: 1 },
      { key: 'webinar', label: 'webinar', count: 1 },
    ]);
    expect(r.events.byTheme).toEqual([
      { key: 'kapitalforsorjning', label: 'Kapitalförsörjning', count: 2 },
      { key: 'krisberedskap', label: 'Krisberedskap och självförsörjning', count: 2 },
      { key: 'omvarldsbevakning', label: 'Omvärldsbevakning', count: 1 },
    ]);
    // A co-host counts once it accepted; one that never answered does not.
    expect(r.events.byCluster).toEqual([
      { key: ORG, label: 'Agro Örebro', count: 3 },
      { key: COHOST, label: 'FRODA', count: 1 },
      { key: OTHER, label: 'Grönt Center', count: 1 },
    ]);
  });

  it('counts confirmed registrations and check-ins by cluster, county and theme (the waiting list does not count)', () => {
    seed();
    const r = buildReport(t.db, org, '2030-03-01', '2030-05-01');
    expect([r.registrations.confirmed, r.registrations.checkedIn]).toEqual([3, 2]);
    expect(r.registrations.byCluster).toEqual([
      { key: COHOST, label: 'FRODA', count: 2, checkedIn: 2 },
      { key: '-', label: '(ingen klustertillhörighet)', count: 1, checkedIn: 0 },
    ]);
    expect([...r.registrations.byCounty].sort((x, y) => x.key.localeCompare(y.key))).toEqual([
      { key: '-', label: '(inget län angivet)', count: 1, checkedIn: 0 },
      { key: 'dalarnas-lan', label: 'Dalarnas län', count: 1, checkedIn: 1 },
      { key: 'orebro-lan', label: 'Örebro län', count: 1, checkedIn: 1 },
    ]);
    expect([...r.registrations.byTheme].sort((x, y) => x.key.localeCompare(y.key))).toEqual([
      { key: 'kapitalforsorjning', label: 'Kapitalförsörjning', count: 3, checkedIn: 2 },
      { key: 'krisberedskap', label: 'Krisberedskap och självförsörjning', count: 3, checkedIn: 2 },
    ]);
  });

  it('counts proposals made and accepted in the period', () => {
    seed();
    expect(buildReport(t.db, admin, '2030-03-01', '2030-05-01').proposals).toEqual({ made: 2, accepted: 1 });
    expect(buildReport(t.db, admin, '2030-02-01', '2030-03-01').proposals).toEqual({ made: 1, accepted: 0 });
  });

  it('gives every month of the period, with its events and participants', () => {
    seed();
    expect(buildReport(t.db, admin, '2030-03-01', '2030-05-01').months).toEqual([
      { month: '2030-03', events: 2, participants: 3 },
      { month: '2030-04', events: 2, participants: 0 },
    ]);
    expect(buildReport(t.db, admin, '2030-01-01', '2031-01-01').months.map((m) => m.month)).toEqual(
      Array.from({ length: 12 }, (_, i) => `2030-${String(i + 1).padStart(2, '0')}`),
    );
  });

  it('takes the dates as Swedish days: an event on the first day at Swedish midnight is in, one on the day after the end is out', () => {
    const { c } = seed();
    // The all-day conference on 1 March starts at 2030-02-28T23:00Z.
    expect(buildReport(t.db, admin, '2030-03-01', '2030-03-02').events.total).toBe(1);
    expect(buildReport(t.db, admin, '2030-02-01', '2030-03-01').events.total).toBe(1);
    // Every counted event is in some month of the report.
    for (const [from, to] of [
      ['2030-02-01', '2030-03-01'],
      ['2030-03-01', '2030-05-01'],
      ['2030-04-01', '2030-05-01'],
      ['2030-05-01', '2030-06-01'],
    ] as const) {
      const r = buildReport(t.db, admin, from, to);
      expect(
        r.months.reduce((s, m) => s + m.events, 0),
        `${from}–${to}`,
      ).toBe(r.events.total);
    }
    // 00:30 on 1 May Swedish time belongs to May.
    expect(buildReport(t.db, admin, '2030-05-01', '2030-06-01').events.total).toBe(1);
    expect(c).toBeGreaterThan(0);
  });

  it.each([
    ['admin', 'allowed', () => admin],
    ['coordinator', 'allowed', () => other],
    ['participant', 'forbidden', () => participant],
    ['anonymous', 'unauthenticated', () => null],
  ])('%s → %s', (_who, expected, actor) => {
    expect(outcome(() => buildReport(t.db, actor(), '2030-01-01', '2030-12-31'))).toBe(expected);
  });

  it.each([
    ['to equal to from', '2030-03-01', '2030-03-01'],
    ['to before from', '2030-03-01', '2030-02-01'],
    ['a from that is not a date', 'mars', '2030-04-01'],
    ['a to that is not a date', '2030-03-01', '2030-13-01'],
    ['a from on 30 February', '2030-02-30', '2030-04-01'],
    ['a date with a time', '2030-03-01T00:00', '2030-04-01'],
    ['more than ten years', '2020-01-01', '2031-01-02'],
  ])('refuses %s with 400', (_what, from, to) => {
    const err = caught(() => buildReport(t.db, admin, from, to));
    expect([err.kind, err.code]).toEqual(['invalid', 'invalid_range']);
  });

  it('an empty period is all zeros', () => {
    const r = buildReport(t.db, admin, '2030-03-01', '2030-04-01');
    expect(r.events).toEqual({ total: 0, cancelled: 0, coHosted: 0, byKind: [], byTheme: [], byCluster: [] });
    expect(r.registrations).toEqual({ confirmed: 0, checkedIn: 0, byCluster: [], byCounty: [], byTheme: [] });
    expect(r.months).toEqual([{ month: '2030-03', events: 0, participants: 0 }]);
  });
});

describe('reportCsv', () => {
  it('is UTF-8 with a BOM, CRLF lines, a header, the summary and every breakdown', () => {
    seed();
    const csv = reportCsv(buildReport(t.db, admin, '2030-03-01', '2030-05-01'));
    expect(csv.startsWith('\uFEFFsection,key,label,count,checked_in\r\n')).toBe(true);
    const lines = csv.slice(1).split('\r\n');
    expect(lines.at(-1)).toBe('');
    expect(lines).toContain('summary,events,Evenemang,4,');
    expect(lines).toContain('summary,cancelled,Inställda,1,');
    expect(lines).toContain('summary,co_hosted,Samarrangerade,1,');
    expect(lines).toContain('summary,registrations,Anmälda (bekräftade),3,2');
    expect(lines).toContain('summary,proposals_made,Förslag,2,');
    expect(lines).toContain('summary,proposals_accepted,Antagna förslag,1,');
    expect(lines).toContain('events_by_kind,workshop,workshop,2,');
    expect(lines).toContain('events_by_cluster,froda,FRODA,1,');
    expect(lines).toContain('registrations_by_cluster,froda,FRODA,2,2');
    expect(lines).toContain('registrations_by_county,dalarnas-lan,Dalarnas län,1,1');
    expect(lines).toContain('month,2030-03,2030-03,2,3');
  });

  it('neutralises cells that a spreadsheet would run as a formula', () => {
    seed();
    t.db.update(clusters).set({ name: '=HYPERLINK("https://evil.example","klicka")' }).where(eq(clusters.slug, COHOST)).run();
    t.db.update(clusters).set({ name: '+SUM(1;2)' }).where(eq(clusters.slug, ORG)).run();
    t.db.update(clusters).set({ name: '@cmd' }).where(eq(clusters.slug, OTHER)).run();
    const csv = reportCsv(buildReport(t.db, admin, '2030-03-01', '2030-05-01'));
    expect(csv).toContain(`events_by_cluster,froda,"'=HYPERLINK(""https://evil.example"",""klicka"")",1,`);
    expect(csv).toContain(`events_by_cluster,agro-orebro,'+SUM(1;2),3,`);
    expect(csv).toContain(`events_by_cluster,gront-center,'@cmd,1,`);
    for (const line of csv.slice(1).split('\r\n')) {
      for (const cell of line.split(',')) expect(cell).not.toMatch(/^"?[=+@]/);
    }
  });
});

describe('monthlyChartSvg', () => {
  let report: Report;
  beforeEach(() => {
    seed();
    report = buildReport(t.db, admin, '2030-03-01', '2030-05-01');
  });

  it('an accessible SVG: role img, title and description naming the figures, one bar pair per month', () => {
    const svg = monthlyChartSvg(report, 'sv');
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg).toContain('role="img" aria-labelledby="chart-title chart-desc"');
    expect(svg).toContain('<title id="chart-title">Evenemang och deltagare per månad</title>');
    expect(svg).toContain('<desc id="chart-desc">Evenemang/Deltagare: 2030-03: 2/3, 2030-04: 2/0</desc>');
    expect(svg.match(/<g>/g)).toHaveLength(2);
    expect(svg).toContain('<title>2030-03: 2 evenemang, 3 deltagare</title>');
    expect(svg.endsWith('</svg>')).toBe(true);
    expect(monthlyChartSvg(report, 'en')).toContain('<title id="chart-title">Events and participants per month</title>');
  });

  it('the tallest bar fills the plot and an empty month has zero-height bars', () => {
    const svg = monthlyChartSvg(report, 'sv');
    const heights = [...svg.matchAll(/<rect x="\d+" y="\d+" width="18" height="(\d+)"/g)].map((m) => Number(m[1]));
    // Events (2, 2) and participants (3, 0) per month, plot height 170.
    expect(heights).toEqual([170, 170, 170, 0]);
  });
});

import { jobRuns, notificationPending, outbox, users } from '@samverka/db';
import { asc, eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadActor, type Actor } from '../src/access.ts';
import { answerCohostInvitation, createEvent, inviteCohost, publishEvent, removeCohost, updateEvent } from '../src/events/event-service.ts';
import { createHorizonItem, markHorizonRelevant } from '../src/horizon/horizon-service.ts';
import { setPublicUrl } from '../src/links.ts';
import { shareAnnouncement } from '../src/mailings/announcement-service.ts';
import {
  runNotificationJobs,
  sendDailySummaries,
  sendHorizonDeadlineNotices,
  sendPollClosingReminders,
  summarySlot,
} from '../src/notifications/jobs.ts';
import { getNotificationSettings, setNotificationSettings } from '../src/notifications/settings.ts';
import { OutboxWorker } from '../src/outbox/worker.ts';
import { answerPoll, createPoll, finalisePoll } from '../src/polls/poll-service.ts';
import {
  acceptProposal,
  commentOnProposal,
  createProposal,
  declineProposal,
  respondToProposal,
} from '../src/proposals/proposal-service.ts';
import { cancelRegistration, register } from '../src/registrations/registration-service.ts';
import { eventInput, freshDb, insertUser, type TestDb } from '../../../tests/support/fixtures.ts';
import { startSmtp } from '../../../tests/support/smtp.ts';
import { caught } from './helpers.ts';

const BASE = 'http://samverka.test';
const NOW = new Date('2030-01-10T09:00:00Z');
const A = 'agro-orebro';
const B = 'froda';
const C = 'agro-vast';

let t: TestDb;
/** a1 and a2 coordinate A (a2 reads English), b1 coordinates B (English), c1 coordinates C. */
let a1: Actor, a2: Actor, b1: Actor, c1: Actor;
const emailOf = new Map<number, string>();

function person(o: Parameters<typeof insertUser>[1]): Actor {
  const id = insertUser(t.db, o);
  emailOf.set(id, t.db.select().from(users).where(eq(users.id, id)).get()!.email);
  return loadActor(t.db, id)!;
}

beforeEach(() => {
  setPublicUrl(BASE);
  t = freshDb();
  a1 = person({ coordinatorOf: [A], name: 'Anna' });
  a2 = person({ coordinatorOf: [A], name: 'Alex', language: 'en' });
  b1 = person({ coordinatorOf: [B], name: 'Bo', language: 'en' });
  c1 = person({ coordinatorOf: [C], name: 'Cecilia' });
});
afterEach(() => t.dispose());

const mails = () => t.db.select().from(outbox).orderBy(asc(outbox.id)).all();
/** The notification mails to a user (subject and text), oldest first. */
const mailsTo = (a: Actor) => mails().filter((m) => m.toAddress === emailOf.get(a.userId));
const pendingOf = (a: Actor) =>
  t.db.select().from(notificationPending).where(eq(notificationPending.userId, a.userId)).orderBy(asc(notificationPending.id)).all();
const setMode = (a: Actor, modes: Parameters<typeof setNotificationSettings>[2]['modes']) =>
  setNotificationSettings(t.db, a, { modes }, NOW);

/** A draft of A's, B invited as co-host by a1. */
function eventWithInvitedB(now = NOW) {
  const e = createEvent(t.db, a1, eventInput({ leadCluster: A }), now).event;
  inviteCohost(t.db, a1, e.id, B, now);
  return e;
}

describe('co-host steps (at once by default)', () => {
  it('the invited cluster is mailed in its language with the link where it answers and the settings; the inviter is not', () => {
    const e = eventWithInvitedB();
    const [mail, ...more] = mailsTo(b1);
    expect(more).toEqual([]);
    expect(mail!.subject).toBe(`Agro Örebro invites FRODA to co-host ${e.title}`);
    expect(mail!.text).toContain(`${BASE}/mitt-kluster`);
    expect(mail!.text).toContain(`${BASE}/konto#aviseringar`);
    expect(mail!.text).toContain('Hello Bo,');
    expect(mailsTo(a1)).toEqual([]);
    expect(mailsTo(a2)).toEqual([]);
    expect(mailsTo(c1)).toEqual([]);
  });

  it('accepted: every coordinator of the lead is told, each in their language; the one who accepted is not', () => {
    const e = eventWithInvitedB();
    answerCohostInvitation(t.db, b1, e.id, B, true, NOW);
    expect(mailsTo(a1).map((m) => m.subject)).toEqual(['FRODA tackade ja till att samarrangera Vattenförsörjning på gården']);
    expect(mailsTo(a2).map((m) => m.subject)).toEqual(['FRODA accepted to co-host Vattenförsörjning på gården']);
    expect(mailsTo(a1)[0]!.text).toContain(`${BASE}/evenemang/${e.id}`);
    expect(mailsTo(b1)).toHaveLength(1); // the invitation only
  });

  it('declined, withdrawn and removed are told to the right side', () => {
    const e = eventWithInvitedB();
    answerCohostInvitation(t.db, b1, e.id, B, false, NOW);
    expect(mailsTo(a1).at(-1)!.subject).toMatch(/tackade nej/);
    const e2 = eventWithInvitedB();
    removeCohost(t.db, a1, e2.id, B, NOW);
    expect(mailsTo(b1).at(-1)!.subject).toMatch(/^The invitation for .* was withdrawn$/);
    const e3 = eventWithInvitedB();
    answerCohostInvitation(t.db, b1, e3.id, B, true, NOW);
    removeCohost(t.db, a1, e3.id, B, NOW);
    expect(mailsTo(b1).at(-1)!.subject).toMatch(/ no longer co-hosts /);
    expect(mailsTo(a1).filter((m) => /återkallad|inte längre/.test(m.subject))).toEqual([]);
  });

  it('daily: no mail, a pending line with its link; off: nothing at all', () => {
    setMode(b1, { cohost_invited: 'daily' });
    const e = eventWithInvitedB();
    expect(mailsTo(b1)).toEqual([]);
    expect(pendingOf(b1)).toMatchObject([{ category: 'cohost_invited', url: `${BASE}/mitt-kluster`, sentAt: null }]);
    setMode(b1, { cohost_invited: 'off' });
    inviteCohost(t.db, a1, createEvent(t.db, a1, eventInput(), NOW).event.id, B, NOW);
    expect(mailsTo(b1)).toEqual([]);
    expect(pendingOf(b1)).toHaveLength(1);
    expect(e.id).toBeGreaterThan(0);
  });
});

describe('proposals', () => {
  const input = {
    cluster: A,
    title: 'Workshop om kapital',
    abstract: 'Hur?',
    themes: ['kapitalforsorjning'],
    format: 'Halvdag',
    audience: 'Alla',
  };
  const proposal = () => createProposal(t.db, a1, { ...input, preferredFrom: '2030-09-01', preferredTo: '2030-10-31' }, NOW);

  it('a new proposal goes to other clusters following its theme, in the summary by default; not to its own cluster', () => {
    setNotificationSettings(t.db, c1, { allThemes: false, themes: ['krisberedskap'] }, NOW);
    const p = proposal();
    expect(pendingOf(b1)).toMatchObject([{ category: 'proposal_new', url: `${BASE}/forslag/${p.id}` }]);
    expect(pendingOf(b1)[0]!.line).toBe('New proposal from Agro Örebro: Workshop om kapital');
    expect(pendingOf(c1)).toEqual([]);
    expect(pendingOf(a2)).toEqual([]);
    expect(mails()).toEqual([]);
  });

  it('at once when chosen; following the theme lets it through', () => {
    setNotificationSettings(t.db, c1, { allThemes: false, themes: ['kapitalforsorjning'], modes: { proposal_new: 'immediate' } }, NOW);
    const p = proposal();
    expect(mailsTo(c1).map((m) => m.text)).toEqual([expect.stringContaining(`${BASE}/forslag/${p.id}`)]);
  });

  it('comments, interest and offers reach the proposing cluster at once; the responder never hears their own', () => {
    const p = proposal();
    commentOnProposal(t.db, b1, p.id, 'Vi är med!', NOW);
    respondToProposal(t.db, c1, p.id, C, 'interest', true, NOW);
    respondToProposal(t.db, b1, p.id, B, 'cohost', true, NOW);
    expect(mailsTo(a1).map((m) => m.subject)).toEqual([
      expect.stringMatching(/ kommenterade ditt förslag Workshop om kapital$/),
      expect.stringMatching(/ är intresserade av ditt förslag /),
      expect.stringMatching(/ erbjuder sig att samarrangera /),
    ]);
    expect(mailsTo(a2)).toHaveLength(3);
    expect(mailsTo(b1)).toEqual([]);
    expect(mailsTo(c1)).toEqual([]);
  });

  it('accepted or declined: told to the clusters that responded', () => {
    const p = proposal();
    respondToProposal(t.db, b1, p.id, B, 'cohost', true, NOW);
    acceptProposal(t.db, a1, p.id, {}, NOW);
    expect(mailsTo(b1).map((m) => m.subject)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^The proposal Workshop om kapital was accepted/),
        expect.stringMatching(/ to co-host /),
      ]),
    );
    const q = proposal();
    respondToProposal(t.db, c1, q.id, C, 'interest', true, NOW);
    declineProposal(t.db, a1, q.id, 'Inte i år', NOW);
    expect(mailsTo(c1).at(-1)!.subject).toBe('Förslaget Workshop om kapital avböjdes: Inte i år');
  });
});

describe('scheduling polls', () => {
  const pollInput = {
    organiserCluster: A,
    title: 'Nätverksmöte',
    durationMinutes: 60,
    invitedClusters: [B, C],
    slots: ['2030-02-05T10:00', '2030-02-06T13:30'],
    closes: '2030-02-01T12:00',
    venueName: 'Lantbruksskolan',
  };

  it('invitees are told at once, with the poll link; the organisers are not', () => {
    const p = createPoll(t.db, a1, pollInput, NOW);
    expect(mailsTo(b1).map((m) => m.subject)).toEqual([
      expect.stringMatching(/^.* invites you to the scheduling poll Nätverksmöte; answer by /),
    ]);
    expect(mailsTo(c1)[0]!.text).toContain(`${BASE}/moten/${p.id}`);
    expect(mailsTo(a2)).toEqual([]);
  });

  it('48 hours before closing, invitees who have not answered are reminded, once', () => {
    const p = createPoll(t.db, a1, pollInput, NOW);
    answerPoll(t.db, b1, p.id, B, [{ slotId: p.slots[0]!.id, answer: 'yes' }], NOW);
    const before = mails().length;
    expect(sendPollClosingReminders(t.db, new Date('2030-01-29T12:00:00Z'))).toBe(0); // more than 48 h before
    const at = new Date('2030-01-30T12:00:00Z');
    expect(sendPollClosingReminders(t.db, at)).toBe(1);
    expect(
      mails()
        .slice(before)
        .map((m) => m.toAddress),
    ).toEqual([emailOf.get(c1.userId)]);
    expect(mailsTo(c1).at(-1)!.subject).toMatch(/^Tidsomröstningen Nätverksmöte stänger .* och ditt kluster har inte svarat$/);
    expect(sendPollClosingReminders(t.db, new Date(at.getTime() + 60_000))).toBe(0);
  });

  it('the decision goes to every invitee: by the poll mail to who answered, by a notification to the others', () => {
    const p = createPoll(t.db, a1, pollInput, NOW);
    answerPoll(t.db, b1, p.id, B, [{ slotId: p.slots[0]!.id, answer: 'yes' }], NOW);
    const { eventId } = finalisePoll(t.db, a1, p.id, p.slots[0]!.id, {}, NOW);
    const decided = mailsTo(c1).filter((m) => m.subject.startsWith('Tiden för Nätverksmöte är bestämd'));
    expect(decided).toHaveLength(1);
    expect(decided[0]!.text).toContain(`${BASE}/evenemang/${eventId}`);
    expect(mailsTo(b1).filter((m) => /^Decided: /.test(m.subject))).toHaveLength(1);
  });
});

describe('events', () => {
  function sharedEvent() {
    const e = eventWithInvitedB();
    answerCohostInvitation(t.db, b1, e.id, B, true, NOW);
    return e;
  }

  it("another organiser's change goes to the other organisers' summary (daily by default), not to the one who changed it", () => {
    const e = sharedEvent();
    updateEvent(t.db, b1, e.id, { title: 'Ny titel' }, NOW);
    expect(pendingOf(a1)).toMatchObject([{ category: 'event_changed', line: 'Bo ändrade Ny titel', url: `${BASE}/evenemang/${e.id}` }]);
    expect(pendingOf(a2).map((p) => p.line)).toEqual(['Bo changed Ny titel']);
    expect(pendingOf(b1)).toEqual([]);
  });

  it('an invitation shared with a cluster reaches its coordinators at once', () => {
    const e = sharedEvent();
    publishEvent(t.db, a1, e.id, NOW);
    shareAnnouncement(t.db, a1, e.id, A, [C], NOW);
    expect(mailsTo(c1).map((m) => m.subject)).toEqual([
      expect.stringMatching(/ delade inbjudan till Vattenförsörjning på gården med ditt kluster$/),
    ]);
    expect(mailsTo(c1)[0]!.text).toContain(`${BASE}/mitt-kluster`);
  });

  it('registrations and cancellations: organisers in the summary by default, at once when chosen', () => {
    const e = sharedEvent();
    publishEvent(t.db, a1, e.id, NOW);
    setMode(a1, { registrations: 'immediate' });
    setMode(b1, { registrations: 'off' });
    const r = register(t.db, e.id, { name: 'Del Tagare', email: 'deltagare@example.se', organisation: 'Gården AB', consent: true }, NOW);
    cancelRegistration(t.db, r.token!, NOW);
    expect(
      mailsTo(a1)
        .map((m) => m.subject)
        .filter((x) => /anmälan/.test(x)),
    ).toEqual(['Ny anmälan till Vattenförsörjning på gården', 'En anmälan till Vattenförsörjning på gården avbokades']);
    expect(mailsTo(a1).at(-1)!.text).toContain(`${BASE}/evenemang/${e.id}/deltagare`);
    const registrationLines = (a: Actor) => pendingOf(a).filter((p) => p.category === 'registrations');
    expect(registrationLines(a2).map((p) => p.line)).toEqual([
      'New registration for Vattenförsörjning på gården',
      'A registration for Vattenförsörjning på gården was cancelled',
    ]);
    expect(registrationLines(b1)).toEqual([]);
    // Publishing was a step by a1, told to the other organisers.
    expect(pendingOf(b1).map((p) => p.line)).toEqual(['Anna published Vattenförsörjning på gården']);
  });
});

describe('horizon deadlines', () => {
  it('7 days ahead, told once to the coordinators of the clusters that marked the item relevant and follow its themes', () => {
    const item = createHorizonItem(
      t.db,
      a1,
      { title: 'Utlysning', summary: 'Stöd', source: 'Verket', themes: ['krisberedskap'], deadline: '2030-01-20', cluster: A },
      NOW,
    );
    markHorizonRelevant(t.db, b1, item.id, B, true, NOW);
    markHorizonRelevant(t.db, c1, item.id, C, true, NOW);
    setNotificationSettings(t.db, c1, { allThemes: false, themes: ['kapitalforsorjning'] }, NOW);
    expect(sendHorizonDeadlineNotices(t.db, new Date('2030-01-12T06:00:00Z'))).toBe(0);
    const day = new Date('2030-01-13T06:00:00Z');
    expect(sendHorizonDeadlineNotices(t.db, day)).toBe(1);
    expect(pendingOf(b1)).toMatchObject([
      { category: 'horizon_deadline', line: 'Deadline 2030-01-20: Utlysning', url: `${BASE}/omvarld/${item.id}` },
    ]);
    expect(pendingOf(c1)).toEqual([]);
    expect(pendingOf(a1)).toEqual([]);
    expect(sendHorizonDeadlineNotices(t.db, day)).toBe(0);
  });
});

describe('the daily summary', () => {
  it('runs in the period of the latest 07:00 Stockholm time', () => {
    expect(new Date(summarySlot(new Date('2030-01-10T06:30:00Z'))).toISOString()).toBe('2030-01-10T06:00:00.000Z');
    expect(new Date(summarySlot(new Date('2030-01-10T05:59:00Z'))).toISOString()).toBe('2030-01-09T06:00:00.000Z');
    expect(new Date(summarySlot(new Date('2030-07-10T05:30:00Z'))).toISOString()).toBe('2030-07-10T05:00:00.000Z');
  });

  it('nothing pending: no mail', () => {
    expect(sendDailySummaries(t.db, NOW)).toBe(0);
    expect(mails()).toEqual([]);
  });

  it('one mail per user, grouped by category with links, in their language; a rerun sends nothing', () => {
    setMode(b1, { cohost_invited: 'daily', cohost_removed: 'daily' });
    const e = eventWithInvitedB();
    removeCohost(t.db, a1, e.id, B, NOW);
    eventWithInvitedB();
    const e2 = createEvent(t.db, a1, eventInput(), NOW).event;
    answerCohostInvitation(t.db, b1, eventWithInvitedB().id, B, true, NOW);
    updateEvent(t.db, a2, e2.id, { title: 'Ändrad' }, NOW); // a1 gets event_changed in the summary; a2 changed it
    expect(sendDailySummaries(t.db, NOW)).toBe(2);
    expect(mailsTo(a2).filter((m) => m.subject.startsWith('Samverka:'))).toEqual([]);
    const [b] = mailsTo(b1);
    expect(b!.subject).toBe('Samverka: 4 updates since the last summary');
    expect(b!.text).toMatch(
      /Invitations to co-host\n- .*\n {2}http:\/\/samverka\.test\/mitt-kluster\n- .*\n.*\n- .*\n.*\n\nWithdrawn and ended co-hosting\n- The invitation/,
    );
    expect(b!.html).toContain(`<a href="${BASE}/mitt-kluster">`);
    expect(b!.text).toContain(`${BASE}/konto#aviseringar`);
    expect(mailsTo(a1).at(-1)!.subject).toBe('Samverka: 1 händelse sedan senast');
    expect(sendDailySummaries(t.db, new Date(NOW.getTime() + 86_400_000))).toBe(0);
    expect(pendingOf(b1).every((p) => p.sentAt !== null)).toBe(true);
  });
});

describe('the scheduled run (runNotificationJobs)', () => {
  const at = (iso: string) => new Date(iso);
  const summaryClaims = () =>
    t.db
      .select()
      .from(jobRuns)
      .all()
      .filter((r) => r.job === 'notification-summary');

  it('nothing waiting: no summary and no claim', () => {
    expect(runNotificationJobs(t.db, 'test', at('2030-01-10T06:05:00Z'))).toBe(0);
    expect(summaryClaims()).toEqual([]);
  });

  it('lines from before 07:00 go out once that morning; lines from later wait for the next morning', () => {
    setMode(b1, { cohost_invited: 'daily' });
    eventWithInvitedB(at('2030-01-10T05:00:00Z')); // 06:00 in Stockholm
    eventWithInvitedB(at('2030-01-10T07:00:00Z')); // 08:00
    expect(runNotificationJobs(t.db, 'test', at('2030-01-10T05:55:00Z'))).toBe(0); // before 07:00: yesterday's period
    expect(runNotificationJobs(t.db, 'test', at('2030-01-10T06:05:00Z'))).toBe(1);
    expect(runNotificationJobs(t.db, 'test', at('2030-01-10T08:05:00Z'))).toBe(0);
    expect(mailsTo(b1).map((m) => m.subject)).toEqual(['Samverka: 1 update since the last summary']);
    expect(runNotificationJobs(t.db, 'test', at('2030-01-11T06:05:00Z'))).toBe(1);
    expect(mailsTo(b1)).toHaveLength(2);
    expect(summaryClaims().map((r) => new Date(r.slot).toISOString())).toEqual(['2030-01-10T06:00:00.000Z', '2030-01-11T06:00:00.000Z']);
  });
});

describe('through the real SMTP server', () => {
  it('the immediate mail and the summary arrive, parsed, with their links, in the recipient language', async () => {
    const smtp = await startSmtp();
    const worker = new OutboxWorker({ db: t.db, smtpUrl: `smtp://127.0.0.1:${smtp.port}`, from: 'Samverka <noreply@samverka.test>' });
    try {
      // Now, not NOW: the worker sends what is due by the clock.
      const now = new Date();
      setMode(a1, { cohost_answered: 'daily' });
      const e = eventWithInvitedB(now);
      answerCohostInvitation(t.db, b1, e.id, B, true, now);
      sendDailySummaries(t.db, now);
      await worker.kick();
      const invitation = (await smtp.waitForMailTo(emailOf.get(b1.userId)!, /to co-host/)).parsed;
      expect(invitation.text).toContain(`${BASE}/mitt-kluster`);
      expect(invitation.html).toContain(`href="${BASE}/mitt-kluster"`);
      const accepted = (await smtp.waitForMailTo(emailOf.get(a2.userId)!, /accepted to co-host/)).parsed;
      expect(accepted.text).toContain(`${BASE}/evenemang/${e.id}`);
      const summary = (await smtp.waitForMailTo(emailOf.get(a1.userId)!, /sedan senast/)).parsed;
      expect(summary.text).toContain('Svar på dina inbjudningar att samarrangera');
      expect(summary.text).toContain(`${BASE}/evenemang/${e.id}`);
      // Nobody got a mail about their own step: b1 answered, a1 invited.
      expect(smtp.to(emailOf.get(b1.userId)!).map((m) => m.parsed.subject)).toEqual([invitation.subject]);
      expect(smtp.to(emailOf.get(a1.userId)!)).toHaveLength(1);
    } finally {
      await worker.stop();
      await smtp.stop();
    }
  }, 30_000);
});

describe('settings', () => {
  it('defaults: registrations daily, invitations and polls at once; every theme followed', () => {
    const s = getNotificationSettings(t.db, b1);
    expect(s.modes).toMatchObject({
      registrations: 'daily',
      cohost_invited: 'immediate',
      poll_invited: 'immediate',
      poll_closing: 'immediate',
    });
    expect(s.allThemes).toBe(true);
    expect(s.themes.map((x) => x.name)).toContain('Crisis preparedness and self-sufficiency');
    expect(s.canFollowThemes).toBe(true);
  });

  it('keeps choices, follows chosen themes, and goes back to all', () => {
    setNotificationSettings(t.db, b1, { modes: { registrations: 'off' }, allThemes: false, themes: ['krisberedskap'] }, NOW);
    const s = getNotificationSettings(t.db, b1);
    expect(s.modes.registrations).toBe('off');
    expect(s.modes.poll_invited).toBe('immediate');
    expect(s).toMatchObject({ allThemes: false, themes: [{ slug: 'krisberedskap' }] });
    expect(setNotificationSettings(t.db, b1, { allThemes: true }, NOW).allThemes).toBe(true);
  });

  it('refuses an unknown theme and no theme at all, field by field; without a login', () => {
    expect(caught(() => setNotificationSettings(t.db, b1, { allThemes: false, themes: ['nope'] }, NOW)).details).toEqual([
      expect.objectContaining({ field: 'themes', code: 'unknown_choice' }),
    ]);
    expect(caught(() => setNotificationSettings(t.db, b1, { allThemes: false, themes: [] }, NOW)).details).toEqual([
      expect.objectContaining({ field: 'themes', code: 'required' }),
    ]);
    expect(caught(() => getNotificationSettings(t.db, null)).kind).toBe('unauthenticated');
  });
});

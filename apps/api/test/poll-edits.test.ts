import { outbox, pollAnswers, pollComments, polls, pollSlots } from '@samverka/db';
import { asc } from 'drizzle-orm';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSmtp, type TestSmtp } from '../../../tests/support/smtp.ts';
import { bearer, expectError, makeTestApp, type TestApp } from './helpers.ts';

const ORG = 'agro-orebro';
const INV = 'froda';
const OTHER = 'gront-center';

type Who = 'admin' | 'organiser' | 'invited' | 'unrelated' | 'participant' | 'anonymous';

let t: TestApp;
let smtp: TestSmtp;
const tokens: Partial<Record<Who, string>> = {};
const emails: Partial<Record<Who, string>> = {};

beforeAll(async () => {
  smtp = await startSmtp();
  t = await makeTestApp(
    { SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, MAIL_FROM: 'Samverka <noreply@samverka.test>' },
    { mailWorker: true, mailPollMs: 100 },
  );
  const made: [Who, 'admin' | 'coordinator' | 'participant', string[]?][] = [
    ['admin', 'admin'],
    ['organiser', 'coordinator', [ORG]],
    ['invited', 'coordinator', [INV]],
    ['unrelated', 'coordinator', [OTHER]],
    ['participant', 'participant'],
  ];
  for (const [who, role, clusters] of made) {
    const { token, email } = await t.login(role, { clusters });
    tokens[who] = token;
    emails[who] = email;
  }
});
afterAll(async () => {
  await t.close();
  await smtp.stop();
});

const call = (method: InjectOptions['method'], url: string, who: Who = 'anonymous', payload?: unknown) =>
  t.inject({
    method,
    url,
    headers: who === 'anonymous' ? {} : bearer(tokens[who]!),
    ...(payload !== undefined ? { payload: payload as object } : {}),
  });

/** Two years ahead, so the times stay in the future whenever the suite runs. */
const Y = new Date().getFullYear() + 2;

/** Every row a poll edit touches; of the outbox, which mails exist (the worker changes their delivery state meanwhile). */
const snapshot = () =>
  JSON.stringify([
    t.db.select().from(polls).orderBy(asc(polls.id)).all(),
    t.db.select().from(pollSlots).orderBy(asc(pollSlots.id)).all(),
    t.db.select().from(pollAnswers).all(),
    t.db.select().from(pollComments).all(),
    t.db.select({ id: outbox.id, to: outbox.toAddress, subject: outbox.subject }).from(outbox).orderBy(asc(outbox.id)).all(),
  ]);

interface PollBody {
  id: number;
  closesAt: string;
  open: boolean;
  canEdit: boolean;
  slots: { id: number; start: string; answers: { cluster: { slug: string }; answer: string; by: string | null }[] }[];
  comments: { author: string | null; cluster: string | null; body: string }[];
}

async function newPoll(): Promise<PollBody> {
  const res = await call('POST', '/api/polls', 'organiser', {
    organiserCluster: ORG,
    title: 'Nätverksmöte om beredskap',
    durationMinutes: 60,
    invitedClusters: [INV],
    slots: [`${Y}-02-05T10:00`, `${Y}-02-06T13:00`],
    closes: `${Y}-01-20T12:00`,
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as PollBody;
}

describe('poll edits over the API', () => {
  it('POST /slots adds times; DELETE /slots/:slotId removes one and the voter gets the mail over SMTP', async () => {
    const p = await newPoll();
    const added = await call('POST', `/api/polls/${p.id}/slots`, 'organiser', { slots: [`${Y}-02-07T09:00`] });
    expect(added.statusCode, added.body).toBe(200);
    expect((added.json() as PollBody).slots.map((s) => s.start)).toEqual([`${Y}-02-05T10:00`, `${Y}-02-06T13:00`, `${Y}-02-07T09:00`]);
    const [s1, s2] = p.slots;
    const answered = await call('POST', `/api/polls/${p.id}/answers`, 'invited', {
      cluster: INV,
      answers: [
        { slotId: s1!.id, answer: 'yes' },
        { slotId: s2!.id, answer: 'no' },
      ],
    });
    expect(answered.statusCode, answered.body).toBe(200);
    // Who answered is read by the organiser too.
    expect((answered.json() as PollBody).slots[0]!.answers[0]!.by).toBe('coordinator 3');
    const removed = await call('DELETE', `/api/polls/${p.id}/slots/${s1!.id}`, 'organiser');
    expect(removed.statusCode, removed.body).toBe(200);
    expect((removed.json() as PollBody).slots.map((s) => s.id)).not.toContain(s1!.id);
    const mail = await smtp.waitForMailTo(emails.invited!, 'En tid är struken: Nätverksmöte om beredskap');
    expect(mail.parsed.text).toContain(`http://samverka.test/moten/${p.id}`);
    expect(smtp.to(emails.organiser!)).toHaveLength(0);
  });

  it('PUT /deadline extends; a past time is 400 in_the_past and changes nothing; POST /close closes', async () => {
    const p = await newPoll();
    const moved = await call('PUT', `/api/polls/${p.id}/deadline`, 'organiser', { closes: `${Y}-01-30T12:00` });
    expect(moved.statusCode, moved.body).toBe(200);
    expect((moved.json() as PollBody).closesAt).toBe(`${Y}-01-30T11:00:00.000Z`);
    const before = snapshot();
    const past = expectError(
      await call('PUT', `/api/polls/${p.id}/deadline`, 'organiser', { closes: '2020-01-01T12:00' }),
      400,
      'invalid_poll',
    );
    expect(past.details).toEqual([expect.objectContaining({ field: 'closes', code: 'in_the_past' })]);
    expectError(await call('PUT', `/api/polls/${p.id}/deadline`, 'organiser', { closes: 'tomorrow' }), 400);
    expect(snapshot()).toBe(before);
    const closed = await call('POST', `/api/polls/${p.id}/close`, 'organiser');
    expect((closed.json() as PollBody).open).toBe(false);
    expectError(await call('POST', `/api/polls/${p.id}/close`, 'organiser'), 409, 'poll_closed');
  });

  it.each<[Who, number]>([
    ['anonymous', 401],
    ['participant', 404],
    ['unrelated', 404],
    ['invited', 403],
  ])('%s may not edit (%i) and nothing changes', async (who, status) => {
    const p = await newPoll();
    const before = snapshot();
    expectError(await call('POST', `/api/polls/${p.id}/slots`, who, { slots: [`${Y}-03-01T10:00`] }), status);
    expectError(await call('DELETE', `/api/polls/${p.id}/slots/${p.slots[0]!.id}`, who), status);
    expectError(await call('PUT', `/api/polls/${p.id}/deadline`, who, { closes: `${Y}-01-25T10:00` }), status);
    expectError(await call('POST', `/api/polls/${p.id}/close`, who), status);
    expect(snapshot()).toBe(before);
  });

  it('refuses a past or duplicate time (400), the last time (409), a decided poll (409); nothing changes', async () => {
    const p = await newPoll();
    const before = snapshot();
    const bad = expectError(
      await call('POST', `/api/polls/${p.id}/slots`, 'organiser', { slots: ['2020-03-01T10:00', `${Y}-02-05T10:00`] }),
      400,
      'invalid_poll',
    );
    expect(bad.details?.map((d) => [d.field, d.code])).toEqual([
      ['slots/0', 'in_the_past'],
      ['slots/1', 'duplicate'],
    ]);
    expectError(await call('DELETE', `/api/polls/${p.id}/slots/999999`, 'organiser'), 404, 'unknown_slot');
    await call('DELETE', `/api/polls/${p.id}/slots/${p.slots[0]!.id}`, 'organiser');
    const afterOne = snapshot();
    expectError(await call('DELETE', `/api/polls/${p.id}/slots/${p.slots[1]!.id}`, 'organiser'), 409, 'last_slot');
    expect(snapshot()).toBe(afterOne);
    expect(before).not.toBe(afterOne);
    const decided = await call('POST', `/api/polls/${p.id}/finalise`, 'organiser', { slotId: p.slots[1]!.id });
    expect(decided.statusCode, decided.body).toBe(200);
    const final = snapshot();
    expectError(await call('POST', `/api/polls/${p.id}/slots`, 'organiser', { slots: [`${Y}-03-01T10:00`] }), 409, 'poll_finalised');
    expectError(await call('PUT', `/api/polls/${p.id}/deadline`, 'organiser', { closes: `${Y}-01-25T10:00` }), 409, 'poll_finalised');
    expect(snapshot()).toBe(final);
  });

  it('comments: invitees and the organiser write, others get 401/404; empty and too long are 400', async () => {
    const p = await newPoll();
    const c1 = await call('POST', `/api/polls/${p.id}/comments`, 'invited', { body: 'Tisdag passar oss.' });
    expect(c1.statusCode, c1.body).toBe(200);
    const c2 = await call('POST', `/api/polls/${p.id}/comments`, 'organiser', { body: '<script>alert(1)</script>' });
    expect((c2.json() as PollBody).comments.map((c) => c.body)).toEqual(['Tisdag passar oss.', '<script>alert(1)</script>']);
    const before = snapshot();
    expectError(await call('POST', `/api/polls/${p.id}/comments`, 'anonymous', { body: 'x' }), 401);
    expectError(await call('POST', `/api/polls/${p.id}/comments`, 'participant', { body: 'x' }), 404);
    expectError(await call('POST', `/api/polls/${p.id}/comments`, 'unrelated', { body: 'x' }), 404);
    expect(expectError(await call('POST', `/api/polls/${p.id}/comments`, 'invited', { body: '  ' }), 400).details?.[0]).toMatchObject({
      field: 'body',
      code: 'required',
    });
    expect(
      expectError(await call('POST', `/api/polls/${p.id}/comments`, 'invited', { body: 'x'.repeat(5001) }), 400).details?.[0],
    ).toMatchObject({ field: 'body/body', code: 'too_long' });
    expect(snapshot()).toBe(before);
    const read = await call('GET', `/api/polls/${p.id}`, 'admin');
    expect((read.json() as PollBody).comments).toHaveLength(2);
  });
});

import { registrationAnswers } from '@samverka/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventInput } from '../../../tests/support/fixtures.ts';
import { bearer, expectError, makeTestApp, type TestApp } from './helpers.ts';

// The registration questions and copying an event over HTTP: shapes, status codes, detail codes,
// and that a refused request changes nothing.

let t: TestApp;
let lead: { token: string };
let cohost: { token: string };
let outsider: { token: string };
const YEAR = new Date().getUTCFullYear() + 2;

beforeAll(async () => {
  t = await makeTestApp();
  lead = await t.login('coordinator', { clusters: ['agro-orebro'] });
  cohost = await t.login('coordinator', { clusters: ['froda'] });
  outsider = await t.login('coordinator', { clusters: ['gront-center'] });
});
afterAll(() => t.close());

interface Q {
  id: number;
  kind: string;
  label: string;
  required: boolean;
  choices: string[];
}

async function newEvent(publish = true): Promise<number> {
  const res = await t.inject({
    method: 'POST',
    url: '/api/events',
    headers: bearer(lead.token),
    payload: eventInput({ start: `${YEAR}-05-10T09:00`, end: `${YEAR}-05-10T12:00`, capacity: 10 }),
  });
  const id = (res.json() as { event: { id: number } }).event.id;
  await t.inject({ method: 'POST', url: `/api/events/${id}/organisers`, headers: bearer(lead.token), payload: { cluster: 'froda' } });
  await t.inject({
    method: 'POST',
    url: `/api/events/${id}/organisers/froda/answer`,
    headers: bearer(cohost.token),
    payload: { accept: true },
  });
  if (publish)
    expect((await t.inject({ method: 'POST', url: `/api/events/${id}/publish`, headers: bearer(lead.token) })).statusCode).toBe(200);
  return id;
}

const QUESTIONS = [
  { kind: 'single_choice', label: 'Vilket pass?', required: true, choices: ['Förmiddag', 'Eftermiddag'] },
  { kind: 'yes_no', label: 'Driver du en gård?', required: true },
  { kind: 'short_text', label: 'Fakturareferens' },
];

const put = (id: number, questions: unknown, token: string | null = lead.token) =>
  t.inject({ method: 'PUT', url: `/api/events/${id}/questions`, headers: token ? bearer(token) : {}, payload: { questions } });
const getQs = async (id: number, token?: string) =>
  (await t.inject({ method: 'GET', url: `/api/events/${id}/questions`, headers: token ? bearer(token) : {} })).json() as Q[];
const register = (id: number, email: string, answers: unknown) =>
  t.inject({
    method: 'POST',
    url: `/api/events/${id}/registrations`,
    payload: { name: 'Anna', email, organisation: 'Gården AB', consent: true, answers },
  });

describe('PUT and GET /api/events/:id/questions', () => {
  it('stores the questions for the organisers (co-hosts too) and shows them to everyone who may see the event', async () => {
    const id = await newEvent();
    const res = await put(id, QUESTIONS);
    expect(res.statusCode, res.body).toBe(200);
    const qs = res.json() as Q[];
    expect(qs.map((q) => [q.kind, q.label, q.required, q.choices])).toEqual([
      ['single_choice', 'Vilket pass?', true, ['Förmiddag', 'Eftermiddag']],
      ['yes_no', 'Driver du en gård?', true, []],
      ['short_text', 'Fakturareferens', false, []],
    ]);
    expect(await getQs(id)).toEqual(qs);
    expect((await put(id, [{ ...QUESTIONS[0], id: qs[0]!.id }], cohost.token)).statusCode).toBe(200);
    expect((await getQs(id)).map((q) => q.id)).toEqual([qs[0]!.id]);
  });

  it('refuses others (401, 403, 404 for a draft), a cancelled event (409) and invalid questions (400 with details); nothing changes', async () => {
    const id = await newEvent();
    const before = (await put(id, QUESTIONS)).json() as Q[];
    expectError(await put(id, [], null), 401);
    expectError(await put(id, [], outsider.token), 403);
    const invalid = expectError(await put(id, [{ kind: 'single_choice', label: '', choices: ['A'] }]), 400, 'invalid_questions');
    expect(invalid.details).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ field: 'questions/0/label', code: 'required' }),
        expect.objectContaining({ field: 'questions/0/choices', code: 'too_short', params: { min: 2 } }),
      ]),
    );
    // The schema's own limits: 21 questions, an unknown kind.
    expectError(
      await put(
        id,
        Array.from({ length: 21 }, (_, i) => ({ kind: 'short_text', label: `F${i}` })),
      ),
      400,
      'invalid_request',
    );
    expectError(await put(id, [{ kind: 'date', label: 'När?' }]), 400, 'invalid_request');
    expect(await getQs(id)).toEqual(before);

    const draft = await newEvent(false);
    expectError(await put(draft, QUESTIONS, outsider.token), 404);
    expectError(await t.inject({ method: 'GET', url: `/api/events/${draft}/questions` }), 404);

    expect(
      (await t.inject({ method: 'POST', url: `/api/events/${id}/cancel`, headers: bearer(lead.token), payload: { reason: 'Sjuk' } }))
        .statusCode,
    ).toBe(200);
    expectError(await put(id, []), 409, 'event_cancelled');
    expect(await getQs(id)).toEqual(before);
  });
});

describe('answers on POST /api/events/:id/registrations', () => {
  it('are stored, shown in the attendee list and the personal data export, and erased with the personal data', async () => {
    const id = await newEvent();
    const qs = (await put(id, QUESTIONS)).json() as Q[];
    const res = await register(id, 'anna@example.se', [
      { question: qs[0]!.id, value: 'Förmiddag' },
      { question: qs[1]!.id, value: true },
    ]);
    expect(res.statusCode, res.body).toBe(201);
    const { token, registration } = res.json() as { token: string; registration: { answers: unknown } };
    expect(registration.answers).toEqual([
      { question: qs[0]!.id, value: 'Förmiddag' },
      { question: qs[1]!.id, value: true },
    ]);
    const list = (await t.inject({ method: 'GET', url: `/api/events/${id}/registrations`, headers: bearer(lead.token) })).json() as {
      questions: Q[];
      attendees: { answers: unknown }[];
    };
    expect(list.questions).toEqual(qs);
    expect(list.attendees[0]?.answers).toEqual(registration.answers);
    const data = (await t.inject({ method: 'GET', url: `/api/registrations/${token}/personal-data` })).json() as {
      registrations: { answers: unknown }[];
    };
    expect(data.registrations[0]?.answers).toEqual([
      { question: 'Vilket pass?', answer: 'Förmiddag' },
      { question: 'Driver du en gård?', answer: 'Ja' },
    ]);
    expect(t.db.select().from(registrationAnswers).all().length).toBeGreaterThan(0);
    expect((await t.inject({ method: 'DELETE', url: `/api/registrations/${token}` })).statusCode).toBe(204);
    const left = (await t.inject({ method: 'GET', url: `/api/events/${id}/registrations`, headers: bearer(lead.token) })).json() as {
      attendees: unknown[];
    };
    expect(left.attendees).toEqual([]);
    const ids = new Set(qs.map((q) => q.id));
    expect(
      t.db
        .select()
        .from(registrationAnswers)
        .all()
        .filter((a) => ids.has(a.questionId)),
    ).toEqual([]);
  });

  it('refuses missing, unknown and wrongly typed answers with a detail per question (400), registering nobody', async () => {
    const id = await newEvent();
    const qs = (await put(id, QUESTIONS)).json() as Q[];
    const err = expectError(
      await register(id, 'bo@example.se', [
        { question: qs[0]!.id, value: 'Natt' },
        { question: qs[2]!.id, value: 'x'.repeat(301) },
      ]),
      400,
      'invalid_registration',
    );
    expect(err.details).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ field: `answers/${qs[0]!.id}`, code: 'unknown_choice' }),
        expect.objectContaining({ field: `answers/${qs[1]!.id}`, code: 'required' }),
        expect.objectContaining({ field: `answers/${qs[2]!.id}`, code: 'too_long', params: { max: 300 } }),
      ]),
    );
    const typed = expectError(
      await register(id, 'bo@example.se', [
        { question: qs[0]!.id, value: 'Förmiddag' },
        { question: qs[1]!.id, value: 'ja' },
      ]),
      400,
    );
    expect(typed.details).toContainEqual(expect.objectContaining({ field: `answers/${qs[1]!.id}`, code: 'wrong_type' }));
    const list = (await t.inject({ method: 'GET', url: `/api/events/${id}/registrations`, headers: bearer(lead.token) })).json() as {
      attendees: unknown[];
    };
    expect(list.attendees).toEqual([]);
  });
});

describe('answers on PATCH /api/registrations/:token', () => {
  it('the participant changes their answers, checked as at registration: 400 with a detail per question changes nothing', async () => {
    const id = await newEvent();
    const qs = (await put(id, QUESTIONS)).json() as Q[];
    const { token } = (
      await register(id, 'cilla@example.se', [
        { question: qs[0]!.id, value: 'Förmiddag' },
        { question: qs[1]!.id, value: true },
      ])
    ).json() as { token: string };
    const patch = (payload: Record<string, unknown>) => t.inject({ method: 'PATCH', url: `/api/registrations/${token}`, payload });
    const stored = async () =>
      (await t.inject({ method: 'GET', url: `/api/registrations/${token}` })).json() as { name: string; answers: unknown };

    const ok = await patch({
      answers: [
        { question: qs[0]!.id, value: 'Eftermiddag' },
        { question: qs[1]!.id, value: false },
        { question: qs[2]!.id, value: ' REF 9 ' },
      ],
    });
    expect(ok.statusCode, ok.body).toBe(200);
    const changed = [
      { question: qs[0]!.id, value: 'Eftermiddag' },
      { question: qs[1]!.id, value: false },
      { question: qs[2]!.id, value: 'REF 9' },
    ];
    expect((ok.json() as { answers: unknown }).answers).toEqual(changed);

    const err = expectError(
      await patch({
        name: 'Nytt Namn',
        answers: [
          { question: qs[0]!.id, value: 'Natt' },
          { question: qs[2]!.id, value: 'x'.repeat(301) },
        ],
      }),
      400,
      'invalid_registration',
    );
    expect(err.details).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ field: `answers/${qs[0]!.id}`, code: 'unknown_choice' }),
        expect.objectContaining({ field: `answers/${qs[1]!.id}`, code: 'required' }),
        expect.objectContaining({ field: `answers/${qs[2]!.id}`, code: 'too_long', params: { max: 300 } }),
      ]),
    );
    expect(await stored()).toMatchObject({ name: 'Anna', answers: changed });
  });
});

describe('POST /api/events/:id/copy', () => {
  it('makes a draft at the new start with the same questions and organisers, and no registrations', async () => {
    const id = await newEvent();
    const qs = (await put(id, QUESTIONS)).json() as Q[];
    expect(
      (
        await register(id, 'cecilia@example.se', [
          { question: qs[0]!.id, value: 'Förmiddag' },
          { question: qs[1]!.id, value: false },
        ])
      ).statusCode,
    ).toBe(201);
    const res = await t.inject({
      method: 'POST',
      url: `/api/events/${id}/copy`,
      headers: bearer(lead.token),
      payload: { start: `${YEAR + 1}-05-12T13:00` },
    });
    expect(res.statusCode, res.body).toBe(201);
    const copy = (res.json() as { event: { id: number; status: string; start: string; end: string; organisers: unknown[]; title: string } })
      .event;
    expect([copy.status, copy.start, copy.end]).toEqual(['draft', `${YEAR + 1}-05-12T13:00`, `${YEAR + 1}-05-12T16:00`]);
    expect(copy.organisers).toHaveLength(2);
    expect((await getQs(copy.id, lead.token)).map(({ id: _, ...q }) => q)).toEqual(qs.map(({ id: _, ...q }) => q));
    const list = (await t.inject({ method: 'GET', url: `/api/events/${copy.id}/registrations`, headers: bearer(lead.token) })).json() as {
      attendees: unknown[];
    };
    expect(list.attendees).toEqual([]);
  });

  it('refuses without a new start (400 copy_start_required), and for others (401, 403): no event is made', async () => {
    const id = await newEvent();
    const count = async () =>
      (
        (await t.inject({ method: 'GET', url: '/api/events?status=draft&limit=200', headers: bearer(lead.token) })).json() as {
          events: unknown[];
        }
      ).events.length;
    const before = await count();
    const copy = (token: string | null, payload: unknown) =>
      t.inject({ method: 'POST', url: `/api/events/${id}/copy`, headers: token ? bearer(token) : {}, payload: payload as object });
    const missing = expectError(await copy(lead.token, {}), 400, 'copy_start_required');
    expect(missing.details).toEqual([expect.objectContaining({ field: 'start', code: 'required' })]);
    expectError(await copy(null, { start: `${YEAR + 1}-05-12T13:00` }), 401);
    expectError(await copy(outsider.token, { start: `${YEAR + 1}-05-12T13:00` }), 403);
    expectError(await copy(cohost.token, { start: `${YEAR + 1}-05-12T13:00` }), 403);
    expectError(await copy(lead.token, { start: 'next tuesday' }), 400, 'invalid_request');
    expect(await count()).toBe(before);
    const view = (await t.inject({ method: 'GET', url: `/api/events/${id}`, headers: bearer(lead.token) })).json() as { canCopy: boolean };
    expect(view.canCopy).toBe(true);
  });
});

describe('GET /api/events/:id/overview', () => {
  it('answers what the event, registration summary, questions and materials calls answer, for each reader', async () => {
    const id = await newEvent();
    const qs = (await put(id, QUESTIONS)).json() as Q[];
    const link = await t.inject({
      method: 'POST',
      url: `/api/events/${id}/materials/links`,
      headers: bearer(lead.token),
      payload: { title: 'Presentation', url: 'https://example.se/p', visibility: 'participants' },
    });
    expect(link.statusCode).toBe(201);
    const doc = await t.inject({
      method: 'PUT',
      url: `/api/events/${id}/documentation`,
      headers: bearer(lead.token),
      payload: { body: 'Vi gick **över fälten**.' },
    });
    expect(doc.statusCode).toBe(200);
    const registered = await register(id, 'overview@example.se', [
      { question: qs[0]!.id, value: 'Förmiddag' },
      { question: qs[1]!.id, value: true },
    ]);
    expect(registered.statusCode, registered.body).toBe(201);
    for (const token of [null, lead.token, outsider.token]) {
      const headers = token ? bearer(token) : {};
      const get = async (path: string) => {
        const res = await t.inject({ method: 'GET', url: `/api/events/${id}${path}`, headers });
        expect(res.statusCode, path).toBe(200);
        return res.json() as unknown;
      };
      expect(await get('/overview')).toEqual({
        event: await get(''),
        registrationSummary: await get('/registration-summary'),
        questions: await get('/questions'),
        materials: await get('/materials'),
      });
    }
    // The organisers see the participants-only link, a visitor does not.
    const overview = async (token: string | null) =>
      (await t.inject({ method: 'GET', url: `/api/events/${id}/overview`, headers: token ? bearer(token) : {} })).json() as {
        registrationSummary: { confirmed: number };
        materials: { materials: { title: string }[] };
      };
    expect((await overview(lead.token)).materials.materials.map((m) => m.title)).toEqual(['Presentation']);
    expect((await overview(null)).materials.materials).toEqual([]);
    expect((await overview(null)).registrationSummary.confirmed).toBe(1);
  });

  it('adds the change log with audit=true only for a reader who may edit the event, as GET …/audit answers it', async () => {
    const id = await newEvent();
    const get = async (path: string, token: string | null) => {
      const res = await t.inject({ method: 'GET', url: `/api/events/${id}${path}`, headers: token ? bearer(token) : {} });
      expect(res.statusCode, path).toBe(200);
      return res.json() as Record<string, unknown>;
    };
    const log = await get('/audit', lead.token);
    expect(log).not.toEqual([]);
    expect(await get('/overview?audit=true', lead.token)).toEqual({ ...(await get('/overview', lead.token)), audit: log });
    for (const token of [null, outsider.token]) expect(await get('/overview?audit=true', token)).not.toHaveProperty('audit');
    expect(await get('/overview', lead.token)).not.toHaveProperty('audit');
  });

  it('is 404 for a draft to those who may not see it, as the event is, and 400 for an id that is not one', async () => {
    const id = await newEvent(false);
    expectError(await t.inject({ method: 'GET', url: `/api/events/${id}/overview` }), 404, 'unknown_event');
    expectError(
      await t.inject({ method: 'GET', url: `/api/events/${id}/overview`, headers: bearer(outsider.token) }),
      404,
      'unknown_event',
    );
    expect((await t.inject({ method: 'GET', url: `/api/events/${id}/overview`, headers: bearer(lead.token) })).statusCode).toBe(200);
    expectError(await t.inject({ method: 'GET', url: '/api/events/abc/overview' }), 400);
  });
});

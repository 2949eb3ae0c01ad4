import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventInput } from '../support/fixtures.ts';
import { startServer, type RunningServer } from '../support/server.ts';

// 200 people register at the same moment for 50 seats, over real HTTP against the built
// server (one process, one SQLite file): exactly 50 seats are given, the other 150 wait in
// positions 1..150, and nothing answers 5xx.

const ADMIN = { email: 'sekretariat@example.se', password: 'ett långt lösenord' };
const SEATS = 50;
const PEOPLE = 200;

let server: RunningServer;
let token: string;

beforeAll(async () => {
  // A whole region may register from one address; the default limit (60 a minute) would refuse most.
  server = await startServer({ REGISTRATION_RATE_LIMIT: '100000' });
  server.createAdmin(ADMIN.email, ADMIN.password);
  const login = await fetch(`${server.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(ADMIN),
  });
  expect(login.status).toBe(200);
  token = ((await login.json()) as { token: string }).token;
});

afterAll(async () => {
  await server?.stop();
});

async function api(method: string, path: string, body?: unknown) {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('registration under concurrency', () => {
  it(`${PEOPLE} simultaneous registrations for ${SEATS} seats: exactly ${SEATS} confirmed, ${PEOPLE - SEATS} waiting in positions 1..${PEOPLE - SEATS}, no 5xx`, async () => {
    // Admins may create events for any cluster.
    const created = await api(
      'POST',
      '/api/events',
      eventInput({
        title: 'Stämma om beredskapslager',
        kind: 'conference',
        end: '2031-03-10T16:00',
        venueName: 'Konserthuset',
        capacity: SEATS,
      }),
    );
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const id = (created.body.event as { id: number }).id;
    expect((await api('POST', `/api/events/${id}/publish`)).status).toBe(200);

    // Every request is started before any answer is awaited.
    const answers = await Promise.all(
      Array.from({ length: PEOPLE }, (_, i) =>
        fetch(`${server.url}/api/events/${id}/registrations`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ name: `Deltagare ${i}`, email: `deltagare-${i}@example.se`, organisation: 'Gården AB', consent: true }),
        }).then(async (res) => ({
          status: res.status,
          body: (await res.json()) as {
            registration: { id: number; status: string; position: number | null };
            token: string | null;
            created: boolean;
          },
        })),
      ),
    );

    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s >= 500)).toEqual([]);
    expect(new Set(statuses)).toEqual(new Set([201]));
    const confirmed = answers.filter((a) => a.body.registration.status === 'confirmed');
    const waitlisted = answers.filter((a) => a.body.registration.status === 'waitlisted');
    expect(confirmed).toHaveLength(SEATS);
    expect(waitlisted).toHaveLength(PEOPLE - SEATS);
    for (const c of confirmed) expect(c.body.registration.position).toBeNull();
    // Positions as each answer gave them: every number from 1 to 150 exactly once.
    expect(waitlisted.map((w) => w.body.registration.position).sort((a, b) => a! - b!)).toEqual(
      Array.from({ length: PEOPLE - SEATS }, (_, i) => i + 1),
    );
    expect(new Set(answers.map((a) => a.body.token)).size).toBe(PEOPLE);
    expect(new Set(answers.map((a) => a.body.registration.id)).size).toBe(PEOPLE);

    // The organisers' list agrees with what each person was told.
    const list = await api('GET', `/api/events/${id}/registrations`);
    expect(list.status).toBe(200);
    const attendees = list.body.attendees as { id: number; status: string; position: number | null }[];
    expect(list.body).toMatchObject({ capacity: SEATS, confirmed: SEATS, waitlisted: PEOPLE - SEATS, cancelled: 0 });
    expect(attendees).toHaveLength(PEOPLE);
    const told = new Map(answers.map((a) => [a.body.registration.id, [a.body.registration.status, a.body.registration.position]]));
    for (const a of attendees) expect([a.status, a.position], `registration ${a.id}`).toEqual(told.get(a.id));
    expect(attendees.filter((a) => a.status === 'waitlisted').map((a) => a.position)).toEqual(
      Array.from({ length: PEOPLE - SEATS }, (_, i) => i + 1),
    );

    const summary = await fetch(`${server.url}/api/events/${id}/registration-summary`).then((r) => r.json());
    expect(summary).toMatchObject({ capacity: SEATS, confirmed: SEATS, waitlisted: PEOPLE - SEATS, seatsLeft: 0, open: true });
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, expectError, makeTestApp, type TestApp } from './helpers.ts';

let t: TestApp;
beforeAll(async () => {
  t = await makeTestApp();
});
afterAll(() => t.close());

const url = '/api/me/notification-settings';

describe('GET /api/me/notification-settings', () => {
  it('gives every category its default and every theme followed', async () => {
    const { token } = await t.login('coordinator');
    const res = await t.inject({ method: 'GET', url, headers: bearer(token) });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      modes: { registrations: 'daily', cohost_invited: 'immediate', poll_invited: 'immediate', proposal_new: 'daily' },
      allThemes: true,
      canFollowThemes: true,
    });
    expect(Object.keys(res.json().modes)).toHaveLength(13);
    expect(res.json().themes).toHaveLength(6);
  });

  it('401 without a token', async () => {
    expectError(await t.inject({ method: 'GET', url }), 401, 'login_required');
  });
});

describe('PUT /api/me/notification-settings', () => {
  it('saves modes and followed themes; what is left out stays', async () => {
    const { token } = await t.login('coordinator');
    const res = await t.inject({
      method: 'PUT',
      url,
      headers: bearer(token),
      payload: { modes: { registrations: 'immediate', poll_closing: 'off' }, allThemes: false, themes: ['krisberedskap'] },
    });
    expect(res.statusCode).toBe(200);
    const again = (await t.inject({ method: 'GET', url, headers: bearer(token) })).json();
    expect(again.modes).toMatchObject({ registrations: 'immediate', poll_closing: 'off', cohost_invited: 'immediate' });
    expect(again).toMatchObject({ allThemes: false, themes: [{ slug: 'krisberedskap', name: 'Krisberedskap och självförsörjning' }] });
  });

  it.each([
    ['an unknown mode', { modes: { registrations: 'weekly' } }, 'modes'],
    ['an unknown category', { modes: { gossip: 'off' } }, 'modes'],
    ['an unknown property', { sound: true }, 'body'],
  ])('400 for %s', async (_what, payload, field) => {
    const { token } = await t.login('participant');
    const res = await t.inject({ method: 'PUT', url, headers: bearer(token), payload });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details.some((d: { field: string }) => d.field.startsWith(field === 'body' ? 'body' : `body/${field}`))).toBe(
      true,
    );
  });

  it('400 with a detail on themes for an unknown theme and for no theme', async () => {
    const { token } = await t.login('coordinator');
    const unknown = await t.inject({ method: 'PUT', url, headers: bearer(token), payload: { allThemes: false, themes: ['inget-tema'] } });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error.details).toEqual([expect.objectContaining({ field: 'themes', code: 'unknown_choice' })]);
    const none = await t.inject({ method: 'PUT', url, headers: bearer(token), payload: { allThemes: false, themes: [] } });
    expect(none.json().error.details).toEqual([expect.objectContaining({ field: 'themes', code: 'required' })]);
  });

  it('401 without a token', async () => {
    expectError(await t.inject({ method: 'PUT', url, payload: { modes: { registrations: 'off' } } }), 401, 'login_required');
  });
});

import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { callApi } from './api.ts';
import { launchBrowser } from './browser.ts';
import { toAddress, type TestSmtp } from './smtp.ts';

/** Logs in through the login form (Swedish labels), ending on /konto (an admin or participant without a cluster lands there). */
export async function logInWithForm(p: Page, baseUrl: string, email: string, password: string): Promise<void> {
  await p.goto(`${baseUrl}/logga-in`);
  await p.getByLabel('E-postadress').first().fill(email);
  await p.getByLabel('Lösenord').fill(password);
  await p.getByRole('button', { name: 'Logga in' }).click();
  await p.waitForURL(/\/konto$/);
}

/**
 * A Chromium with JavaScript off, logged in through the form as the admin whose API token is
 * `token`; the admin is then made coordinator of `cluster` too (after logging in, since a
 * coordinator lands on the dashboard, not on /konto). Returns the browser and its page.
 */
export async function adminCoordinatingInBrowser(
  baseUrl: string,
  admin: { email: string; password: string },
  token: string,
  cluster: string,
): Promise<{ browser: Awaited<ReturnType<typeof launchBrowser>>; page: Page }> {
  const browser = await launchBrowser({ javaScriptEnabled: false });
  const page = browser.context.pages()[0] ?? (await browser.context.newPage());
  await logInWithForm(page, baseUrl, admin.email, admin.password);
  const me = (await callApi(baseUrl, token, 'GET', '/api/me')).body as { id: number };
  expect((await callApi(baseUrl, token, 'PUT', `/api/admin/users/${me.id}/clusters/${cluster}`)).status).toBe(200);
  return { browser, page };
}

export interface Invitee {
  email: string;
  name: string;
  cluster: string;
}

/**
 * The admin (already logged in on `admin`) invites each person as coordinator of their cluster
 * in the admin UI; each then logs in from the mailed link in their own page, ending on their
 * cluster's dashboard (/mitt-kluster), where a coordinator lands.
 */
export async function inviteCoordinators(admin: Page, baseUrl: string, smtp: TestSmtp, people: [Invitee, Page][]): Promise<void> {
  for (const [person] of people) {
    await admin.goto(`${baseUrl}/admin/anvandare`);
    await admin.getByLabel('Namn').fill(person.name);
    await admin.getByLabel('E-post', { exact: true }).fill(person.email);
    await admin.getByLabel('Koordinator för', { exact: true }).selectOption(person.cluster);
    await admin.getByRole('button', { name: 'Skicka inbjudan' }).click();
    await expect(admin.getByRole('status').textContent()).resolves.toContain(person.email);
  }
  for (const [person, q] of people) {
    const mail = await smtp.waitFor((msg) => toAddress(msg) === person.email);
    const link = /(http:\/\/\S+\/logga-in\/lank\?token=[\w-]+)/.exec(mail.text ?? '')?.[1];
    expect(link).toBeTruthy();
    await q.goto(link!);
    await q.getByRole('button', { name: 'Logga in' }).click();
    await q.waitForURL(/\/mitt-kluster$/);
  }
}

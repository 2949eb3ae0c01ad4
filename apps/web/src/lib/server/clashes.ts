import type { Api, Clash } from './api.ts';

/**
 * Other published network events overlapping [startsAt, endsAt): the API's clash rule, read back
 * with one list call, so a page reached by redirect after a save can show the warning again.
 */
export async function clashesBetween(api: Api, startsAt: string, endsAt: string, exclude: readonly number[]): Promise<Clash[]> {
  const res = await api.events.list({ from: startsAt, to: endsAt, status: 'published', limit: 50 });
  if (!res.ok) return [];
  return res.data.events
    .filter((e) => !exclude.includes(e.id))
    .map((e) => ({ id: e.id, title: e.title, startsAt: e.startsAt, endsAt: e.endsAt, lead: e.lead.name }));
}

import { codePointLength, LIMITS } from '@samverka/contracts';
import { error, fail } from '@sveltejs/kit';
import { catalogues } from '$lib/i18n';
import { requireUser } from '$lib/server/auth';
import { errorPage, errorText, failFromApi } from '$lib/server/field-errors';
import { field } from '$lib/server/forms';
import { attendeeFilter } from '$lib/server/downloads';
import { idParam } from '$lib/server/ids';
import { redirectTo } from '$lib/server/redirects';
import { reference } from '$lib/server/reference';
import type { Actions, PageServerLoad } from './$types';
import { pageParam } from '$lib/paging';

/** A notice after a post, named by the query (ids and counts only: no names in addresses). */
function notice(url: URL): { kind: 'checkedIn' | 'undone'; id: number } | { kind: 'sent'; count: number } | null {
  const number = (name: string) => (/^\d{1,10}$/.test(url.searchParams.get(name) ?? '') ? Number(url.searchParams.get(name)) : null);
  const checkedIn = number('incheckad');
  const undone = number('angrad');
  const sent = number('skickat');
  if (checkedIn !== null) return { kind: 'checkedIn', id: checkedIn };
  if (undone !== null) return { kind: 'undone', id: undone };
  if (sent !== null) return { kind: 'sent', count: sent };
  return null;
}

/**
 * Rows on one page of the list: a screenful an organiser can scan; search and the filter find
 * the rest, and the downloads hold the whole list.
 */
const PAGE_SIZE = 100;

export const load: PageServerLoad = async ({ locals, params, url }) => {
  requireUser(locals, url);
  const id = idParam(params.id);
  const filter = attendeeFilter(url.searchParams);
  const page = pageParam(url);
  const [event, list, ref] = await Promise.all([
    locals.api.events.get(id),
    locals.api.registrations.attendees(id, { ...filter, page, limit: PAGE_SIZE }),
    reference(locals.api),
  ]);
  if (!event.ok) errorPage(event.error, locals.lang, event.status === 400 ? 404 : event.status);
  // The API decides who may see the list (organisers and network admins): 403 for others.
  if (!list.ok) {
    if (list.status === 403) error(403, catalogues[locals.lang].reg.attendeesForbidden);
    errorPage(list.error, locals.lang);
  }
  // The downloads carry the same filter as the list on the page.
  const sp = new URLSearchParams();
  if (filter.q) sp.set('sok', filter.q);
  if (filter.status) sp.set('status', filter.status);
  if (filter.cluster) sp.set('kluster', filter.cluster);
  const m = catalogues[locals.lang];
  const l = list.data;
  /** An answer as the organiser reads it in the page language. */
  const answerText = (value: string | boolean | string[] | undefined) => {
    if (value === undefined) return '';
    if (typeof value === 'boolean') return value ? m.answerYes : m.answerNo;
    return Array.isArray(value) ? value.join(', ') : value;
  };
  // Only what the table shows, not the registrations' full views (each with its event): less
  // to build and keep per row of a long list.
  const attendees = l.attendees.map((a) => ({
    id: a.id,
    status: a.status,
    position: a.position,
    name: a.name,
    email: a.email,
    organisation: a.organisation,
    county: a.county?.name ?? null,
    cluster: a.cluster?.name ?? null,
    dietaryNeeds: a.dietaryNeeds,
    accessibilityNeeds: a.accessibilityNeeds,
    checkedInAt: a.checkedInAt,
    answers: l.questions.map((q) => answerText(a.answers.find((x) => x.question === q.id)?.value)),
  }));
  return {
    event: event.data,
    list: {
      capacity: l.capacity,
      confirmed: l.confirmed,
      waitlisted: l.waitlisted,
      cancelled: l.cancelled,
      checkedIn: l.checkedIn,
      questions: l.questions.map((q) => ({ id: q.id, label: q.label })),
      attendees,
    },
    notice: notice(url),
    filter: { sok: filter.q ?? '', status: filter.status ?? '', kluster: filter.cluster ?? '' },
    filtered: sp.size > 0,
    downloadQuery: sp.size ? `?${sp}` : '',
    // The filter's query, to which the page links and the check-in forms add their page.
    filterQuery: sp.toString(),
    page,
    pages: Math.ceil(l.matching / PAGE_SIZE),
    firstRow: (page - 1) * PAGE_SIZE + 1,
    matching: l.matching,
    clusters: ref.clusters,
  };
};

const here = (id: number, query: string) => `/evenemang/${id}/deltagare?${query}`;

export const actions: Actions = {
  checkIn: async ({ locals, params, request }) => {
    const id = idParam(params.id);
    const form = await request.formData();
    const registrationId = Number(field(form, 'registration'));
    const checkedIn = field(form, 'checkedIn') === 'true';
    // Back to the page of the list the row was on, with its filter: the row and its name are there.
    const back = new URLSearchParams(field(form, 'back'));
    const kept = new URLSearchParams();
    for (const key of ['sok', 'status', 'kluster', 'sida']) {
      const value = back.get(key);
      if (value) kept.set(key, value);
    }
    if (!Number.isInteger(registrationId) || registrationId < 1)
      return fail(400, { action: 'checkIn', message: catalogues[locals.lang].formHasErrors, fields: {} });
    const res = await locals.api.registrations.checkIn(id, registrationId, checkedIn);
    if (!res.ok) {
      const message = errorText(res.error, catalogues[locals.lang]);
      return fail(Math.min(res.status, 500), { action: 'checkIn', message, fields: {} });
    }
    const rest = kept.size ? `&${kept}` : '';
    redirectTo(303, `${here(id, `${checkedIn ? 'incheckad' : 'angrad'}=${registrationId}${rest}`)}#r-${registrationId}`);
  },
  message: async ({ locals, params, request }) => {
    const id = idParam(params.id);
    const m = catalogues[locals.lang];
    const form = await request.formData();
    const values = { subject: field(form, 'subject'), body: field(form, 'body') };
    const fields: Record<string, string> = {};
    if (!values.subject) fields.subject = m.errRequired;
    else if (codePointLength(values.subject) > LIMITS.subject) fields.subject = m.reg.errTooLong(LIMITS.subject);
    if (!values.body) fields.body = m.errRequired;
    else if (codePointLength(values.body) > LIMITS.message) fields.body = m.reg.errTooLong(LIMITS.message);
    if (Object.keys(fields).length) return fail(400, { action: 'message', message: m.formHasErrors, fields, values });
    // A cancelled event takes only a message about the cancellation: the page marks it so.
    const aboutCancellation = form.get('aboutCancellation') === 'on';
    const res = await locals.api.registrations.message(id, { ...values, ...(aboutCancellation ? { aboutCancellation } : {}) });
    if (!res.ok) return fail(Math.min(res.status, 500), { ...failFromApi(res.error, locals.lang, values).data, action: 'message' });
    redirectTo(303, `${here(id, `skickat=${res.data.recipients}`)}#message-heading`);
  },
};

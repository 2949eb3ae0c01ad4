import { error, fail } from '@sveltejs/kit';
import { homeLocal } from '$lib/datetime';
import { catalogues } from '$lib/i18n';
import { actingClusters, coordinates } from '$lib/server/auth';
import { checkedValues } from '$lib/server/choices';
import { errorText, fieldErrors, fieldOfDetail } from '$lib/server/field-errors';
import { field } from '$lib/server/forms';
import { redirectTo } from '$lib/server/redirects';
import { reference } from '$lib/server/reference';
import type { Actions, PageServerLoad } from './$types';

/** Candidate times the form offers; the API takes up to 30, a meeting poll needs far fewer. */
const SLOT_INPUTS = 10;
const MIN_SLOTS = 2;
const LOCAL = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/;

export const load: PageServerLoad = async ({ locals, url }) => {
  if (!locals.user) redirectTo(303, `/logga-in?tillbaka=${encodeURIComponent(url.pathname)}`);
  if (!coordinates(locals.user)) error(403, catalogues[locals.lang].pollsForCoordinators);
  const ref = await reference(locals.api);
  // Past times are refused; `min` lets the browser say so before the post (polls are in Swedish time).
  return { clusters: actingClusters(locals.user), allClusters: ref.clusters, slotInputs: SLOT_INPUTS, minLocal: homeLocal(new Date()) };
};

export const actions: Actions = {
  default: async ({ locals, request }) => {
    const m = catalogues[locals.lang];
    const form = await request.formData();
    const values = {
      organiserCluster: field(form, 'organiserCluster'),
      title: field(form, 'title'),
      description: String(form.get('description') ?? '').trim(),
      durationMinutes: field(form, 'durationMinutes'),
      invitedClusters: checkedValues(form, 'invitedClusters'),
      slots: Array.from({ length: SLOT_INPUTS }, (_, i) => field(form, `slot${i}`)),
      closes: field(form, 'closes'),
      venueName: field(form, 'venueName'),
      onlineUrl: field(form, 'onlineUrl'),
    };
    const errors: Record<string, string> = {};
    for (const k of ['organiserCluster', 'title'] as const) if (!values[k]) errors[k] = m.errRequired;
    const minutes = Number(values.durationMinutes);
    if (!/^\d+$/.test(values.durationMinutes) || minutes < 15 || minutes > 1440) errors.durationMinutes = m.pollErrDuration;
    const invited = values.invitedClusters.filter((c) => c !== values.organiserCluster);
    if (invited.length === 0) errors.invitedClusters = m.errInviteCluster;
    // Which inputs were filled in, so an API message about the n-th time lands on its own input.
    const filled = values.slots.flatMap((s, i) => (s ? [i] : []));
    for (const i of filled) if (!LOCAL.test(values.slots[i]!)) errors[`slot${i}`] = m.errDateTime;
    for (const [n, i] of filled.entries())
      if (filled.slice(0, n).some((j) => values.slots[j] === values.slots[i])) errors[`slot${i}`] = m.pollErrSlotTwice;
    if (filled.length < MIN_SLOTS) errors.slots = m.pollErrSlotCount;
    if (!LOCAL.test(values.closes)) errors.closes = m.errDateTime;
    // Answers are of no use once a candidate time has begun. (Wall-clock strings of one zone compare as text.)
    else if (filled.some((i) => LOCAL.test(values.slots[i]!) && values.slots[i]! <= values.closes))
      errors.closes = m.pollErrClosesBeforeSlots;
    if (Object.keys(errors).length) return fail(400, { message: m.formHasErrors, fields: errors, values });

    const res = await locals.api.polls.create({
      organiserCluster: values.organiserCluster,
      title: values.title,
      description: values.description,
      durationMinutes: minutes,
      invitedClusters: invited,
      slots: filled.map((i) => values.slots[i]!),
      closes: values.closes,
      venueName: values.venueName || null,
      onlineUrl: values.onlineUrl || null,
    });
    if (!res.ok) {
      const fields = fieldErrors(res.error, m, (d) => {
        const slot = /^(?:body\/)?slots\/(\d+)/.exec(d.field ?? '');
        return slot ? `slot${filled[Number(slot[1])] ?? 0}` : fieldOfDetail(d);
      });
      const message = Object.keys(fields).length ? m.formHasErrors : errorText(res.error, m);
      return fail(Math.min(res.status, 500), { message, fields, values });
    }
    redirectTo(303, `/moten/${res.data.id}?klart=created`);
  },
};

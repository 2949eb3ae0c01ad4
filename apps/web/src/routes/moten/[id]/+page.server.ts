import { fail } from '@sveltejs/kit';
import { localIn } from '$lib/datetime';
import { catalogues } from '$lib/i18n';
import { requireUser } from '$lib/server/auth';
import { doneKey } from '$lib/server/choices';
import { errorPage, errorText, failFromApi, fieldErrors, fieldOfDetail } from '$lib/server/field-errors';
import { field } from '$lib/server/forms';
import { idParam } from '$lib/server/ids';
import { redirectTo } from '$lib/server/redirects';
import { reference, themeOptions } from '$lib/server/reference';
import { isEventVisibility } from '$lib/event-form';
import type { Actions, PageServerLoad } from './$types';

const ANSWERS = new Set(['yes', 'maybe', 'no']);
const LOCAL = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/;
/** New times the add form offers at once. */
const NEW_SLOTS = 3;

/**
 * Which cluster's answer form the page shows when the reader may answer for several (an admin
 * may answer for every cluster in the poll): one at a time, so the page stays light on a phone.
 * `asked` (?svara=slug) if the reader may answer for it; else the first of the reader's own
 * clusters; else the first that has not answered; else the first. null when there is none.
 */
function answerCluster(
  answerable: { slug: string }[],
  asked: string | null,
  own: { slug: string }[],
  answered: Set<string>,
): string | null {
  const slugs = answerable.map((c) => c.slug);
  if (asked && slugs.includes(asked)) return asked;
  return slugs.find((s) => own.some((c) => c.slug === s)) ?? slugs.find((s) => !answered.has(s)) ?? slugs[0] ?? null;
}

/** An IANA zone name the runtime knows ("Europe/Helsinki"), or null. */
function knownZone(name: string): string | null {
  if (!/^[A-Za-z_]+(?:\/[A-Za-z0-9_+-]+){0,2}$/.test(name) && name !== 'UTC') return null;
  try {
    return new Intl.DateTimeFormat('en', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
}

export const load: PageServerLoad = async ({ locals, params, url }) => {
  requireUser(locals, url);
  const id = idParam(params.id);
  const [res, ref] = await Promise.all([locals.api.polls.get(id), reference(locals.api)]);
  if (!res.ok) errorPage(res.error, locals.lang, res.status === 400 ? 404 : res.status);
  const tz = url.searchParams.get('tz')?.trim() ?? '';
  const zone = tz ? knownZone(tz) : null;
  const poll = res.data;
  const answered = new Set(poll.slots.flatMap((s) => s.answers.map((x) => x.cluster.slug)));
  return {
    // Only what the page renders: each answer names its cluster by slug only (the columns carry
    // the names), and a slot's wall-clock start is left to the formatters.
    poll: {
      ...poll,
      slots: poll.slots.map((slot) => ({
        id: slot.id,
        startsAt: slot.startsAt,
        endsAt: slot.endsAt,
        answers: slot.answers.map((x) => ({ cluster: x.cluster.slug, answer: x.answer, by: x.by })),
        score: slot.score,
        clashes: slot.clashes,
      })),
    },
    /** For the decide step: the draft's themes. */
    themes: themeOptions(ref.themes, locals.lang),
    tz,
    // A second column of times only when the reader asks for a zone other than the poll's.
    viewerZone: zone && zone !== res.data.timeZone ? zone : null,
    zoneUnknown: tz !== '' && zone === null,
    // The earliest time the date inputs offer: now, on the wall clock of the poll's zone.
    minLocal: localIn(new Date(), res.data.timeZone),
    newSlotInputs: NEW_SLOTS,
    answerFor: answerCluster(poll.canAnswerFor, url.searchParams.get('svara'), locals.user?.clusters ?? [], answered),
    /** The clusters that have answered (the links to their forms say so). */
    answered: [...answered],
    done: doneKey(url, catalogues[locals.lang].pollDone),
  };
};

export const actions: Actions = {
  answer: async ({ locals, params, request }) => {
    const id = idParam(params.id);
    const form = await request.formData();
    const cluster = field(form, 'cluster');
    const answers: { slotId: number; answer: 'yes' | 'maybe' | 'no' }[] = [];
    for (const [key, value] of form) {
      const slot = /^slot-([1-9]\d{0,9})$/.exec(key);
      if (slot && typeof value === 'string' && ANSWERS.has(value))
        answers.push({ slotId: Number(slot[1]), answer: value as 'yes' | 'maybe' | 'no' });
    }
    const values = { cluster, answers: Object.fromEntries(answers.map((a) => [a.slotId, a.answer])) as Record<string, string> };
    if (answers.length === 0) return fail(400, { action: 'answer', message: catalogues[locals.lang].pollErrNoAnswer, fields: {}, values });
    const res = await locals.api.polls.answer(id, { cluster, answers });
    if (!res.ok) {
      const failure = failFromApi(res.error, locals.lang, values);
      return fail(failure.status, { ...failure.data, action: 'answer' });
    }
    redirectTo(303, `/moten/${id}?svara=${encodeURIComponent(cluster)}&klart=answered#svar`);
  },
  finalise: async ({ locals, params, request }) => {
    const id = idParam(params.id);
    const form = await request.formData();
    const slotId = Number(field(form, 'slotId'));
    const slot = Number.isInteger(slotId) && slotId > 0 ? slotId : 0;
    // Deciding is final (an event is made and everyone is mailed): the first post asks, the second (confirm=yes) decides.
    if (field(form, 'confirm') !== 'yes') return { action: 'finalise', confirm: true, slotId: slot };
    // The draft's settings chosen in the decide step; what is left out takes finalisePoll's defaults.
    const themes = form.getAll('themes').filter((t): t is string => typeof t === 'string' && t !== '');
    const visibility = field(form, 'visibility');
    const venueName = field(form, 'venueName');
    const onlineUrl = field(form, 'onlineUrl');
    const res = await locals.api.polls.finalise(id, {
      slotId: slot,
      ...(themes.length ? { themes: [...new Set(themes)] } : {}),
      ...(isEventVisibility(visibility) ? { visibility } : {}),
      registrationEnabled: form.get('registrationEnabled') === 'on',
      ...(venueName ? { venueName } : {}),
      ...(onlineUrl ? { onlineUrl } : {}),
    });
    if (!res.ok) {
      const failure = failFromApi(res.error, locals.lang);
      return fail(failure.status, { ...failure.data, action: 'finalise' });
    }
    redirectTo(303, `/moten/${id}?klart=finalised`);
  },
  addSlots: async ({ locals, params, request }) => {
    const id = idParam(params.id);
    const m = catalogues[locals.lang];
    const form = await request.formData();
    const values = { slots: Array.from({ length: NEW_SLOTS }, (_, i) => field(form, `newSlot${i}`)) };
    const filled = values.slots.flatMap((s, i) => (s ? [i] : []));
    const fields: Record<string, string> = {};
    for (const i of filled) if (!LOCAL.test(values.slots[i]!)) fields[`newSlot${i}`] = m.errDateTime;
    if (filled.length === 0) fields.newSlot0 = m.pollErrNoNewSlot;
    if (Object.keys(fields).length) return fail(400, { action: 'addSlots', message: m.formHasErrors, fields, values });
    const res = await locals.api.polls.addSlots(id, { slots: filled.map((i) => values.slots[i]!) });
    if (!res.ok) {
      // "slots/1" is the second filled input, which need not be the second on the form.
      const named = fieldErrors(res.error, m, (d) => {
        const slot = /^(?:body\/)?slots\/(\d+)/.exec(d.field ?? '');
        return slot ? `newSlot${filled[Number(slot[1])] ?? 0}` : fieldOfDetail(d, { slots: 'newSlot0' });
      });
      for (const d of res.error.details ?? []) {
        const slot = /^(?:body\/)?slots\/(\d+)/.exec(d.field ?? '');
        if (slot && d.code === 'duplicate') named[`newSlot${filled[Number(slot[1])] ?? 0}`] = m.pollErrSlotExists;
      }
      const message = Object.keys(named).length ? m.formHasErrors : errorText(res.error, m);
      return fail(Math.min(res.status, 500), { action: 'addSlots', message, fields: named, values });
    }
    redirectTo(303, `/moten/${id}?klart=slotsAdded`);
  },
  removeSlot: async ({ locals, params, request }) => {
    const id = idParam(params.id);
    const form = await request.formData();
    const slotId = Number(field(form, 'slotId'));
    const slot = Number.isInteger(slotId) && slotId > 0 ? slotId : 0;
    // Answers go and people are mailed: the first post asks, the second (confirm=yes) removes.
    if (field(form, 'confirm') !== 'yes') return { action: 'removeSlot', confirm: true, slotId: slot };
    const res = await locals.api.polls.removeSlot(id, slot);
    if (!res.ok) {
      const failure = failFromApi(res.error, locals.lang);
      return fail(failure.status, { ...failure.data, action: 'removeSlot' });
    }
    redirectTo(303, `/moten/${id}?klart=slotRemoved`);
  },
  deadline: async ({ locals, params, request }) => {
    const id = idParam(params.id);
    const m = catalogues[locals.lang];
    const values = { closes: field(await request.formData(), 'closes') };
    if (!LOCAL.test(values.closes))
      return fail(400, {
        action: 'deadline',
        message: m.formHasErrors,
        fields: { closes: values.closes ? m.errDateTime : m.errRequired },
        values,
      });
    const res = await locals.api.polls.setDeadline(id, values);
    if (!res.ok) {
      const failure = failFromApi(res.error, locals.lang, values);
      return fail(failure.status, { ...failure.data, action: 'deadline' });
    }
    redirectTo(303, `/moten/${id}?klart=deadline`);
  },
  close: async ({ locals, params }) => {
    const id = idParam(params.id);
    const res = await locals.api.polls.close(id);
    if (!res.ok) {
      const failure = failFromApi(res.error, locals.lang);
      return fail(failure.status, { ...failure.data, action: 'deadline' });
    }
    redirectTo(303, `/moten/${id}?klart=closed`);
  },
  comment: async ({ locals, params, request }) => {
    const id = idParam(params.id);
    const m = catalogues[locals.lang];
    const values = { body: String((await request.formData()).get('body') ?? '').trim() };
    if (!values.body) return fail(400, { action: 'comment', message: m.formHasErrors, fields: { body: m.errRequired }, values });
    const res = await locals.api.polls.comment(id, values);
    if (!res.ok) {
      const failure = failFromApi(res.error, locals.lang, values);
      return fail(failure.status, { ...failure.data, action: 'comment' });
    }
    redirectTo(303, `/moten/${id}?klart=comment#kommentarer`);
  },
};

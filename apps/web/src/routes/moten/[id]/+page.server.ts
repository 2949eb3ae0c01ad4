import { fail } from '@sveltejs/kit';
import { catalogues } from '$lib/i18n';
import { requireUser } from '$lib/server/auth';
import { doneKey } from '$lib/server/choices';
import { errorPage, failFromApi } from '$lib/server/field-errors';
import { field } from '$lib/server/forms';
import { idParam } from '$lib/server/ids';
import { redirectTo } from '$lib/server/redirects';
import { reference, themeOptions } from '$lib/server/reference';
import { isEventVisibility } from '$lib/event-form';
import type { Actions, PageServerLoad } from './$types';

const ANSWERS = new Set(['yes', 'maybe', 'no']);

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
  return {
    poll: res.data,
    /** For the decide step: the draft's themes. */
    themes: themeOptions(ref.themes, locals.lang),
    tz,
    // A second column of times only when the reader asks for a zone other than the poll's.
    viewerZone: zone && zone !== res.data.timeZone ? zone : null,
    zoneUnknown: tz !== '' && zone === null,
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
    redirectTo(303, `/moten/${id}?klart=answered`);
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
};

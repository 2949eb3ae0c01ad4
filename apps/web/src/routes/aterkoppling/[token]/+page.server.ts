import { error, fail } from '@sveltejs/kit';
import { catalogues } from '$lib/i18n';
import { field } from '$lib/server/forms';
import { privatePageHeaders } from '$lib/server/registration-form';
import { redirectTo } from '$lib/server/redirects';
import type { Actions, PageServerLoad } from './$types';

/** The survey page reached from the mailed link; the address holds the link's secret. */
export const load: PageServerLoad = async ({ locals, params, url, setHeaders }) => {
  privatePageHeaders(setHeaders);
  const res = await locals.api.feedback.form(params.token);
  if (!res.ok) error(res.status === 400 ? 404 : res.status, catalogues[locals.lang].kb.invalidLink);
  const done = url.searchParams.get('klart');
  return { form: res.data, done: done === 'svarat' || done === 'avstatt' ? done : null };
};

const SCALE = /^[1-5]$/;

export const actions: Actions = {
  answer: async ({ locals, params, request }) => {
    const m = catalogues[locals.lang];
    const data = await request.formData();
    const values: Record<string, string> = {};
    for (const [k, v] of data.entries()) if (typeof v === 'string') values[k] = v;
    const fields: Record<string, string> = {};
    if (!SCALE.test(values.overall ?? '')) fields.overall = m.kb.errScale;
    if (!SCALE.test(values.usefulness ?? '')) fields.usefulness = m.kb.errScale;
    if (!['yes', 'maybe', 'no'].includes(values.willUse ?? '')) fields.willUse = m.kb.errWillUse;
    const comment = field(data, 'comment');
    if (comment.length > 3000) fields.comment = m.reg.errTooLong(3000);
    const form = await locals.api.feedback.form(params.token);
    if (!form.ok) error(404, m.kb.invalidLink);
    const answers: Record<string, number | string> = {};
    for (const q of form.data.questions) {
      const v = field(data, `q-${q.id}`);
      if (!v) continue;
      if (q.kind === 'scale') {
        if (SCALE.test(v)) answers[q.id] = Number(v);
        else fields[`q-${q.id}`] = m.kb.errScale;
      } else if (v.length > 2000) fields[`q-${q.id}`] = m.reg.errTooLong(2000);
      else answers[q.id] = v;
    }
    if (Object.keys(fields).length) return fail(400, { message: m.formHasErrors, fields, values });
    const res = await locals.api.feedback.answer(params.token, {
      overall: Number(values.overall),
      usefulness: Number(values.usefulness),
      willUse: values.willUse as 'yes' | 'maybe' | 'no',
      comment: comment || null,
      answers,
    });
    if (!res.ok) {
      const message =
        res.error.code === 'already_answered' ? m.kb.alreadyAnswered : res.error.code === 'survey_closed' ? m.kb.closed : m.formHasErrors;
      return fail(Math.min(res.status, 500), { message, fields: {}, values });
    }
    redirectTo(303, `/aterkoppling/${params.token}?klart=svarat`);
  },
  optOut: async ({ locals, params }) => {
    const res = await locals.api.feedback.optOut(params.token);
    if (!res.ok) error(404, catalogues[locals.lang].kb.invalidLink);
    redirectTo(303, `/aterkoppling/${params.token}?klart=avstatt`);
  },
};

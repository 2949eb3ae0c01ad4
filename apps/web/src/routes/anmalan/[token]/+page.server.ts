import { TOKEN_PATTERN } from '@samverka/contracts';
import { error, fail } from '@sveltejs/kit';
import { catalogues, type Lang } from '$lib/i18n';
import type { Api } from '$lib/server/api';
import { redirectTo } from '$lib/server/redirects';
import { reference } from '$lib/server/reference';
import {
  answersAsPosted,
  checkAnswers,
  checkRegistration,
  privatePageHeaders,
  readRegistrationForm,
  registrationFailure,
  registrationPatch,
  retentionMonths,
} from '$lib/server/registration-form';
import type { Actions, PageServerLoad } from './$types';
import { errorPage } from '$lib/server/field-errors';

// The participant's private page. The token in the address is the only key (no account): it is
// kept from other sites' Referer headers, caches and search engines (privatePageHeaders, noindex).
// The load sets the headers for every page this route renders, an action's answer included (an
// action's redirect leads within this site, where the posting page's own policy still applies).

/** The shape of a manage token (as the API checks it); anything else cannot exist. */
const TOKEN = new RegExp(TOKEN_PATTERN);

const DONE = ['anmald', 'sparad', 'avbokad'] as const;

async function registrationOr404(api: Api, token: string, lang: Lang) {
  const res = TOKEN.test(token) ? await api.registrations.get(token) : null;
  if (res?.ok) return res.data;
  if (res && res.status !== 404 && res.status !== 400) errorPage(res.error, lang);
  error(404, catalogues[lang].reg.notFound);
}

export const load: PageServerLoad = async ({ locals, params, url, setHeaders }) => {
  privatePageHeaders(setHeaders);
  const [registration, ref] = await Promise.all([registrationOr404(locals.api, params.token, locals.lang), reference(locals.api)]);
  const done = url.searchParams.get('klart');
  return {
    token: params.token,
    registration,
    // Changing and cancelling end with the event (registration-service.ts, assertNotEnded).
    ended: Date.now() >= Date.parse(registration.event.endsAt),
    counties: ref.counties,
    clusters: ref.clusters,
    retentionMonths: retentionMonths(),
    done: DONE.find((d) => d === done) ?? null,
    // Documentation and materials; participant-only ones once the seat is confirmed (links carry the token).
    materials: await locals.api.materials.participant(params.token).then((r) => (r.ok ? r.data : null)),
    /** The event's questions, to show the participant's answers with the questions as asked. */
    questions: await locals.api.events.questions(registration.event.id).then((r) => (r.ok ? r.data : [])),
    /** The stored answers as the form posts them, to fill the change form. */
    storedAnswers: answersAsPosted(registration.answers),
  };
};

const here = (token: string, done: string) => `/anmalan/${token}?klart=${done}`;

export const actions: Actions = {
  update: async ({ locals, params, request }) => {
    const m = catalogues[locals.lang];
    const values = readRegistrationForm(await request.formData());
    // The questions as the page showed them (none where the reader may not see them: answers then stay).
    const registration = await registrationOr404(locals.api, params.token, locals.lang);
    const questions = await locals.api.events.questions(registration.event.id).then((r) => (r.ok ? r.data : []));
    const fields = { ...checkRegistration(values, m, 'update'), ...checkAnswers(values, questions, m) };
    if (Object.keys(fields).length) return fail(400, { action: 'update', message: m.formHasErrors, fields, values });
    const res = await locals.api.registrations.update(params.token, registrationPatch(values, locals.lang, questions));
    if (!res.ok) {
      if (res.status === 404 || res.status === 400) error(404, m.reg.notFound);
      return registrationFailure(res.error, locals.lang, 'update', values);
    }
    redirectTo(303, here(params.token, 'sparad'));
  },
  // Cancelling and deleting take two posts: the first asks "are you sure?", the second (with
  // confirm=yes) does it. Without JavaScript there is no dialog to ask in.
  cancel: async ({ locals, params, request }) => {
    const m = catalogues[locals.lang];
    if ((await request.formData()).get('confirm') !== 'yes') return { action: 'cancel', confirming: true };
    const res = await locals.api.registrations.cancel(params.token);
    if (!res.ok) {
      if (res.status === 404 || res.status === 400) error(404, m.reg.notFound);
      // Cancelled already (a second tab, a repeated post): the page shows that state.
      if (res.error.code === 'already_cancelled') redirectTo(303, here(params.token, 'avbokad'));
      return registrationFailure(res.error, locals.lang, 'cancel', {});
    }
    redirectTo(303, here(params.token, 'avbokad'));
  },
  remove: async ({ locals, params, request }) => {
    const m = catalogues[locals.lang];
    if ((await request.formData()).get('confirm') !== 'yes') return { action: 'remove', confirming: true };
    const registration = await registrationOr404(locals.api, params.token, locals.lang);
    const res = await locals.api.registrations.deletePersonalData(params.token);
    if (!res.ok) {
      if (res.status === 404 || res.status === 400) error(404, m.reg.notFound);
      return registrationFailure(res.error, locals.lang, 'remove', {});
    }
    // The link no longer works, so the answer is on the event page.
    redirectTo(303, `/evenemang/${registration.event.id}?anmalan=raderad#anmalan`);
  },
};

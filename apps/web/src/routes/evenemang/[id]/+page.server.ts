import { fail } from '@sveltejs/kit';
import { catalogues } from '$lib/i18n';
import { clashesBetween } from '$lib/server/clashes';
import { errorPage, failFromApi } from '$lib/server/field-errors';
import { field } from '$lib/server/forms';
import { idParam } from '$lib/server/ids';
import { redirectTo } from '$lib/server/redirects';
import { reference, themeNames } from '$lib/server/reference';
import type { RegistrationSummary } from '@samverka/contracts';
import type { Event, Question } from '$lib/server/api';
import type { Reference } from '$lib/server/reference';
import {
  checkAnswers,
  checkRegistration,
  readRegistrationForm,
  registrationBody,
  registrationFailure,
  retentionMonths,
} from '$lib/server/registration-form';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, params, url }) => {
  const id = idParam(params.id);
  // One call for the event, its registration summary, questions and materials, and for a
  // logged-in reader who may edit the event its change log.
  const res = await locals.api.events.overview(id, locals.token !== null);
  if (!res.ok) errorPage(res.error, locals.lang, res.status === 400 ? 404 : res.status);
  const { event, registrationSummary, questions, materials, audit } = res.data;
  const [ref, clashes] = await Promise.all([
    reference(locals.api),
    url.searchParams.get('krockar') === '1' ? clashesBetween(locals.api, event.startsAt, event.endsAt, [event.id]) : [],
  ]);
  const done = url.searchParams.get('klart') ?? '';
  return {
    event: shownEvent(event),
    /** Over already: publishing asks "publish anyway?" first. */
    isOver: Date.parse(event.endsAt) <= Date.now(),
    themeNames: themeNames(ref.themes, locals.lang),
    audit: audit ?? [],
    clashes,
    inviteOptions: event.inviteOptions.map((c) => ({ value: c.slug, label: c.name })),
    /**
     * The clusters an organiser can share the invitation with (lib/components/CohostInvitationActions.svelte):
     * only when the user may send it. The same list as the registration form's.
     */
    shareClusters: event.announceAs.length > 0 ? ref.clusters : [],
    done: Object.hasOwn(catalogues[locals.lang].done, done) ? done : null,
    registration: registrationSection(registrationSummary, questions, ref, url),
    materials,
  };
};

/**
 * What the page and its sections show of the event: the API's view without the fields nobody
 * renders (the Markdown source, inviteOptions, which go out as their own list, the UID, the
 * local times, coordinates, the lead, the revision and timestamps), so the page's components
 * cannot come to depend on what the page does not show.
 */
function shownEvent(e: Event) {
  return {
    id: e.id,
    title: e.title,
    descriptionHtml: e.descriptionHtml,
    kind: e.kind,
    status: e.status,
    cancelReason: e.cancelReason,
    allDay: e.allDay,
    startsAt: e.startsAt,
    endsAt: e.endsAt,
    timeZone: e.timeZone,
    startDate: e.startDate,
    endDate: e.endDate,
    venueName: e.venueName,
    address: e.address,
    county: e.county,
    onlineUrl: e.onlineUrl,
    hasOnlineUrl: e.hasOnlineUrl,
    onlineUrlPublic: e.onlineUrlPublic,
    visibility: e.visibility,
    language: e.language,
    capacity: e.capacity,
    registrationOpensAt: e.registrationOpensAt,
    registrationClosesAt: e.registrationClosesAt,
    contactEmail: e.contactEmail,
    organisers: e.organisers,
    themes: e.themes,
    seriesId: e.seriesId,
    canEdit: e.canEdit,
    canInvite: e.canInvite,
    canUpdate: e.canUpdate,
    canPublish: e.canPublish,
    canCancel: e.canCancel,
    canDelete: e.canDelete,
    canSeeAttendees: e.canSeeAttendees,
    canCopy: e.canCopy,
    canAnswerAs: e.canAnswerAs,
    announceAs: e.announceAs,
  };
}

const back = (id: number, done: string) => `/evenemang/${id}?klart=${done}`;

export const actions: Actions = {
  publish: async ({ locals, params, request }) => {
    const id = idParam(params.id);
    const res = await locals.api.events.publish(id, field(await request.formData(), 'evenIfPast') === 'yes');
    // An event that is over: the page shows its warning with "publish anyway".
    if (!res.ok && res.error.code === 'in_the_past') return fail(422, { action: 'publish', pastWarning: true });
    if (!res.ok) return withAction('publish', failFromApi(res.error, locals.lang));
    redirectTo(303, back(id, 'published'));
  },
  cancel: async ({ locals, params, request }) => {
    const id = idParam(params.id);
    const reason = field(await request.formData(), 'reason');
    if (!reason)
      return fail(400, {
        action: 'cancel',
        message: catalogues[locals.lang].formHasErrors,
        fields: { reason: catalogues[locals.lang].errRequired },
        values: { reason },
      });
    const res = await locals.api.events.cancel(id, reason);
    if (!res.ok) return withAction('cancel', failFromApi(res.error, locals.lang, { reason }));
    redirectTo(303, back(id, 'cancelled'));
  },
  remove: async ({ locals, params, request }) => {
    const id = idParam(params.id);
    // Deleting has no undo: the first post asks, the second (confirm=yes) deletes.
    if (field(await request.formData(), 'confirm') !== 'yes') return { action: 'remove', confirm: true };
    const res = await locals.api.events.remove(id);
    if (!res.ok) return withAction('remove', failFromApi(res.error, locals.lang));
    redirectTo(303, '/mitt-kluster?klart=deleted');
  },
  invite: async ({ locals, params, request }) => {
    const id = idParam(params.id);
    const cluster = field(await request.formData(), 'cluster');
    if (!cluster)
      return fail(400, {
        action: 'invite',
        message: catalogues[locals.lang].formHasErrors,
        fields: { cluster: catalogues[locals.lang].errRequired },
      });
    const res = await locals.api.events.inviteCohost(id, cluster);
    if (!res.ok) return withAction('invite', failFromApi(res.error, locals.lang));
    redirectTo(303, back(id, 'invited'));
  },
  removeCohost: async ({ locals, params, request }) => {
    const id = idParam(params.id);
    const res = await locals.api.events.removeCohost(id, field(await request.formData(), 'cluster'));
    if (!res.ok) return withAction('cohosts', failFromApi(res.error, locals.lang));
    redirectTo(303, back(id, 'removed'));
  },
  answer: async ({ locals, params, request }) => {
    const id = idParam(params.id);
    const form = await request.formData();
    const accept = field(form, 'accept') === 'true';
    const res = await locals.api.events.answerCohostInvitation(id, field(form, 'cluster'), accept);
    if (!res.ok) return withAction('answer', failFromApi(res.error, locals.lang));
    // A declined cluster no longer sees a draft, so its coordinator goes back to their overview.
    redirectTo(303, accept ? back(id, 'accepted') : '/mitt-kluster?klart=declined');
  },
  register: async ({ locals, params, request }) => {
    const id = idParam(params.id);
    const m = catalogues[locals.lang];
    const values = readRegistrationForm(await request.formData());
    const questions = await locals.api.events.questions(id);
    if (!questions.ok) return registrationFailure(questions.error, locals.lang, 'register', values);
    const fields = { ...checkRegistration(values, m, 'participant'), ...checkAnswers(values, questions.data, m) };
    if (Object.keys(fields).length) return fail(400, { action: 'register', message: m.formHasErrors, fields, values });
    const res = await locals.api.registrations.register(id, registrationBody(values, locals.lang, questions.data));
    if (!res.ok) return registrationFailure(res.error, locals.lang, 'register', values);
    // An address already registered gets its link by mail; the page says no more than that.
    if (!res.data.created || !res.data.token) redirectTo(303, `/evenemang/${id}?anmalan=mejlad#anmalan`);
    redirectTo(303, `/anmalan/${res.data.token}?klart=anmald`);
  },
  // ---- Invitations (lib/components/CohostInvitationActions.svelte): mail the followers, share with other clusters ----
  sendAnnouncement: async ({ locals, params, request }) => {
    const id = idParam(params.id);
    const form = await request.formData();
    const cluster = field(form, 'cluster');
    // Mail cannot be called back: the first post asks, the second (confirm=yes) sends.
    if (field(form, 'confirm') !== 'yes') return { action: 'sendAnnouncement', confirm: true, values: { cluster } };
    const res = await locals.api.announcements.send(id, cluster);
    if (!res.ok) return withAction('sendAnnouncement', failFromApi(res.error, locals.lang));
    redirectTo(303, `/evenemang/${id}?inbjudan=skickad&antal=${res.data.recipients}#inbjudan`);
  },
  shareAnnouncement: async ({ locals, params, request }) => {
    const id = idParam(params.id);
    const form = await request.formData();
    const values = {
      fromCluster: field(form, 'fromCluster'),
      clusters: [...new Set(form.getAll('clusters').filter((c): c is string => typeof c === 'string' && c !== ''))],
    };
    if (values.clusters.length === 0) {
      const m = catalogues[locals.lang];
      return fail(400, { action: 'shareAnnouncement', message: m.formHasErrors, fields: { clusters: m.errInviteCluster }, values });
    }
    const res = await locals.api.announcements.share(id, values);
    if (!res.ok) return withAction('shareAnnouncement', failFromApi(res.error, locals.lang, values));
    redirectTo(303, `/evenemang/${id}?inbjudan=delad&antal=${values.clusters.length}#inbjudan`);
  },
};

/** Tags a failure with the form it came from, so the page shows it next to that form. */
function withAction<T extends object>(action: string, failure: { status: number; data: T }) {
  return fail(failure.status, { ...failure.data, action });
}

/** The registration section: seats and whether it is open, the form's choices, a notice after a post. */
function registrationSection(summary: RegistrationSummary, questions: Question[], ref: Reference, url: URL) {
  const notice = url.searchParams.get('anmalan');
  return {
    summary,
    /** The event's own questions, asked after the standard fields. */
    questions,
    counties: ref.counties,
    clusters: ref.clusters,
    retentionMonths: retentionMonths(),
    notice: notice === 'mejlad' || notice === 'raderad' ? notice : null,
  };
}

import { NotificationCategoryNames, type NotificationSettingsBody } from '@samverka/contracts';
import { fail } from '@sveltejs/kit';
import { catalogues, isLang } from '$lib/i18n';
import { failFromApi } from '$lib/server/field-errors';
import { field } from '$lib/server/forms';
import { redirectTo } from '$lib/server/redirects';
import { reference, themeOptions } from '$lib/server/reference';
import { clearSessionCookie } from '$lib/server/session';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url }) => {
  if (!locals.user) redirectTo(303, '/logga-in?tillbaka=/konto');
  // Right after closing the address, do not make a new one behind the person's back.
  const closed = url.searchParams.get('kalender') === 'stangd';
  const [feed, notifications] = await Promise.all([closed ? null : locals.api.me.feed(), locals.api.me.notificationSettings()]);
  return {
    me: locals.user,
    feed: feed?.ok ? feed.data : null,
    feedClosed: closed,
    feedRenewed: url.searchParams.get('kalender') === 'ny',
    notifications: notifications.ok ? notifications.data : null,
    themeOptions:
      notifications.ok && notifications.data.canFollowThemes ? themeOptions((await reference(locals.api)).themes, locals.lang) : [],
  };
};

export const actions: Actions = {
  renewFeed: async ({ locals }) => {
    const result = await locals.api.me.regenerateFeed();
    if (!result.ok) return failFromApi(result.error, locals.lang);
    redirectTo(303, '/konto?kalender=ny');
  },
  closeFeed: async ({ locals }) => {
    const result = await locals.api.me.revokeFeed();
    if (!result.ok) return failFromApi(result.error, locals.lang);
    redirectTo(303, '/konto?kalender=stangd');
  },
  password: async ({ locals, request }) => {
    const result = await locals.api.me.setPassword(String((await request.formData()).get('password') ?? ''));
    if (!result.ok) return failFromApi(result.error, locals.lang);
    return { passwordSaved: true };
  },
  logoutEverywhere: async ({ locals, cookies }) => {
    const result = await locals.api.auth.logoutEverywhere();
    if (!result.ok && result.status !== 401) return failFromApi(result.error, locals.lang);
    clearSessionCookie(cookies);
    redirectTo(303, '/?utloggad=1');
  },
  // Every category's select, and for coordinators the themes: all, or the ones ticked.
  notifications: async ({ locals, request }) => {
    const form = await request.formData();
    const modes: Record<string, string> = {};
    for (const category of NotificationCategoryNames) {
      const mode = field(form, `mode-${category}`);
      if (mode) modes[category] = mode;
    }
    const body: NotificationSettingsBody = { modes: modes as NotificationSettingsBody['modes'] };
    if (form.has('allThemes')) {
      body.allThemes = field(form, 'allThemes') === 'yes';
      if (!body.allThemes) body.themes = form.getAll('themes').map(String);
    }
    const result = await locals.api.me.setNotificationSettings(body);
    if (!result.ok) return failFromApi(result.error, locals.lang, { action: 'notifications', ...body });
    return { notificationsSaved: true };
  },
  language: async ({ locals, request }) => {
    const language = field(await request.formData(), 'language');
    const m = catalogues[locals.lang];
    if (!isLang(language)) return fail(400, { message: m.formHasErrors, fields: { language: m.accountLanguageChoose }, language: true });
    const result = await locals.api.me.setLanguage(language);
    if (!result.ok) return failFromApi(result.error, locals.lang);
    return { languageSaved: true };
  },
};

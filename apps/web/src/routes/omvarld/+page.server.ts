import { homeToday } from '$lib/datetime';
import { catalogues } from '$lib/i18n';
import { coordinates } from '$lib/server/auth';
import { doneKey } from '$lib/server/choices';
import { reference, themeNames, themeOptions } from '$lib/server/reference';
import type { PageServerLoad } from './$types';
import { errorPage } from '$lib/server/field-errors';

const SOON_DAYS = 30;

export const load: PageServerLoad = async ({ locals, url }) => {
  const ref = await reference(locals.api);
  const requested = url.searchParams.get('tema') ?? '';
  const theme = ref.themes.some((t) => t.slug === requested) ? requested : undefined;
  const [soon, all] = await Promise.all([
    locals.api.horizon.list({ theme, closingWithinDays: SOON_DAYS }),
    locals.api.horizon.list({ theme }),
  ]);
  if (!soon.ok) errorPage(soon.error, locals.lang);
  if (!all.ok) errorPage(all.error, locals.lang);
  return {
    soon: soon.data,
    items: all.data,
    theme: theme ?? '',
    unknownTheme: requested !== '' && !theme,
    themes: themeOptions(ref.themes, locals.lang),
    themeNames: themeNames(ref.themes, locals.lang),
    today: homeToday(),
    canPost: coordinates(locals.user),
    done: doneKey(url, catalogues[locals.lang].horizonDone),
  };
};

import { LIMITS } from '@samverka/contracts';
import { catalogues, type Lang } from '$lib/i18n';
import type { HorizonBody, HorizonItem } from './api.ts';
import { checkedValues } from './choices.ts';
import { field } from './forms.ts';

export interface HorizonValues {
  title: string;
  url: string;
  summary: string;
  source: string;
  themes: string[];
  deadline: string;
  /** The posting cluster; '' is the secretariat (admins only). */
  cluster: string;
}

export function horizonValues(item: HorizonItem): HorizonValues {
  return {
    title: item.title,
    url: item.url ?? '',
    summary: item.summary,
    source: item.source,
    themes: item.themes,
    deadline: item.deadline ?? '',
    cluster: item.cluster?.slug ?? '',
  };
}

/** Reads and checks the form: what was typed, the fields in error, and the body for the API. */
export function readHorizonForm(
  data: FormData,
  /** The user may post for the secretariat (the API's actsForNetwork), so naming no cluster is allowed. */
  secretariat: boolean,
  lang: Lang,
): { values: HorizonValues; errors: Record<string, string>; body: HorizonBody } {
  const m = catalogues[lang];
  const values: HorizonValues = {
    title: field(data, 'title'),
    url: field(data, 'url'),
    summary: String(data.get('summary') ?? '').trim(),
    source: field(data, 'source'),
    themes: checkedValues(data, 'themes'),
    deadline: field(data, 'deadline'),
    cluster: field(data, 'cluster'),
  };
  const errors: Record<string, string> = {};
  for (const k of ['title', 'summary', 'source'] as const) if (!values[k]) errors[k] = m.errRequired;
  if (values.themes.length === 0) errors.themes = m.errChooseTheme;
  else if (values.themes.length > LIMITS.themes) errors.themes = m.errTooManyThemes;
  if (values.deadline && !/^\d{4}-\d{2}-\d{2}$/.test(values.deadline)) errors.deadline = m.errDate;
  if (values.url && !/^https?:\/\/\S+$/.test(values.url)) errors.url = m.horizonErrUrl;
  if (!values.cluster && !secretariat) errors.cluster = m.errRequired;
  return {
    values,
    errors,
    body: {
      title: values.title,
      url: values.url || null,
      summary: values.summary,
      source: values.source,
      themes: values.themes,
      deadline: values.deadline || null,
      cluster: values.cluster || null,
    },
  };
}

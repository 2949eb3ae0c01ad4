import { catalogues, type Lang } from '$lib/i18n';
import type { Newsletter, NewsletterBody, User } from './api.ts';
import { actingClusters } from './auth.ts';
import { checkedValues } from './choices.ts';
import { field } from './forms.ts';
import type { Option } from './reference.ts';

export interface NewsletterValues {
  subject: string;
  body: string;
  themes: string[];
  clusters: string[];
  /** The sending cluster; '' is the secretariat (admins only). */
  cluster: string;
}

export function newsletterValues(n: Newsletter): NewsletterValues {
  return { subject: n.subject, body: n.body, themes: n.themes, clusters: n.clusters, cluster: n.from?.slug ?? '' };
}

/** Who may send as whom (the API's actsFor and actsForNetwork): a coordinator their clusters, an admin any cluster or the secretariat. */
export function senderOptions(user: User): { options: Option[]; secretariat: boolean } {
  return { options: actingClusters(user), secretariat: user.actsForNetwork };
}

/** Reads and checks the form: what was typed, the fields in error, and the body for the API. */
export function readNewsletterForm(
  data: FormData,
  user: User,
  lang: Lang,
): { values: NewsletterValues; errors: Record<string, string>; body: NewsletterBody } {
  const m = catalogues[lang];
  const values: NewsletterValues = {
    subject: field(data, 'subject'),
    body: String(data.get('body') ?? '').trim(),
    themes: checkedValues(data, 'themes'),
    clusters: checkedValues(data, 'clusters'),
    cluster: field(data, 'cluster'),
  };
  const errors: Record<string, string> = {};
  if (!values.subject) errors.subject = m.errRequired;
  if (!values.body) errors.body = m.errRequired;
  if (!values.cluster && !user.actsForNetwork) errors.cluster = m.errRequired;
  return {
    values,
    errors,
    body: { subject: values.subject, body: values.body, themes: values.themes, clusters: values.clusters, cluster: values.cluster || null },
  };
}

import { LIMITS, type QuestionInput, type RegistrationQuestionKind } from '@samverka/contracts';
import { error, fail } from '@sveltejs/kit';
import { catalogues, type Messages } from '$lib/i18n';
import { requireUser } from '$lib/server/auth';
import type { Question } from '$lib/server/api';
import { detailText, errorPage, errorText, type ApiErrorDetail } from '$lib/server/field-errors';
import { field } from '$lib/server/forms';
import { idParam } from '$lib/server/ids';
import { redirectTo } from '$lib/server/redirects';
import type { Actions, PageServerLoad } from './$types';

/** One row of the questions form, as typed: `id` empty for a new question; choices one per line. */
export interface QuestionRow {
  id: string;
  label: string;
  kind: RegistrationQuestionKind;
  required: boolean;
  choices: string;
}

const KINDS: readonly RegistrationQuestionKind[] = ['short_text', 'long_text', 'single_choice', 'multiple_choice', 'yes_no'];
const emptyRow = (): QuestionRow => ({ id: '', label: '', kind: 'short_text', required: false, choices: '' });
const rowOf = (q: Question): QuestionRow => ({
  id: String(q.id),
  label: q.label,
  kind: q.kind,
  required: q.required,
  choices: q.choices.join('\n'),
});
/** The rows shown: the questions and one empty row to add a question with, up to the limit. */
const withEmptyRow = (rows: QuestionRow[]) => (rows.length < LIMITS.questions ? [...rows, emptyRow()] : rows);

export const load: PageServerLoad = async ({ locals, params, url }) => {
  requireUser(locals, url);
  const id = idParam(params.id);
  const [res, questions] = await Promise.all([locals.api.events.get(id), locals.api.events.questions(id)]);
  if (!res.ok) errorPage(res.error, locals.lang, res.status === 400 ? 404 : res.status);
  if (!res.data.canEdit) error(403, catalogues[locals.lang].apiErrors.status[403]);
  if (res.data.status === 'cancelled') redirectTo(303, `/evenemang/${id}`);
  if (!questions.ok) errorPage(questions.error, locals.lang);
  return { event: res.data, rows: withEmptyRow(questions.data.map(rowOf)), saved: url.searchParams.get('klart') === '1' };
};

/** The rows as posted, in form order (at most a few more than the limit, so a crafted post stays small). */
function readRows(data: FormData): QuestionRow[] {
  const rows: QuestionRow[] = [];
  for (let i = 0; i < LIMITS.questions + 5 && data.has(`q-${i}-kind`); i++) {
    const kind = field(data, `q-${i}-kind`) as RegistrationQuestionKind;
    rows.push({
      id: field(data, `q-${i}-id`),
      label: field(data, `q-${i}-label`),
      kind: KINDS.includes(kind) ? kind : 'short_text',
      required: data.get(`q-${i}-required`) !== null,
      choices: field(data, `q-${i}-choices`),
    });
  }
  return rows;
}

/** The text for a detail on a question row's field: the choices have their own words for the list codes. */
function rowErrorText(d: ApiErrorDetail, property: string, m: Messages): string {
  if (property === 'choices') {
    if (d.code === 'too_short') return m.questionChoicesTooFew;
    if (d.code === 'too_many') return m.questionChoicesTooMany(d.params?.max ?? LIMITS.questionChoices);
    if (d.code === 'duplicate') return m.questionChoicesDuplicate;
  }
  return detailText(d, property, m);
}

export const actions: Actions = {
  default: async ({ locals, params, request }) => {
    const id = idParam(params.id);
    const m = catalogues[locals.lang];
    const data = await request.formData();
    const rows = readRows(data);
    // "Add another question" keeps what was typed and gives one more empty row; nothing is saved.
    if (field(data, 'intent') === 'add') return { rows: withEmptyRow(rows.filter((r) => r.label || r.id)), added: true };
    // A new row with choices but no text was meant as a question: saving would drop what was typed.
    const unnamed = rows.flatMap((r, i) => (!r.id && !r.label && r.choices.trim() ? [i] : []));
    if (unnamed.length)
      return fail(400, { message: m.formHasErrors, fields: Object.fromEntries(unnamed.map((i) => [`q-${i}-label`, m.errRequired])), rows });
    // A row without text is no question: a new one is skipped, an existing one removed.
    const sent = rows.map((r, i) => ({ r, i })).filter(({ r }) => r.label !== '');
    const questions = sent.map(
      ({ r }): QuestionInput => ({
        ...(r.id && /^\d+$/.test(r.id) ? { id: Number(r.id) } : {}),
        kind: r.kind,
        label: r.label,
        required: r.required,
        choices: r.kind === 'single_choice' || r.kind === 'multiple_choice' ? r.choices.split(/\r?\n/) : [],
      }),
    );
    const res = await locals.api.events.setQuestions(id, { questions });
    if (res.ok) redirectTo(303, `/evenemang/${id}/fragor?klart=1`);
    const fields: Record<string, string> = {};
    for (const d of res.error.details ?? []) {
      const path = (d.field ?? '').replace(/^body\//, '').split('/');
      if (path[0] !== 'questions') continue;
      if (path.length === 1)
        fields.questions ??= d.code === 'too_many' ? m.questionsTooMany(LIMITS.questions) : detailText(d, 'questions', m);
      const row = sent[Number(path[1])]?.i;
      const property = path[2] === 'choices' ? 'choices' : 'label';
      if (row !== undefined) fields[`q-${row}-${property}`] ??= rowErrorText(d, property, m);
    }
    const message = Object.keys(fields).length ? m.formHasErrors : errorText(res.error, m);
    return fail(Math.min(res.status, 500), { message, fields, rows });
  },
};

import { and, inArray, sql } from 'drizzle-orm';
import { clusters, eventOrganisers, events, eventThemes, themes, type Db } from '@samverka/db';
import type { FeedbackFigures, ReportFeedback } from '@samverka/contracts';
import { feedbackTotals, rate } from './feedback-service.ts';

export type { FeedbackFigures, ReportFeedback } from '@samverka/contracts';

interface Sums {
  label: string;
  invited: number;
  answered: number;
  overallSum: number;
  usefulnessSum: number;
  answers: number;
}

const avg = (sum: number, n: number) => (n > 0 ? Math.round((sum / n) * 100) / 100 : null);

function figures(key: string, s: Sums): FeedbackFigures {
  return {
    key,
    label: s.label,
    invited: s.invited,
    answered: s.answered,
    responseRate: rate(s.answered, s.invited),
    overallAverage: avg(s.overallSum, s.answers),
    usefulnessAverage: avg(s.usefulnessSum, s.answers),
  };
}

/**
 * The survey figures of the funder's report for the given events (those the report counts):
 * response rate and the averages of the two 1–5 questions, in total and by event, theme and
 * organising cluster (lead and accepted co-hosts). Averages weigh every answer alike; events
 * that sent no survey are left out of the breakdowns.
 */
export function reportFeedback(db: Db, eventIds: readonly number[]): ReportFeedback {
  const totals = feedbackTotals(db, eventIds);
  const ids = [...totals.keys()];
  const blank = (label: string): Sums => ({ label, invited: 0, answered: 0, overallSum: 0, usefulnessSum: 0, answers: 0 });
  const accumulate = (s: Sums, v: Omit<Sums, 'label'>) => {
    s.invited += v.invited;
    s.answered += v.answered;
    s.overallSum += v.overallSum;
    s.usefulnessSum += v.usefulnessSum;
    s.answers += v.answers;
  };
  const add = (m: Map<string, Sums>, key: string, label: string, v: Omit<Sums, 'label'>) => {
    const s = m.get(key) ?? blank(label);
    accumulate(s, v);
    m.set(key, s);
  };
  const total = blank('');
  const byEvent = new Map<string, Sums>();
  const byTheme = new Map<string, Sums>();
  const byCluster = new Map<string, Sums>();
  for (let i = 0; i < ids.length; i += 900) {
    const chunk = ids.slice(i, i + 900);
    const titles = new Map(
      db
        .select({ id: events.id, title: events.title })
        .from(events)
        .where(inArray(events.id, chunk))
        .all()
        .map((e) => [e.id, e.title]),
    );
    for (const id of chunk) {
      const v = totals.get(id)!;
      add(byEvent, String(id), titles.get(id) ?? String(id), v);
      accumulate(total, v);
    }
    for (const t of db
      .select({ eventId: eventThemes.eventId, slug: themes.slug, name: themes.nameSv })
      .from(eventThemes)
      .innerJoin(themes, sql`${themes.id} = ${eventThemes.themeId}`)
      .where(inArray(eventThemes.eventId, chunk))
      .all())
      add(byTheme, t.slug, t.name, totals.get(t.eventId)!);
    for (const o of db
      .select({ eventId: eventOrganisers.eventId, slug: clusters.slug, name: clusters.name })
      .from(eventOrganisers)
      .innerJoin(clusters, sql`${clusters.id} = ${eventOrganisers.clusterId}`)
      .where(
        and(inArray(eventOrganisers.eventId, chunk), sql`(${eventOrganisers.role} = 'lead' or ${eventOrganisers.status} = 'accepted')`),
      )
      .all())
      add(byCluster, o.slug, o.name, totals.get(o.eventId)!);
  }
  const sorted = (m: Map<string, Sums>) =>
    [...m.entries()].map(([k, s]) => figures(k, s)).sort((a, b) => b.invited - a.invited || a.label.localeCompare(b.label, 'sv'));
  return { total: figures('total', total), byEvent: sorted(byEvent), byTheme: sorted(byTheme), byCluster: sorted(byCluster) };
}

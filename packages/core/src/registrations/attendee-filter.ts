import type { RegistrationStatus } from '@samverka/db';
import type { Registration as RegistrationView } from '@samverka/contracts';

/** What the organisers narrow the attendee list to; every part is optional and they combine. */
export interface AttendeeFilter {
  /** Words that the name or the organisation contains, in any case (Swedish letters folded as Swedish). */
  q?: string;
  status?: RegistrationStatus;
  /** A cluster's slug: the people who gave that cluster. */
  cluster?: string;
}

const fold = (s: string) => s.normalize('NFC').toLocaleLowerCase('sv');

/** The attendees that match the filter, in the list's order. Every word of `q` must match, each in the name or the organisation. */
export function filterAttendees<T extends Pick<RegistrationView, 'name' | 'organisation' | 'status' | 'cluster'>>(
  attendees: readonly T[],
  f: AttendeeFilter,
): T[] {
  const words = fold(f.q ?? '')
    .split(/\s+/)
    .filter(Boolean);
  return attendees.filter((a) => {
    if (f.status && a.status !== f.status) return false;
    if (f.cluster && a.cluster?.slug !== f.cluster) return false;
    const haystack = fold(`${a.name ?? ''}\n${a.organisation ?? ''}`);
    return words.every((w) => haystack.includes(w));
  });
}

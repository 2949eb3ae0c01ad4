import { actsFor, actsForAny, actsForNetwork, canCoordinate, clustersActedFor, type Actor } from '../access.ts';

/** See EVENT_VISIBILITIES in the schema: public, unlisted (only by its link), internal (coordinators and admins). */
export type Visibility = 'public' | 'unlisted' | 'internal';

/**
 * Who may do what with one event, composed only of access.ts's primitives (actsFor and its
 * kin); the event service enforces these, and the event view turns them into its flags.
 */
export interface OrganiserRef {
  clusterId: number;
  role: 'lead' | 'cohost';
  status: 'invited' | 'accepted' | 'declined';
}

/** The clusters that run the event: the lead and every co-host that accepted. */
export function managingClusters(organisers: readonly OrganiserRef[]): number[] {
  return organisers.filter((o) => o.role === 'lead' || o.status === 'accepted').map((o) => o.clusterId);
}

/** Admins, and coordinators of the lead or of an accepted co-host, manage the event alike. */
export function canManageEvent(actor: Actor | null, organisers: readonly OrganiserRef[]): boolean {
  return actsForAny(actor, managingClusters(organisers));
}

/** Only the lead cluster's coordinators (or an admin, even of an event without a lead) invite or remove co-hosts. */
export function canInviteCohosts(actor: Actor | null, organisers: readonly OrganiserRef[]): boolean {
  return actsForAny(
    actor,
    organisers.filter((o) => o.role === 'lead').map((o) => o.clusterId),
  );
}

/** A coordinator of the invited cluster (or an admin) answers a co-host invitation. */
export function canAnswerCohostInvitation(actor: Actor | null, clusterId: number): boolean {
  return actsFor(actor, clusterId);
}

/**
 * Drafts are seen by those who manage the event, and by invited co-hosts deciding whether to join.
 * An internal event only by coordinators (of any cluster) and admins; everyone else is told it
 * does not exist. An unlisted event by anyone who has its link.
 */
export function canSeeEvent(actor: Actor | null, status: string, organisers: readonly OrganiserRef[], visibility: Visibility): boolean {
  const organising = actsForAny(
    actor,
    organisers.filter((o) => o.status !== 'declined').map((o) => o.clusterId),
  );
  if (status === 'draft') return organising;
  if (visibility === 'internal') return organising || seesInternalEvents(actor);
  return true;
}

/** Who may see internal events wherever they are listed or fetched: coordinators of any cluster and admins. */
export function seesInternalEvents(actor: Actor | null): boolean {
  return canCoordinate(actor);
}

/**
 * The visibilities an actor finds in lists, search, calendars, the start page and cluster pages
 * (event-service's listedCondition): public for everyone, internal too for coordinators and
 * admins. Unlisted events are in no list except those of the people who manage them (see
 * unlistedInListsFor). Public feeds, embeds, the knowledge bank and newsletters take public only.
 */
export function listedVisibilities(actor: Actor | null): Visibility[] {
  return seesInternalEvents(actor) ? ['public', 'internal'] : ['public'];
}

/**
 * Whose unlisted events an actor's lists show: `all` for admins, the clusters they coordinate
 * for coordinators (events those clusters lead or co-host), none for anyone else.
 */
export function unlistedInListsFor(actor: Actor | null): 'all' | readonly number[] {
  if (actsForNetwork(actor)) return 'all';
  return actor?.coordinatorOf ?? [];
}

/**
 * Who may read an event's meeting link: everyone when the organisers made it public; otherwise
 * those who manage the event (lead, accepted co-hosts, admins) and, elsewhere, confirmed
 * participants (their mails, manage page and calendar data carry it).
 */
export function canSeeMeetingLink(actor: Actor | null, onlineUrlPublic: boolean, organisers: readonly OrganiserRef[]): boolean {
  return onlineUrlPublic || canManageEvent(actor, organisers);
}

/**
 * Drafts may be deleted by those who manage them; an event that was ever public only by an admin,
 * and a published one only while nobody is registered (`activeRegistrations` confirmed or
 * waitlisted, or a function that counts them when asked): it is cancelled first, which tells them.
 */
export function canDeleteEvent(
  actor: Actor | null,
  status: string,
  organisers: readonly OrganiserRef[],
  activeRegistrations: number | (() => number) = 0,
): boolean {
  if (!canManageEvent(actor, organisers)) return false;
  if (status === 'draft') return true;
  if (!actsForNetwork(actor)) return false;
  if (status !== 'published') return true;
  // A function is called only here, so the count is looked up only when it decides.
  return !((typeof activeRegistrations === 'function' ? activeRegistrations() : activeRegistrations) > 0);
}

/**
 * The invited co-hosts whose invitation the actor may answer (their coordinators; an admin all
 * of them). None on a cancelled event: its invitations lapse, as pendingCohostInvitations says.
 */
export function cohostInvitationsToAnswer<T extends OrganiserRef>(actor: Actor | null, status: string, organisers: readonly T[]): T[] {
  if (status === 'cancelled') return [];
  return clustersActedFor(
    actor,
    organisers.filter((o) => o.role === 'cohost' && o.status === 'invited'),
  );
}

/** The organising clusters the actor may send a published event's announcement for (see mailings/announcement-service.ts). */
export function announcingClusters<T extends OrganiserRef>(
  actor: Actor | null,
  status: string,
  organisers: readonly T[],
  visibility: Visibility,
): T[] {
  if (status !== 'published' || visibility !== 'public') return [];
  return clustersActedFor(
    actor,
    organisers.filter((o) => o.role === 'lead' || o.status === 'accepted'),
  );
}

/**
 * Copying makes a new event led by the same cluster, so it is for those who may create events
 * for that cluster: the lead's coordinators and admins (as canInviteCohosts).
 */
export function canCopyEvent(actor: Actor | null, organisers: readonly OrganiserRef[]): boolean {
  return canInviteCohosts(actor, organisers);
}

import { Type, type Static } from 'typebox';
import { NamedRef } from './common.ts';
import { Event, PendingCohostInvitation } from './events.ts';
import { HorizonItem, Newsletter } from './network.ts';

/** GET /api/start: what the start page shows (packages/core/src/start/start-page.ts). */
export const StartPage = Type.Object({
  upcoming: Type.Array(Event, { description: 'the next published events from now, soonest first (at most 5)' }),
  closingSoon: Type.Array(HorizonItem, { description: 'horizon items with a deadline from today within 30 days (at most 5)' }),
  latestNewsletter: Type.Union([Newsletter, Type.Null()]),
  waiting: Type.Union(
    [
      Type.Object({
        invitations: Type.Array(PendingCohostInvitation),
        polls: Type.Array(
          Type.Object({ id: Type.Integer(), title: Type.String(), closesAt: Type.String(), clusters: Type.Array(NamedRef) }),
        ),
        proposals: Type.Array(Type.Object({ id: Type.Integer(), title: Type.String(), cluster: NamedRef, offers: Type.Array(NamedRef) })),
      }),
      Type.Null(),
    ],
    { description: 'for a coordinator: what waits for the clusters they coordinate; null for everyone else' },
  ),
});
export type StartPage = Static<typeof StartPage>;

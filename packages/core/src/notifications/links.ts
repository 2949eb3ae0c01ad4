import { links } from '../links.ts';

/** The pages where a notification's reader acts, under PUBLIC_URL (links.ts). */
export const notificationLinks = {
  settings: () => `${links.base}/konto#aviseringar`,
  proposal: (id: number) => `${links.base}/forslag/${id}`,
  poll: (id: number) => `${links.base}/moten/${id}`,
  event: (id: number) => links.event(id),
  attendees: (eventId: number) => `${links.base}/evenemang/${eventId}/deltagare`,
  /** Pending co-host invitations and shared invitations are answered on the coordinator's cluster page. */
  myCluster: () => `${links.base}/mitt-kluster`,
  horizonItem: (id: number) => `${links.base}/omvarld/${id}`,
};

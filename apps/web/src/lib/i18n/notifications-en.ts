import type { svNotifications } from './notifications-sv.ts';

/** English texts of the notification settings on /konto (same keys as notifications-sv.ts). */
export const enNotifications = {
  notificationsHeading: 'Notifications',
  notificationsIntro:
    'For each kind of step, choose a mail at once, a summary every morning at 07:00, or nothing. You are never mailed about what you did yourself.',
  notificationsSaved: 'Your notification settings are saved.',
  notificationsModes: { immediate: 'At once', daily: 'Daily summary', off: 'Off' },
  notificationsDefault: (mode: string) => `(default: ${mode})`,
  notificationsCategory: {
    proposal_new: 'New workshop proposals on themes I follow',
    proposal_activity: "Comments, interest and offers on my cluster's proposals",
    proposal_decided: 'Proposals we responded to are accepted or declined',
    cohost_invited: 'My cluster is invited to co-host',
    cohost_answered: 'Answers to our co-host invitations',
    cohost_removed: 'A co-host invitation is withdrawn or co-hosting ends',
    poll_invited: 'My cluster is invited to a scheduling poll',
    poll_closing: "Reminder 48 hours before a poll we haven't answered closes",
    poll_decided: 'The time of a poll is decided',
    announcement_shared: 'An invitation is shared with my cluster',
    event_changed: 'Another organiser changes an event we co-host',
    horizon_deadline: 'Deadline in a week for horizon items we marked relevant',
    registrations: 'Registrations and cancellations for our events',
  },
  notificationsThemesLegend: 'Themes I follow (for new proposals and deadlines)',
  notificationsAllThemes: 'All themes',
  notificationsSomeThemes: 'Only these themes:',
} satisfies typeof svNotifications;

import { NotificationCategoryNames, type NotificationCategoryName } from '@samverka/contracts';
import { NOTIFICATION_CATEGORIES, NOTIFICATION_MODES, type NotificationCategory, type NotificationMode } from '@samverka/db';

export { NOTIFICATION_CATEGORIES, NOTIFICATION_MODES, type NotificationCategory, type NotificationMode };

/**
 * What a user gets for a category they never chose for. Invitations and polls ask for an answer,
 * so they come at once, and so do answers to one's own invitations and steps on one's own
 * proposals (each a reply to something the reader did). What needs no answer the same day (new
 * proposals on followed themes, deadlines a week ahead, another organiser's edits of a shared
 * event, registrations and cancellations) goes in the daily summary.
 */
export const DEFAULT_MODES: Record<NotificationCategory, NotificationMode> = {
  proposal_new: 'daily',
  proposal_activity: 'immediate',
  proposal_decided: 'immediate',
  cohost_invited: 'immediate',
  cohost_answered: 'immediate',
  cohost_removed: 'immediate',
  poll_invited: 'immediate',
  poll_closing: 'immediate',
  poll_decided: 'immediate',
  announcement_shared: 'immediate',
  event_changed: 'daily',
  horizon_deadline: 'daily',
  registrations: 'daily',
};

/** The categories filtered by the themes a coordinator follows. */
export const THEMED_CATEGORIES: readonly NotificationCategory[] = ['proposal_new', 'horizon_deadline'];

// The API's names (contracts) and the database's column values are one list: each assignment
// fails to compile when one side has a category the other lacks.
const _dbNamesInApi: readonly NotificationCategoryName[] = NOTIFICATION_CATEGORIES;
const _apiNamesInDb: readonly NotificationCategory[] = NotificationCategoryNames;
void _dbNamesInApi;
void _apiNamesInDb;

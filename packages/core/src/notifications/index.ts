// Notifications of collaboration steps: reactions to domain events (reactions.ts), the mails and
// summary lines they write (deliver.ts), the jobs for reminders and the daily summary (jobs.ts)
// and each user's settings (settings.ts). No service imports this module.
export {
  DEFAULT_MODES,
  NOTIFICATION_CATEGORIES,
  NOTIFICATION_MODES,
  type NotificationCategory,
  type NotificationMode,
} from './categories.ts';
export { notificationReactions } from './reactions.ts';
export {
  HORIZON_NOTICE_DAYS,
  POLL_REMINDER_MS,
  runNotificationJobs,
  SUMMARY_HOUR,
  SUMMARY_JOB,
  sendDailySummaries,
  sendHorizonDeadlineNotices,
  sendPollClosingReminders,
  summarySlot,
} from './jobs.ts';
export { getNotificationSettings, setNotificationSettings } from './settings.ts';

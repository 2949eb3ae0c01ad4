import type { svExtra } from './extra-sv.ts';

/** English for extra-sv.ts; `satisfies` makes a missing or misnamed key a compile error. */
export const enExtra = {
  fieldSummaryEn: 'Short description in English (optional)',
  summaryEnHint: 'Shown on the English pages. Without it they show the Swedish one.',

  keepIt: 'No, keep it',
  eventOverHeading: 'The event has already taken place',
  eventOverText:
    'The time of the event has passed. Publish it only if it should stay in the calendar as an event that took place; otherwise change the time first.',
  eventPublishAnyway: 'Publish anyway',
  eventDeleteConfirm: (title: string) => `Delete the draft “${title}”? This cannot be undone.`,
  eventDeleteYes: 'Yes, delete the draft',
  invitationsSendConfirm: (cluster: string) =>
    `The invitation will now be emailed to everyone following ${cluster} or one of the event’s themes. A sent email cannot be recalled. Send it?`,
  invitationsSendYes: (cluster: string) => `Yes, send to the followers of ${cluster}`,
  invitationsSendNo: 'No, do not send',
  passOnConfirm: (cluster: string, title: string) =>
    `The invitation to ${title} will now be emailed to everyone following ${cluster}. A sent email cannot be recalled. Send it?`,
  pollChooseConfirm: (when: string) => `Decide on ${when}? This cannot be undone.`,
  pollChooseYes: 'Yes, decide on that time',
  pollChooseNo: 'No, wait',
  horizonDeleteConfirm: (title: string) => `Delete the item “${title}”? It also leaves the calendar feeds. This cannot be undone.`,
  horizonDeleteYes: 'Yes, delete the item',
  horizonCommentsPrivate: 'The comments are visible only to the clusters’ coordinators, not to visitors.',

  homeWaitingHeading: 'Waiting for you',
  homeWaitingNone: 'Nothing is waiting for an answer from your clusters right now.',
  homePollsToAnswer: 'Meetings to answer',
  homePollFor: (clusters: string, closes: string) => `for ${clusters}, answer by ${closes}`,
  homeProposalsWithOffers: 'Proposals with offers to co-host',
  homeOffersFrom: (clusters: string) => `offer from ${clusters}`,
  homeToDashboard: 'To My cluster',
  homeUpcomingHeading: 'Coming up',
  homeToCalendar: 'The whole calendar',
  homeDeadlinesHeading: 'Deadlines coming up',
  homeToHorizon: 'All horizon scanning',
  homeNewsletterHeading: 'Latest newsletter',
  homeNoNewsletter: 'No newsletter has been sent yet.',
  homeSubscribe: 'Subscribe to invitations and newsletters',

  filtersActive: 'filters chosen',
  nextMonthWithEvents: (month: string) => `Next month with events: ${month}`,
  noLaterEvents: 'There are no later events in the calendar.',

  attendeesXlsxLink: 'Download the attendee list (Excel, .xlsx)',
  csvForExcelHint: '(semicolon separated, opens directly in Excel with Swedish settings)',
  downloadsFiltered: 'The files hold only the participants the filter shows.',
  attendeesFilterLabel: 'Search and filter the participants',
  attendeesSearch: 'Search by name or organisation',
  attendeesShown: (shown: number, total: number) => `Showing ${shown} of ${total} registered.`,
  attendeesPages: 'Pages of the attendee list',
  attendeesPageWord: 'Page',
  attendeesRows: (from: number, to: number, of: number) => `Rows ${from}–${to} of ${of}.`,
  attendeesNoneMatch: 'Nobody registered matches the filter.',
  proposalsFilterLabel: 'Filter the proposals',
  proposalsPages: 'Pages of proposals',
  proposalsRows: (from: number, to: number, of: number) => `Proposals ${from}–${to} of ${of}.`,
  proposalsNoneMatch: 'No proposal matches the filter.',
  reportsXlsx: 'Download as Excel (.xlsx)',
  reportFile: (from: string, to: string) => `samverka-report-${from}-${to}`,

  seriesOverHeading: 'Some of the meetings are already over',
  seriesOverText:
    'The series is to be published at once, but at least one of its meetings is already over. Publish anyway only if they should stay in the calendar as past meetings; otherwise change the first date.',
  organisedByAll: (names: string) => `Organisers: ${names}`,

  // ---- Editable polls: times, closing time, comments, who answered ----
  pollEditHeading: 'Change the poll',
  pollEditHint: 'Until the time is decided you can add and remove times and change the closing time.',
  pollAddSlotsLegend: 'Add times',
  pollAddSlotsHint: 'New times must be later than now.',
  pollNewSlotLabel: (n: number) => `New time ${n}`,
  pollAddSlotsButton: 'Add the times',
  pollErrNoNewSlot: 'Give at least one new time.',
  pollErrSlotExists: 'The poll already has that time.',
  pollRemoveHeading: 'Remove a time',
  pollRemoveHint: 'The answers for the time go, and those who gave them get a mail about it.',
  pollRemoveButton: 'Remove',
  pollRemoveConfirm: (when: string, answers: number) =>
    answers === 0
      ? `Remove the time ${when}? Nobody has answered for it.`
      : `Remove the time ${when}? ${answers === 1 ? 'One answer goes' : `${answers} answers go`} and those who gave them get a mail.`,
  pollRemoveYes: 'Yes, remove the time',
  pollDeadlineLegend: 'Closing time',
  pollDeadlineLabel: 'New closing time',
  pollDeadlineHint: 'Extend the closing time, or open a closed poll again. The time must lie ahead.',
  pollDeadlineButton: 'Change the closing time',
  pollCloseNow: 'Close the poll now',
  pollCloseHint: 'Nobody can answer once the poll is closed, but you can open it again with a new closing time.',
  pollAnsweredBy: (name: string) => `answered by ${name}`,
  pollCommentsHint: 'Seen by the organiser and the invited clusters’ coordinators.',
} satisfies typeof svExtra;

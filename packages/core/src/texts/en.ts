import type { Texts } from './sv.ts';

/** English. `satisfies Texts` makes a missing, misnamed or extra key, or a parameter of another type, a compile error. */
export const en = {
  locale: 'en-GB',
  online: 'Online',
  /** Where a participant-only meeting link would be: pages, feeds and announcements. */
  linkForParticipants: 'Online: the link is sent to registered participants',

  mail: {
    greeting: (name: string) => `Hello ${name},`,
    greetingNoName: 'Hello,',
    footer: 'Samverka – the shared platform of the Swedish green clusters.',
    when: (when: string) => `When: ${when}`,
    where: (where: string) => `Where: ${where}`,

    account: {
      loginLink: {
        subject: 'Your login link for Samverka',
        body: (validMinutes: number) => `Use the link below to log in. It is valid for ${validMinutes} minutes and works once.`,
        notAsked: 'If you did not ask for it, you can ignore this email.',
        action: 'Log in',
      },
      invitation: {
        subject: 'You are invited to Samverka',
        body: (validDays: number) =>
          `The network secretariat has added you to Samverka. The link below logs you in; it is valid for ${validDays} days. You can then choose a password under "My account".`,
        action: 'Log in for the first time',
      },
    },

    registration: {
      manage: 'View, change or cancel your registration',
      footer:
        'You receive this email because you registered for an event on Samverka. Through the link you can cancel and delete your data.',
      /** The answers to the event's questions in the confirmation: one "question: answer" line each. */
      yourAnswers: (answers: readonly { question: string; answer: string }[]) =>
        `Your answers:\n${answers.map((a) => `${a.question}: ${a.answer}`).join('\n')}`,
      confirmed: {
        subject: (title: string) => `Registration confirmed: ${title}`,
        body: 'You have a seat. The event is in the attached calendar file.',
      },
      waitlisted: {
        subject: (title: string) => `Waiting list: ${title}`,
        body: (position: number) =>
          `The event is full. You are number ${position} on the waiting list and will get an email if a seat becomes free.`,
      },
      promoted: {
        subject: (title: string) => `You have a seat: ${title}`,
        body: 'A seat became free and you have moved up from the waiting list. Welcome! The event is in the attached calendar file.',
      },
      cancelledByParticipant: {
        subject: (title: string) => `Cancelled: ${title}`,
        body: 'Your registration is cancelled. Welcome back another time.',
      },
      eventChanged: {
        subject: (title: string) => `Changed: ${title}`,
        body: 'The organisers changed the time or place. The updated calendar file is attached.',
      },
      eventCancelled: {
        subject: (title: string) => `Cancelled: ${title}`,
        body: (reason: string) => `The event is cancelled. Reason: ${reason}`,
      },
      reminder: {
        subject: (title: string) => `Reminder: ${title} tomorrow`,
        body: 'Welcome tomorrow!',
      },
      withdrawn: {
        subject: (title: string) => `Removed from your calendar: ${title}`,
        body: 'Your registration no longer exists: the event was deleted or your data erased. The calendar invitation is withdrawn, so the event leaves your calendar.',
      },
      manageLink: {
        subject: (title: string) => `Your registration: ${title}`,
        body: 'You are already registered for this event. Here is the link to your registration.',
      },
      organiserMessage: {
        subject: (title: string, subject: string) => `${title}: ${subject}`,
        lead: 'A message from the organisers:',
      },
      cancellationMessage: {
        subject: (title: string, subject: string) => `Cancelled: ${title}: ${subject}`,
        lead: 'A message from the organisers about the cancellation:',
      },
      linkChanged: {
        subject: (title: string) => `New meeting link: ${title}`,
        body: (url: string) => `The organisers changed the meeting link. The new link: ${url}`,
      },
    },

    mailings: {
      alreadySubscribed: {
        subject: 'Your Samverka subscription',
        body: 'You already subscribe. Through the link you can change what you follow or unsubscribe.',
        action: 'Manage the subscription',
      },
      confirmSubscription: {
        subject: 'Confirm your Samverka subscription',
        body: 'Someone (hopefully you) asked for invitations and newsletters from the green clusters at this address. Confirm with the link; without confirmation we send nothing.',
        action: 'Confirm the subscription',
      },
      announcement: {
        subject: (title: string) => `Invitation: ${title}`,
        lead: (cluster: string, title: string) => `${cluster} invites you to ${title}.`,
        action: 'Read more and register',
        footer: (manageUrl: string) =>
          `You receive this because you follow green clusters or themes on Samverka. Unsubscribe or change: ${manageUrl}`,
      },
      newsletter: {
        upcomingEvents: 'Upcoming events',
        deadlines: 'Deadlines to keep in mind',
        manage: 'Unsubscribe or change your subscription',
      },
    },

    polls: {
      decided: {
        subject: (title: string) => `Decided: ${title}`,
        body: (title: string, when: string) => `The time for ${title} is decided: ${when}.`,
        calendar: 'The meeting is in the attached calendar file.',
        action: 'To the event',
      },
      slotRemoved: {
        subject: (title: string) => `A time was removed: ${title}`,
        body: (title: string, when: string) =>
          `The organiser removed the time ${when} from the poll ${title}. Your answer for that time is gone.`,
        others: 'Please answer the remaining times while the poll is open.',
        action: 'To the poll',
      },
    },
    /** The participant survey after an event (knowledge/feedback-mail.ts). */
    feedback: {
      subject: (t: string) => `How was ${t}? Five minutes on what you got out of it`,
      reminderSubject: (t: string) => `Reminder: how was ${t}?`,
      greeting: (n: string | null) => (n ? `Hello ${n},` : 'Hello,'),
      ask: (t: string, when: string) =>
        `Thank you for taking part in ${t} (${when}). The organisers would like to know what the day gave you: a few short questions, about five minutes.`,
      reminder: (t: string) =>
        `We have not had your answer about ${t} yet. The survey is open a few more days; after that you get no more mail about it.`,
      anonymous: 'Your answer is stored without any link to you: the organisers see only the summary and the free texts.',
      optOut: (url: string) => `Rather not get surveys from Samverka? Open ${url} and choose to opt out.`,
      action: 'Answer the survey',
      footer: 'Samverka – the shared platform of the Swedish green clusters. You get this email because you took part in the event.',
    },
  },

  notifications: {
    categories: {
      proposal_new: 'New proposals on your themes',
      proposal_activity: 'Comments, interest and offers on your proposals',
      proposal_decided: 'Proposals accepted or declined',
      cohost_invited: 'Invitations to co-host',
      cohost_answered: 'Answers to your co-host invitations',
      cohost_removed: 'Withdrawn and ended co-hosting',
      poll_invited: 'Invitations to scheduling polls',
      poll_closing: 'Scheduling polls closing soon',
      poll_decided: 'Decided times',
      announcement_shared: 'Invitations shared with your cluster',
      event_changed: 'Changes to events you co-organise',
      horizon_deadline: 'Deadlines in a week',
      registrations: 'Registrations and cancellations',
    },
    proposalNew: (title: string, cluster: string) => `New proposal from ${cluster}: ${title}`,
    proposalCommented: (title: string, by: string) => `${by} commented on your proposal ${title}`,
    proposalInterest: (title: string, cluster: string) => `${cluster} is interested in your proposal ${title}`,
    proposalCohostOffer: (title: string, cluster: string) => `${cluster} offers to co-host ${title}`,
    proposalAccepted: (title: string) => `The proposal ${title} was accepted and is now a draft event`,
    proposalDeclined: (title: string, reason: string) => `The proposal ${title} was declined${reason ? `: ${reason}` : ''}`,
    cohostInvited: (title: string, lead: string, cluster: string) => `${lead} invites ${cluster} to co-host ${title}`,
    cohostAccepted: (title: string, cluster: string) => `${cluster} accepted to co-host ${title}`,
    cohostDeclined: (title: string, cluster: string) => `${cluster} declined to co-host ${title}`,
    cohostWithdrawn: (title: string, cluster: string) => `The invitation for ${cluster} to co-host ${title} was withdrawn`,
    cohostRemoved: (title: string, cluster: string) => `${cluster} no longer co-hosts ${title}`,
    pollInvited: (title: string, organiser: string, closes: string) =>
      `${organiser} invites you to the scheduling poll ${title}; answer by ${closes}`,
    pollClosing: (title: string, closes: string) => `The scheduling poll ${title} closes ${closes} and your cluster has not answered`,
    pollDecided: (title: string, when: string) => `The time of ${title} is decided: ${when}`,
    announcementShared: (title: string, from: string) => `${from} shared the invitation to ${title} with your cluster`,
    eventChanged: (title: string, by: string) => `${by} changed ${title}`,
    eventPublished: (title: string, by: string) => `${by} published ${title}`,
    eventCancelled: (title: string, by: string) => `${by} cancelled ${title}`,
    horizonDeadline: (title: string, date: string) => `Deadline ${date}: ${title}`,
    registrationCreated: (title: string, waitlisted: boolean) =>
      waitlisted ? `New registration for ${title} (waiting list)` : `New registration for ${title}`,
    registrationCancelled: (title: string) => `A registration for ${title} was cancelled`,
    someone: 'Someone',
    action: 'Open in Samverka',
    settings: (url: string) => `You get this mail because of your notification settings. Change them at ${url}`,
    summary: {
      subject: (count: number) => `Samverka: ${count === 1 ? '1 update' : `${count} updates`} since the last summary`,
      intro: 'This is what happened in your collaborations since the last summary.',
    },
  },
  feeds: {
    /** The whole network, as an embed names its scope. */
    network: 'The green clusters',
    allEvents: 'Samverka – green cluster events',
    singleEvent: 'Samverka',
    personal: 'Samverka – my calendar',
    filtered: (names: string[]) => `Samverka – ${names.join(' · ')}`,
    cancelled: (text: string) => `CANCELLED: ${text}`,
    meetingLink: (url: string) => `Meeting link: ${url}`,
    deadline: (title: string) => `Deadline: ${title}`,
    deadlineEntry: (date: string, title: string) => `Deadline ${date}: ${title}`,
  },

  proposals: {
    eventDescription: (abstract: string, format: string, audience: string) =>
      `${abstract}\n\n**Format:** ${format}\n\n**Target audience:** ${audience}`,
  },

  kinds: {
    workshop: 'Workshop',
    network_meeting: 'Network meeting',
    webinar: 'Webinar',
    study_visit: 'Study visit',
    conference: 'Conference',
    other: 'Other',
  },
  registrationStatus: { confirmed: 'Confirmed', waitlisted: 'On the waiting list', cancelled: 'Cancelled' },
  /** A yes/no answer to an organiser's registration question (exports, the personal data export). */
  yesNo: { yes: 'Yes', no: 'No' },

  spreadsheets: {
    attendeesSheet: 'Participants',
    reportSheet: 'Report',
    section: 'Section',
    item: 'What',
    count: 'Count',
    checkedIn: 'Checked in',
    sections: {
      summary: 'Summary',
      eventsByKind: 'Events by kind',
      eventsByTheme: 'Events by theme',
      eventsByCluster: 'Events by cluster',
      registrationsByCluster: 'Registrations by cluster',
      registrationsByCounty: 'Registrations by county',
      registrationsByTheme: 'Registrations by theme',
      months: 'By month (events, participants)',
    },
    attendeesFile: (eventId: number) => `participants-${eventId}`,
    reportFile: (from: string, to: string) => `samverka-report-${from}-${to}`,
  },

  reports: {
    /** The survey results chart (knowledge/feedback-service.ts feedbackChartSvg). */
    feedbackChart: {
      title: 'Answers, 1 (lowest) to 5 (highest)',
      overall: 'Overall value',
      usefulness: 'Usefulness for work',
      avg: 'mean',
      n: 'answers',
    },
    summary: {
      events: 'Events',
      cancelled: 'Cancelled',
      coHosted: 'Co-hosted',
      registrations: 'Registered (confirmed)',
      proposalsMade: 'Proposals',
      proposalsAccepted: 'Accepted proposals',
    },
    noCluster: '(no cluster)',
    noCounty: '(no county given)',
    chart: {
      title: 'Events and participants per month',
      events: 'Events',
      participants: 'Participants',
      bar: (month: string, events: number, participants: number) => `${month}: ${events} events, ${participants} participants`,
      legend: (label: string, max: number) => `${label} (max ${max})`,
    },
    attendees: {
      status: 'Status',
      position: 'Waitlist position',
      name: 'Name',
      email: 'Email',
      organisation: 'Organisation',
      county: 'County',
      cluster: 'Cluster',
      dietaryNeeds: 'Dietary needs',
      accessibilityNeeds: 'Accessibility needs',
      checkedIn: 'Checked in',
      registered: 'Registered',
    },
  },
} satisfies Texts;

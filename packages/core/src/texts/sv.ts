/**
 * Swedish, the default language and the source of truth: every text core writes for people
 * (mail subjects and bodies, calendar and Atom feed names and titles, report and CSV labels) is
 * here, and en.ts must have the same keys (`satisfies Texts`). Texts with parameters are
 * functions with typed parameters; URLs, names and dates come in already formatted.
 */
export const sv = {
  /** BCP 47 locale for dates and numbers in this language (Intl.DateTimeFormat). */
  locale: 'sv-SE',
  /** A place that is a link rather than an address. */
  online: 'Online',
  /** Där en mötelänk bara för deltagare annars stått: sidor, flöden och inbjudningar. */
  linkForParticipants: 'Online: länken skickas till anmälda deltagare',

  mail: {
    greeting: (name: string) => `Hej ${name}!`,
    /** To an address without a name (subscribers). */
    greetingNoName: 'Hej!',
    footer: 'Samverka – de gröna klustrens gemensamma plattform.',
    when: (when: string) => `Tid: ${when}`,
    where: (where: string) => `Plats: ${where}`,

    account: {
      loginLink: {
        subject: 'Din inloggningslänk till Samverka',
        body: (validMinutes: number) =>
          `Använd länken nedan för att logga in. Den gäller i ${validMinutes} minuter och kan bara användas en gång.`,
        notAsked: 'Om du inte bad om länken kan du bortse från det här mejlet.',
        action: 'Logga in',
      },
      invitation: {
        subject: 'Du är inbjuden till Samverka',
        body: (validDays: number) =>
          `Nätverkets sekretariat har lagt till dig i Samverka. Länken nedan loggar in dig; den gäller i ${validDays} dagar. Därefter kan du välja ett lösenord under "Mitt konto".`,
        action: 'Logga in första gången',
      },
    },

    registration: {
      manage: 'Visa, ändra eller avboka din anmälan',
      footer:
        'Du får det här mejlet för att du anmält dig till ett evenemang på Samverka. Via länken kan du avboka och radera dina uppgifter.',
      /** The answers to the event's questions in the confirmation: one "question: answer" line each. */
      yourAnswers: (answers: readonly { question: string; answer: string }[]) =>
        `Dina svar:\n${answers.map((a) => `${a.question}: ${a.answer}`).join('\n')}`,
      confirmed: {
        subject: (title: string) => `Anmälan bekräftad: ${title}`,
        body: 'Du har en plats. Evenemanget finns i bifogad kalenderfil.',
      },
      waitlisted: {
        subject: (title: string) => `Väntelista: ${title}`,
        body: (position: number) =>
          `Evenemanget är fullbokat. Du står som nummer ${position} på väntelistan och får ett mejl om en plats blir ledig.`,
      },
      promoted: {
        subject: (title: string) => `Du har fått en plats: ${title}`,
        body: 'En plats blev ledig och du har flyttats från väntelistan. Välkommen! Evenemanget finns i bifogad kalenderfil.',
      },
      cancelledByParticipant: {
        subject: (title: string) => `Avbokad: ${title}`,
        body: 'Din anmälan är avbokad. Välkommen tillbaka en annan gång.',
      },
      eventChanged: {
        subject: (title: string) => `Ändrat: ${title}`,
        body: 'Arrangörerna har ändrat tid eller plats. Den uppdaterade kalenderfilen är bifogad.',
      },
      eventCancelled: {
        subject: (title: string) => `Inställt: ${title}`,
        body: (reason: string) => `Evenemanget är inställt. Skäl: ${reason}`,
      },
      reminder: {
        subject: (title: string) => `Påminnelse: ${title} i morgon`,
        body: 'Välkommen i morgon!',
      },
      withdrawn: {
        subject: (title: string) => `Borttaget ur din kalender: ${title}`,
        body: 'Din anmälan finns inte längre: evenemanget är borttaget eller dina uppgifter raderade. Kalenderinbjudan dras tillbaka, så evenemanget försvinner ur din kalender.',
      },
      manageLink: {
        subject: (title: string) => `Din anmälan: ${title}`,
        body: 'Du är redan anmäld till det här evenemanget. Här är länken till din anmälan.',
      },
      organiserMessage: {
        /** The organisers' own subject after the event's title. */
        subject: (title: string, subject: string) => `${title}: ${subject}`,
        lead: 'Meddelande från arrangörerna:',
      },
      /** A message the organisers send about a cancelled event: the only kind such an event takes. */
      cancellationMessage: {
        subject: (title: string, subject: string) => `Inställt: ${title}: ${subject}`,
        lead: 'Meddelande från arrangörerna om att evenemanget är inställt:',
      },
      linkChanged: {
        subject: (title: string) => `Ny länk till mötet: ${title}`,
        body: (url: string) => `Arrangörerna har bytt länk till mötet. Den nya länken: ${url}`,
      },
    },

    mailings: {
      alreadySubscribed: {
        subject: 'Din prenumeration på Samverka',
        body: 'Du prenumererar redan. Via länken kan du ändra vad du följer eller avsluta prenumerationen.',
        action: 'Hantera prenumerationen',
      },
      confirmSubscription: {
        subject: 'Bekräfta din prenumeration på Samverka',
        body: 'Någon (förhoppningsvis du) vill få inbjudningar och nyhetsbrev från de gröna klustren till den här adressen. Bekräfta med länken; utan bekräftelse skickar vi ingenting.',
        action: 'Bekräfta prenumerationen',
      },
      announcement: {
        subject: (title: string) => `Inbjudan: ${title}`,
        lead: (cluster: string, title: string) => `${cluster} bjuder in till ${title}.`,
        action: 'Läs mer och anmäl dig',
        footer: (manageUrl: string) =>
          `Du får det här för att du följer gröna kluster eller teman på Samverka. Avsluta eller ändra: ${manageUrl}`,
      },
      newsletter: {
        upcomingEvents: 'Kommande evenemang',
        deadlines: 'Sista dagar att hålla koll på',
        manage: 'Avsluta eller ändra prenumerationen',
      },
    },

    polls: {
      decided: {
        subject: (title: string) => `Bestämt: ${title}`,
        body: (title: string, when: string) => `Tiden för ${title} är bestämd: ${when}.`,
        calendar: 'Mötet finns i bifogad kalenderfil.',
        action: 'Till evenemanget',
      },
      slotRemoved: {
        subject: (title: string) => `En tid är struken: ${title}`,
        body: (title: string, when: string) =>
          `Arrangören har strukit tiden ${when} ur omröstningen ${title}. Ditt svar för den tiden är borttaget.`,
        others: 'Svara gärna på de tider som finns kvar medan omröstningen är öppen.',
        action: 'Till omröstningen',
      },
    },
    /** The participant survey after an event (knowledge/feedback-mail.ts). */
    feedback: {
      subject: (t: string) => `Hur var ${t}? Fem minuter om ditt utbyte`,
      reminderSubject: (t: string) => `Påminnelse: hur var ${t}?`,
      greeting: (n: string | null) => (n ? `Hej ${n}!` : 'Hej!'),
      ask: (t: string, when: string) =>
        `Tack för att du deltog i ${t} (${when}). Arrangörerna vill gärna veta vad du fick ut av dagen: några korta frågor, ungefär fem minuter.`,
      reminder: (t: string) => `Vi saknar ditt svar om ${t}. Enkäten är öppen några dagar till; efter det får du inga fler mejl om den.`,
      anonymous: 'Svaret sparas utan koppling till dig: arrangörerna ser bara sammanställningen och de fria texterna.',
      optOut: (url: string) => `Vill du inte få enkäter från Samverka? Öppna ${url} och välj att avstå.`,
      action: 'Svara på enkäten',
      footer: 'Samverka – de gröna klustrens gemensamma plattform. Du får mejlet för att du deltog i evenemanget.',
    },
  },

  /** Notifications of collaboration steps (notifications/): one line per step, the mail around it, the daily summary. */
  notifications: {
    /** The categories as the daily summary groups them. */
    categories: {
      proposal_new: 'Nya förslag inom dina teman',
      proposal_activity: 'Kommentarer, intresse och erbjudanden om dina förslag',
      proposal_decided: 'Förslag som antagits eller avböjts',
      cohost_invited: 'Inbjudningar att samarrangera',
      cohost_answered: 'Svar på dina inbjudningar att samarrangera',
      cohost_removed: 'Återkallade och avslutade samarrangemang',
      poll_invited: 'Inbjudningar till tidsomröstningar',
      poll_closing: 'Tidsomröstningar som snart stänger',
      poll_decided: 'Beslutade tider',
      announcement_shared: 'Inbjudningar delade med ditt kluster',
      event_changed: 'Ändringar i evenemang du samarrangerar',
      horizon_deadline: 'Sista dagar om en vecka',
      registrations: 'Anmälningar och avbokningar',
    },
    proposalNew: (title: string, cluster: string) => `Nytt förslag från ${cluster}: ${title}`,
    proposalCommented: (title: string, by: string) => `${by} kommenterade ditt förslag ${title}`,
    proposalInterest: (title: string, cluster: string) => `${cluster} är intresserade av ditt förslag ${title}`,
    proposalCohostOffer: (title: string, cluster: string) => `${cluster} erbjuder sig att samarrangera ${title}`,
    proposalAccepted: (title: string) => `Förslaget ${title} är antaget och har blivit ett evenemangsutkast`,
    proposalDeclined: (title: string, reason: string) => `Förslaget ${title} avböjdes${reason ? `: ${reason}` : ''}`,
    cohostInvited: (title: string, lead: string, cluster: string) => `${lead} bjuder in ${cluster} att samarrangera ${title}`,
    cohostAccepted: (title: string, cluster: string) => `${cluster} tackade ja till att samarrangera ${title}`,
    cohostDeclined: (title: string, cluster: string) => `${cluster} tackade nej till att samarrangera ${title}`,
    cohostWithdrawn: (title: string, cluster: string) => `Inbjudan till ${cluster} att samarrangera ${title} är återkallad`,
    cohostRemoved: (title: string, cluster: string) => `${cluster} är inte längre medarrangör av ${title}`,
    pollInvited: (title: string, organiser: string, closes: string) =>
      `${organiser} bjuder in till tidsomröstningen ${title}; svara senast ${closes}`,
    pollClosing: (title: string, closes: string) => `Tidsomröstningen ${title} stänger ${closes} och ditt kluster har inte svarat`,
    pollDecided: (title: string, when: string) => `Tiden för ${title} är bestämd: ${when}`,
    announcementShared: (title: string, from: string) => `${from} delade inbjudan till ${title} med ditt kluster`,
    eventChanged: (title: string, by: string) => `${by} ändrade ${title}`,
    eventPublished: (title: string, by: string) => `${by} publicerade ${title}`,
    eventCancelled: (title: string, by: string) => `${by} ställde in ${title}`,
    horizonDeadline: (title: string, date: string) => `Sista dag ${date}: ${title}`,
    registrationCreated: (title: string, waitlisted: boolean) =>
      waitlisted ? `Ny anmälan till ${title} (väntelista)` : `Ny anmälan till ${title}`,
    registrationCancelled: (title: string) => `En anmälan till ${title} avbokades`,
    /** Who acted when the name is unknown (an admin without a cluster). */
    someone: 'Någon',
    action: 'Öppna i Samverka',
    settings: (url: string) => `Du får det här mejlet enligt dina aviseringsinställningar. Ändra dem på ${url}`,
    summary: {
      subject: (count: number) => `Samverka: ${count === 1 ? '1 händelse' : `${count} händelser`} sedan senast`,
      intro: 'Det här har hänt i dina samarbeten sedan förra sammanfattningen.',
    },
  },
  feeds: {
    /** The whole network, as an embed names its scope. */
    network: 'De gröna klustren',
    /** X-WR-CALNAME and Atom titles. */
    allEvents: 'Samverka – gröna klustrens evenemang',
    singleEvent: 'Samverka',
    personal: 'Samverka – min kalender',
    /** A filtered feed, named by its cluster, theme and county names in that order. */
    filtered: (names: string[]) => `Samverka – ${names.join(' · ')}`,
    /** SUMMARY, and the first line of DESCRIPTION with the reason, of a cancelled event. */
    cancelled: (text: string) => `INSTÄLLT: ${text}`,
    meetingLink: (url: string) => `Länk till mötet: ${url}`,
    /** SUMMARY of a horizon-scanning deadline (an all-day entry on that day). */
    deadline: (title: string) => `Sista dag: ${title}`,
    /** Atom title of a deadline; the date is YYYY-MM-DD. */
    deadlineEntry: (date: string, title: string) => `Sista dag ${date}: ${title}`,
  },

  proposals: {
    /**
     * The description of the draft event made when a proposal is accepted: the abstract (Markdown)
     * followed by the format and the audience, each after a bold label.
     */
    eventDescription: (abstract: string, format: string, audience: string) =>
      `${abstract}\n\n**Format:** ${format}\n\n**Målgrupp:** ${audience}`,
  },

  /** Names of the event kinds (EVENT_KINDS), for exports and reports. */
  kinds: {
    workshop: 'Workshop',
    network_meeting: 'Nätverksmöte',
    webinar: 'Webbinarium',
    study_visit: 'Studiebesök',
    conference: 'Konferens',
    other: 'Annat',
  },
  /** A registration's status as people read it (exports). */
  registrationStatus: { confirmed: 'Bekräftad', waitlisted: 'På väntelistan', cancelled: 'Avbokad' },
  /** A yes/no answer to an organiser's registration question (exports, the personal data export). */
  yesNo: { yes: 'Ja', no: 'Nej' },

  /** The spreadsheet exports (CSV for Swedish Excel and .xlsx): sheet names, column headings, sections. */
  spreadsheets: {
    attendeesSheet: 'Deltagare',
    reportSheet: 'Rapport',
    /** The report's columns. */
    section: 'Avsnitt',
    item: 'Vad',
    count: 'Antal',
    checkedIn: 'Incheckade',
    sections: {
      summary: 'Sammanfattning',
      eventsByKind: 'Evenemang per typ',
      eventsByTheme: 'Evenemang per tema',
      eventsByCluster: 'Evenemang per kluster',
      registrationsByCluster: 'Anmälningar per kluster',
      registrationsByCounty: 'Anmälningar per län',
      registrationsByTheme: 'Anmälningar per tema',
      months: 'Per månad (evenemang, deltagare)',
    },
    /** The file names, without extension. */
    attendeesFile: (eventId: number) => `deltagare-${eventId}`,
    reportFile: (from: string, to: string) => `samverka-rapport-${from}-${to}`,
  },

  reports: {
    /** The survey results chart (knowledge/feedback-service.ts feedbackChartSvg). */
    feedbackChart: {
      title: 'Svarsfördelning, 1 (lägst) till 5 (högst)',
      overall: 'Helhetsbetyg',
      usefulness: 'Nytta i arbetet',
      avg: 'medel',
      n: 'svar',
    },
    /** Labels of the summary rows in the report CSV. */
    summary: {
      events: 'Evenemang',
      cancelled: 'Inställda',
      coHosted: 'Samarrangerade',
      registrations: 'Anmälda (bekräftade)',
      proposalsMade: 'Förslag',
      proposalsAccepted: 'Antagna förslag',
    },
    noCluster: '(ingen klustertillhörighet)',
    noCounty: '(inget län angivet)',
    chart: {
      title: 'Evenemang och deltagare per månad',
      events: 'Evenemang',
      participants: 'Deltagare',
      /** One month's bar pair, for screen readers; month is YYYY-MM. */
      bar: (month: string, events: number, participants: number) => `${month}: ${events} evenemang, ${participants} deltagare`,
      legend: (label: string, max: number) => `${label} (max ${max})`,
    },
    /** Column headings of the organisers' attendee list (CSV). */
    attendees: {
      status: 'Status',
      position: 'Plats i kön',
      name: 'Namn',
      email: 'E-post',
      organisation: 'Organisation',
      county: 'Län',
      cluster: 'Kluster',
      dietaryNeeds: 'Kost',
      accessibilityNeeds: 'Tillgänglighet',
      checkedIn: 'Incheckad',
      registered: 'Anmäld',
    },
  },
};

export type Texts = typeof sv;

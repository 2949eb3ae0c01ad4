/**
 * Swedish texts of the start page, the confirm steps, the exports, the narrow-screen layouts and
 * the cluster summaries in two languages; spread into sv.ts, so pages read them as `m.key`.
 * extra-en.ts must have the same keys.
 */
export const svExtra = {
  fieldSummaryEn: 'Kort beskrivning på engelska (valfritt)',
  summaryEnHint: 'Visas på de engelska sidorna. Utan den visas den svenska där.',

  // ---- Confirm steps: final actions ask once more, without JavaScript (a second post) ----
  keepIt: 'Nej, behåll det',
  eventOverHeading: 'Evenemanget har redan ägt rum',
  eventOverText:
    'Tiden för evenemanget har passerat. Publicera det bara om det ska finnas kvar i kalendern som ett evenemang som har varit, annars ändra tiden först.',
  eventPublishAnyway: 'Publicera ändå',
  eventDeleteConfirm: (title: string) => `Vill du ta bort utkastet ”${title}”? Det går inte att ångra.`,
  eventDeleteYes: 'Ja, ta bort utkastet',
  invitationsSendConfirm: (cluster: string) =>
    `Inbjudan mejlas nu till alla som följer ${cluster} eller något av evenemangets teman. Ett skickat mejl går inte att ta tillbaka. Vill du skicka?`,
  invitationsSendYes: (cluster: string) => `Ja, skicka till följarna av ${cluster}`,
  invitationsSendNo: 'Nej, skicka inte',
  passOnConfirm: (cluster: string, title: string) =>
    `Inbjudan till ${title} mejlas nu till alla som följer ${cluster}. Ett skickat mejl går inte att ta tillbaka. Vill du skicka?`,
  pollChooseConfirm: (when: string) => `Vill du bestämma tiden ${when}? Det går inte att ångra.`,
  pollChooseYes: 'Ja, bestäm den tiden',
  pollChooseNo: 'Nej, vänta',
  horizonDeleteConfirm: (title: string) =>
    `Vill du ta bort bevakningen ”${title}”? Den försvinner också ur kalenderflödena. Det går inte att ångra.`,
  horizonDeleteYes: 'Ja, ta bort bevakningen',
  horizonCommentsPrivate: 'Kommentarerna syns bara för klustrens koordinatorer, inte för besökare.',

  // ---- Start page ----
  homeWaitingHeading: 'Väntar på dig',
  homeWaitingNone: 'Inget väntar på svar från dina kluster just nu.',
  homePollsToAnswer: 'Möten att svara på',
  homePollFor: (clusters: string, closes: string) => `för ${clusters}, svar senast ${closes}`,
  homeProposalsWithOffers: 'Förslag med erbjudanden att samarrangera',
  homeOffersFrom: (clusters: string) => `erbjudande från ${clusters}`,
  homeToDashboard: 'Till Mitt kluster',
  homeUpcomingHeading: 'Det händer snart',
  homeToCalendar: 'Hela kalendern',
  homeDeadlinesHeading: 'Sista dagar snart',
  homeToHorizon: 'All omvärldsbevakning',
  homeNewsletterHeading: 'Senaste nyhetsbrevet',
  homeNoNewsletter: 'Inget nyhetsbrev har skickats ännu.',
  homeSubscribe: 'Prenumerera på inbjudningar och nyhetsbrev',

  // ---- Calendar ----
  filtersActive: 'filter valda',
  nextMonthWithEvents: (month: string) => `Nästa månad med evenemang: ${month}`,
  noLaterEvents: 'Det finns inga senare evenemang i kalendern.',

  // ---- Exports and the attendee list ----
  attendeesXlsxLink: 'Ladda ner deltagarlistan (Excel, .xlsx)',
  csvForExcelHint: '(semikolonseparerad, öppnas direkt i svenska Excel)',
  downloadsFiltered: 'Filerna innehåller bara de deltagare som filtret visar.',
  attendeesFilterLabel: 'Sök och filtrera deltagarna',
  attendeesSearch: 'Sök på namn eller organisation',
  attendeesShown: (shown: number, total: number) => `Visar ${shown} av ${total} anmälda.`,
  attendeesPages: 'Sidor i deltagarlistan',
  attendeesPageWord: 'Sida',
  attendeesRows: (from: number, to: number, of: number) => `Rad ${from}–${to} av ${of}.`,
  attendeesNoneMatch: 'Ingen anmäld matchar filtret.',
  proposalsFilterLabel: 'Filtrera förslagen',
  proposalsPages: 'Sidor med förslag',
  proposalsRows: (from: number, to: number, of: number) => `Förslag ${from}–${to} av ${of}.`,
  proposalsNoneMatch: 'Inget förslag matchar filtret.',
  reportsXlsx: 'Ladda ner som Excel (.xlsx)',
  reportFile: (from: string, to: string) => `samverka-rapport-${from}-${to}`,

  seriesOverHeading: 'Några av mötena har redan ägt rum',
  seriesOverText:
    'Serien ska publiceras direkt, men minst ett av mötena är redan över. Publicera ändå bara om de ska finnas kvar i kalendern som möten som har varit, annars ändra första datumet.',
  organisedByAll: (names: string) => `Arrangörer: ${names}`,

  // ---- Editable polls: times, closing time, comments, who answered ----
  pollEditHeading: 'Ändra förfrågan',
  pollEditHint: 'Så länge tiden inte är bestämd kan du lägga till och ta bort tider och ändra svarstiden.',
  pollAddSlotsLegend: 'Lägg till tider',
  pollAddSlotsHint: 'Nya tider måste vara senare än nu.',
  pollNewSlotLabel: (n: number) => `Ny tid ${n}`,
  pollAddSlotsButton: 'Lägg till tiderna',
  pollErrNoNewSlot: 'Ange minst en ny tid.',
  pollErrSlotExists: 'Förfrågan har redan den tiden.',
  pollRemoveHeading: 'Ta bort en tid',
  pollRemoveHint: 'Svaren för tiden försvinner och de som svarat får ett mejl om det.',
  pollRemoveButton: 'Ta bort',
  pollRemoveConfirm: (when: string, answers: number) =>
    answers === 0
      ? `Vill du ta bort tiden ${when}? Ingen har svarat för den.`
      : `Vill du ta bort tiden ${when}? ${answers === 1 ? 'Ett svar' : `${answers} svar`} försvinner och de som svarat får ett mejl.`,
  pollRemoveYes: 'Ja, ta bort tiden',
  pollDeadlineLegend: 'Svarstid',
  pollDeadlineLabel: 'Ny svarstid',
  pollDeadlineHint: 'Förläng svarstiden eller öppna en stängd förfrågan igen. Tiden måste ligga framåt.',
  pollDeadlineButton: 'Ändra svarstiden',
  pollCloseNow: 'Stäng förfrågan nu',
  pollCloseHint: 'Ingen kan svara efter att förfrågan stängts, men du kan öppna den igen med en ny svarstid.',
  pollAnsweredBy: (name: string) => `svar av ${name}`,
  pollCommentsHint: 'Syns för arrangören och de inbjudna klustrens koordinatorer.',
};

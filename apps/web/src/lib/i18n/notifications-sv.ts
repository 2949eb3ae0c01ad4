/**
 * Swedish texts of the notification settings on /konto; spread into sv.ts, so pages read them
 * as `m.key`. notifications-en.ts must have the same keys.
 */
export const svNotifications = {
  notificationsHeading: 'Aviseringar',
  notificationsIntro:
    'Välj för varje slags händelse om du vill få ett mejl direkt, en sammanfattning varje morgon klockan 07.00 eller inget alls. Du får aldrig mejl om det du själv gör.',
  notificationsSaved: 'Aviseringarna är sparade.',
  notificationsModes: { immediate: 'Direkt', daily: 'Daglig sammanfattning', off: 'Av' },
  notificationsDefault: (mode: string) => `(förval: ${mode})`,
  notificationsCategory: {
    proposal_new: 'Nya workshopförslag inom teman jag följer',
    proposal_activity: 'Kommentarer, intresse och erbjudanden om mina kluster förslag',
    proposal_decided: 'Förslag vi svarat på antas eller avböjs',
    cohost_invited: 'Mitt kluster bjuds in att samarrangera',
    cohost_answered: 'Svar på våra inbjudningar att samarrangera',
    cohost_removed: 'Inbjudan att samarrangera återkallas eller samarrangemang avslutas',
    poll_invited: 'Mitt kluster bjuds in till en tidsomröstning',
    poll_closing: 'Påminnelse 48 timmar innan en omröstning vi inte svarat på stänger',
    poll_decided: 'Tiden i en omröstning är bestämd',
    announcement_shared: 'En inbjudan delas med mitt kluster',
    event_changed: 'En annan arrangör ändrar ett evenemang vi samarrangerar',
    horizon_deadline: 'Sista dag om en vecka för omvärldsbevakning vi markerat som relevant',
    registrations: 'Anmälningar och avbokningar till våra evenemang',
  },
  notificationsThemesLegend: 'Teman jag följer (för nya förslag och sista dagar)',
  notificationsAllThemes: 'Alla teman',
  notificationsSomeThemes: 'Bara de här temana:',
};

/** Links for calendar apps: webcal:// makes them subscribe (not import once); https for pasting. */
export function feedLinks(origin: string, path: string): { https: string; webcal: string } {
  const https = `${origin}${path}`;
  return { https, webcal: https.replace(/^https?:/, 'webcal:') };
}

const compact = (iso: string) => iso.replace(/[-:]/g, '').replace(/\.\d{3}/, '');

/**
 * A Google Calendar "add event" link (its documented TEMPLATE action): UTC times for timed
 * events, DATE values (end exclusive) for all-day ones, so no zone can shift the hour.
 */
export function googleCalendarUrl(
  e: {
    title: string;
    allDay: boolean;
    startsAt: string;
    endsAt: string;
    startDate: string | null;
    endDate: string | null;
    venueName: string | null;
    address: string | null;
  },
  eventUrl: string,
): string {
  let dates: string;
  if (e.allDay && e.startDate) {
    const end = new Date(`${e.endDate ?? e.startDate}T00:00:00Z`);
    end.setUTCDate(end.getUTCDate() + 1);
    dates = `${e.startDate.replace(/-/g, '')}/${end.toISOString().slice(0, 10).replace(/-/g, '')}`;
  } else {
    dates = `${compact(e.startsAt)}/${compact(e.endsAt)}`;
  }
  const q = new URLSearchParams({
    action: 'TEMPLATE',
    text: e.title,
    dates,
    details: eventUrl,
    location: [e.venueName, e.address].filter(Boolean).join(', '),
  });
  return `https://calendar.google.com/calendar/render?${q}`;
}

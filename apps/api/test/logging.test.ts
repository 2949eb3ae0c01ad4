import { describe, expect, it } from 'vitest';
import { REDACTED, redactUrl } from '../src/logging.ts';

const T = 'Ab3_-xYz0123456789abcdefghijklmnopqrstuvw'; // 43 characters, like tokens.ts makes
const SHORT = 'abcDEF0123456789_-xy'; // the shortest a manage token may be (20)

describe('redactUrl', () => {
  it.each([
    [`/api/registrations/${SHORT}`, `/api/registrations/${REDACTED}`],
    [`/api/registrations/${SHORT}/cancel`, `/api/registrations/${REDACTED}/cancel`],
    [`/anmalan/${SHORT}?klart=sparad`, `/anmalan/${REDACTED}?klart=sparad`],
    [`/anmalan/${SHORT}?/remove`, `/anmalan/${REDACTED}?/remove`],
    [`/feeds/personal/${SHORT}.ics?lang=en`, `/feeds/personal/${REDACTED}.ics?lang=en`],
    [`/api/subscriptions/${SHORT}/one-click`, `/api/subscriptions/${REDACTED}/one-click`],
    [`/prenumeration/${SHORT}?klart=saved`, `/prenumeration/${REDACTED}?klart=saved`],
    [`/prenumeration/bekrafta?token=${SHORT}`, `/prenumeration/bekrafta?token=${REDACTED}`],
    [`/logga-in/lank?token=${SHORT}`, `/logga-in/lank?token=${REDACTED}`],
    [`/x?a=1&unsubscribe_token=${SHORT}&b=2`, `/x?a=1&unsubscribe_token=${REDACTED}&b=2`],
    [`/logga-in?tillbaka=%2Fanmalan%2F${SHORT}`, `/logga-in?tillbaka=${encodeURIComponent(`/anmalan/${REDACTED}`)}`],
    [`/somewhere/${T}/else`, `/somewhere/${REDACTED}/else`],
    [`/x?ref=${T}`, `/x?ref=${encodeURIComponent(REDACTED)}`],
  ])('%s → %s', (url, expected) => {
    expect(redactUrl(url)).toBe(expected);
  });

  it('leaves addresses without secrets as they are', () => {
    for (const url of [
      '/api/events?cluster=agro-orebro&limit=20',
      '/evenemang/12',
      '/prenumeration/bekrafta',
      '/feeds/all.ics?lang=en',
      '/kalender',
    ]) {
      expect(redactUrl(url)).toBe(url);
    }
  });

  it('survives bad percent-encoding without throwing', () => {
    expect(redactUrl(`/x?token=%ZZ${SHORT}`)).toBe(`/x?token=${REDACTED}`);
    expect(redactUrl('/x?a=%E0%A4%A')).toBe('/x?a=%E0%A4%A');
  });
});

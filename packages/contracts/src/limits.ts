/**
 * Every length and numeric bound of the API's fields, in one place: the schemas declare them,
 * core checks and cuts with them, and the web forms give them as maxlength. Lengths count
 * Unicode code points (codePointLength below), as AJV's maxLength does.
 */
export const LIMITS = {
  // ---- Texts, in code points ----
  /** A person's name (accounts, registrations), a cluster's name, a town. */
  name: 120,
  /** Email addresses: RFC 5321 §4.5.3.1.3 allows a path of 256 octets, 254 of them the address. */
  email: 254,
  emailMin: 3,
  /** Titles of events, polls, proposals and horizon items. */
  title: 200,
  organisation: 200,
  /** Dietary and accessibility needs of a registration. */
  needs: 500,
  /** Why an event is cancelled or a proposal declined. */
  reason: 500,
  /** A comment on a proposal, a horizon item or a poll. */
  comment: 5000,
  /** The subject of a newsletter or of a message to the registered. */
  subject: 150,
  /** The text of a message from the organisers to the registered. */
  message: 10_000,
  newsletterBody: 50_000,
  eventDescription: 20_000,
  pollDescription: 5000,
  clusterDescription: 5000,
  /** A cluster's one-paragraph summary on the map and the cluster list. */
  clusterSummary: 300,
  clusterWebsite: 300,
  venueName: 200,
  address: 300,
  /** Links to an online meeting or a horizon item's source page. */
  url: 500,
  proposalAbstract: 10_000,
  /** A proposal's format ("half-day workshop") and target audience. */
  proposalFormat: 200,
  proposalAudience: 300,
  horizonSummary: 2000,
  horizonSource: 200,
  /** An IANA time zone name. */
  timeZone: 64,
  /** An RFC 5545 RRULE value. */
  rrule: 300,
  rruleMin: 6,
  /** The free-text search of the event list. */
  search: 200,
  /** A list cursor, opaque to clients. */
  cursor: 100,
  slug: 80,
  password: 1024,
  passwordMin: 10,
  /** A one-time login link's token. */
  loginToken: 200,
  loginTokenMin: 20,
  /** Secrets in addresses (manage links, subscriptions, feeds). */
  token: 100,
  tokenMin: 20,
  listUnsubscribe: 100,
  /** The wording of an organiser's registration question. */
  questionLabel: 300,
  /** One offered choice of a choice question. */
  questionChoice: 200,
  /** A short text answer to a registration question. */
  shortAnswer: 300,
  /** A long text answer to a registration question. */
  longAnswer: 2000,

  // ---- Texts core writes itself, in code points ----
  /** A mail subject after flattening (long enough for the longest prefix and title). */
  mailSubject: 250,
  /** The last delivery error kept with a mail in the outbox. */
  mailError: 500,
  /** The part of an event's description quoted in an announcement mail. */
  announcementExcerpt: 1500,

  // ---- Numbers ----
  /** Seats of an event. */
  capacity: { min: 1, max: 100_000 },
  /** Themes of an event, a proposal or a horizon item. */
  themes: 6,
  /** Themes a subscription or a newsletter follows. */
  followedThemes: 10,
  /** Clusters named in one request (invited, shared with, followed, coordinated). */
  clusters: 30,
  /** An event's own registration questions. */
  questions: 20,
  /** Choices of one choice question. */
  questionChoices: 20,
  /** Candidate times of a poll. */
  pollSlots: 30,
  /** The length of the meeting a poll plans, in minutes. */
  pollMinutes: { min: 15, max: 24 * 60 },
  /** Events on one page of the list, and of the brief list a calendar grid reads. */
  pageSize: { default: 50, max: 200, briefMax: 1000 },
  /** How far ahead the horizon board can be filtered, in days. */
  closingWithinDays: 3650,
  latitude: 90,
  longitude: 180,
  /** Database ids: SQLite's rowids as the API accepts them. */
  id: 2 ** 31,
} as const;

/**
 * The length of a text in Unicode code points, the unit of every length in LIMITS and of AJV's
 * maxLength: an emoji counts one, where `.length` counts its two UTF-16 units. A surrogate
 * without its partner counts one, as in AJV.
 */
export function codePointLength(text: string): number {
  let n = 0;
  // The string iterator steps by code point.
  for (const _ of text) n++;
  return n;
}

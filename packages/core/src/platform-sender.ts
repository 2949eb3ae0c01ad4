import { isEmail, normaliseEmail, singleLine } from './escape.ts';

/** A mailbox as calendar files and mail headers need it: a display name and an address. */
export interface Mailbox {
  name: string;
  email: string;
}

const DEFAULT_SENDER: Mailbox = { name: 'Samverka', email: 'noreply@samverka.local' };
let sender: Mailbox = DEFAULT_SENDER;

/**
 * Sets the platform's own mailbox from MAIL_FROM (`Name <address>` or a bare address), once at
 * start (apps/api/src/app.ts), like the public URL in links.ts. Calendar files name it as
 * ORGANIZER when an event's lead cluster has no contact address (RFC 5546 §3.2.2 needs exactly
 * one ORGANIZER). A value without a valid address keeps the default `noreply@samverka.local`.
 */
export function setMailFrom(mailFrom: string): void {
  const m = /^\s*"?([^"<]*)"?\s*<([^>]+)>\s*$/.exec(mailFrom);
  const email = normaliseEmail(m ? m[2]! : mailFrom);
  sender = isEmail(email) ? { name: singleLine(m?.[1] ?? '', 100) || DEFAULT_SENDER.name, email } : DEFAULT_SENDER;
}

/** The platform's mailbox (MAIL_FROM) as set at start. */
export function platformSender(): Mailbox {
  return sender;
}

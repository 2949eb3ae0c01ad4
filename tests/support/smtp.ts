import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { expect } from 'vitest';
import { expectValidItip } from './libical.ts';
import { waitFor } from './wait.ts';

/** One message as the server received it: the SMTP envelope, the raw message and mailparser's reading of it. */
export interface ReceivedMail {
  /** MAIL FROM, '' for the null sender. */
  envelopeFrom: string;
  /** RCPT TO, in order: who the mail was really sent to, whatever its headers say. */
  envelopeTo: string[];
  raw: string;
  parsed: ParsedMail;
}

export interface SmtpOptions {
  /** Answers 550 (unknown mailbox) for the recipients it matches, as a real server does. */
  rejectRecipient?: (address: string) => boolean;
  /**
   * Milliseconds close() waits for open connections before it cuts them. A client's QUIT may
   * still be on its way when a test closes the server; smtp-server's own default is 30 s.
   */
  closeTimeoutMs?: number;
}

/**
 * A real SMTP server (smtp-server) on 127.0.0.1 that keeps every message it receives, parsed
 * with mailparser, with its envelope. No TLS and no AUTH, as the product's SMTP_URL in tests has
 * none. start() listens on a free port (port 0) or the given one; after stop(), start() listens
 * again on the same port, so a test can take SMTP down and bring it back where the product
 * expects it.
 */
export class TestSmtp {
  readonly received: ReceivedMail[] = [];
  port = 0;
  private server: SMTPServer | null = null;

  constructor(private readonly opts: SmtpOptions = {}) {}

  /** The parsed messages in the order they arrived. */
  get messages(): ParsedMail[] {
    return this.received.map((m) => m.parsed);
  }

  /** Listens on `port` (by default the port it had before, or any free one); resolves to the port. */
  async start(port = this.port): Promise<number> {
    if (this.server) throw new Error('the test SMTP server is already running');
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      closeTimeout: this.opts.closeTimeoutMs ?? 200,
      onRcptTo: (address, _session, callback) => {
        if (this.opts.rejectRecipient?.(address.address))
          return callback(Object.assign(new Error('Mailbox unavailable'), { responseCode: 550 }));
        callback();
      },
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          const raw = Buffer.concat(chunks).toString('utf8');
          simpleParser(raw).then(
            (parsed) => {
              this.received.push({
                envelopeFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
                envelopeTo: session.envelope.rcptTo.map((r) => r.address),
                raw,
                parsed,
              });
              callback();
            },
            (err: Error) => callback(err),
          );
        });
      },
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.port = (server.server.address() as AddressInfo).port;
    return this.port;
  }

  /** Stops listening; open connections get closeTimeoutMs to finish. Received mail is kept. */
  async stop(): Promise<void> {
    const s = this.server;
    this.server = null;
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  /** The mails whose SMTP envelope went to `address`. */
  to(address: string): ReceivedMail[] {
    return this.received.filter((m) => m.envelopeTo.includes(address));
  }

  /** Waits until a message matching the predicate has arrived, and returns it (parsed). */
  async waitFor(pred: (m: ParsedMail) => boolean, timeoutMs = 15_000): Promise<ParsedMail> {
    const found = await waitFor(
      () => this.received.find((m) => pred(m.parsed)),
      () => `a matching mail; got: ${this.received.map((m) => m.parsed.subject).join(' | ')}`,
      timeoutMs,
    );
    return found.parsed;
  }

  /** Waits until a mail whose envelope went to `address` (and, if given, with this subject) has arrived. */
  waitForMailTo(address: string, subject?: string | RegExp, timeoutMs = 15_000): Promise<ReceivedMail> {
    const fits = (m: ReceivedMail) =>
      subject === undefined || (typeof subject === 'string' ? m.parsed.subject === subject : subject.test(m.parsed.subject ?? ''));
    return waitFor(() => this.to(address).find(fits), `${subject ? `"${subject}"` : 'a mail'} to ${address}`, timeoutMs);
  }
}

/** A started TestSmtp (on `port`, or any free one). */
export async function startSmtp(opts: SmtpOptions & { port?: number } = {}): Promise<TestSmtp> {
  const smtp = new TestSmtp(opts);
  await smtp.start(opts.port ?? 0);
  return smtp;
}

/** The first address of the To header (not the envelope). */
export function toAddress(mail: ParsedMail): string {
  const to = Array.isArray(mail.to) ? mail.to[0] : mail.to;
  return to?.value[0]?.address ?? '';
}

/** Every address in a parsed address header (To, From, Cc, Bcc). */
export function addresses(a: AddressObject | AddressObject[] | undefined): (string | undefined)[] {
  return (Array.isArray(a) ? a : a ? [a] : []).flatMap((x) => x.value.map((v) => v.address));
}

/** The header section of a raw message (up to the first empty line). */
export function headerSection(raw: string): string {
  return raw.split(/\r?\n\r?\n/)[0]!;
}

/**
 * The assertion every test runs on a mailed iTIP message (RFC 5546, RFC 6047): the raw message
 * has a multipart/alternative whose parts include `text/calendar; charset=utf-8; method=…` (what
 * Gmail and Outlook act on), mailparser reads exactly one text/calendar part, and that calendar
 * passes expectValidItip (libical's check_restrictions, one ORGANIZER, one ATTENDEE). Returns
 * the calendar text.
 */
export function expectItipMail(m: ReceivedMail, method: 'REQUEST' | 'CANCEL'): string {
  const boundary = /Content-Type: multipart\/alternative;\s*boundary="?([^";\r\n]+)"?/i.exec(m.raw)?.[1];
  expect(boundary, 'a multipart/alternative').toBeTruthy();
  const from = m.raw.indexOf(`--${boundary}`);
  const alternative = m.raw.slice(from, m.raw.indexOf(`--${boundary}--`, from));
  expect(alternative).toMatch(new RegExp(`^Content-Type: text/calendar; charset=utf-8; method=${method}\r?$`, 'im'));
  const cals = m.parsed.attachments.filter((a) => a.contentType === 'text/calendar');
  expect(cals, `text/calendar parts of "${m.parsed.subject}"`).toHaveLength(1);
  const text = cals[0]!.content.toString('utf8');
  expectValidItip(text, method);
  return text;
}

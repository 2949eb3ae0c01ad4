import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventInput } from '../../../tests/support/fixtures.ts';
import { bearer, expectError, makeTestApp, type TestApp } from './helpers.ts';

// The spreadsheet exports read back by real readers: exceljs opens the .xlsx, csv-parse reads the
// CSV with `;` as Swedish Excel does, field by field, line breaks inside fields included.

let t: TestApp;
let lead: { token: string };
let outsider: { token: string };
let eventId = 0;
const YEAR = new Date().getUTCFullYear() + 2;

const NAMES = ['Anna Andersson', '=cmd|" /C calc"!A0', 'Bo "Bosse" Berg', 'Cecilia Ö; Östlund'];

beforeAll(async () => {
  t = await makeTestApp();
  lead = await t.login('coordinator', { clusters: ['agro-orebro'] });
  outsider = await t.login('coordinator', { clusters: ['froda'] });
  // In New York time, so the exports must show the event's own wall-clock times, not Sweden's or UTC.
  const created = await t.inject({
    method: 'POST',
    url: '/api/events',
    headers: bearer(lead.token),
    payload: eventInput({ start: `${YEAR}-03-10T09:00`, end: `${YEAR}-03-10T12:00`, timeZone: 'America/New_York', capacity: 3 }),
  });
  eventId = (created.json() as { event: { id: number } }).event.id;
  expect((await t.inject({ method: 'POST', url: `/api/events/${eventId}/publish`, headers: bearer(lead.token) })).statusCode).toBe(200);
  for (const [i, name] of NAMES.entries()) {
    const res = await t.inject({
      method: 'POST',
      url: `/api/events/${eventId}/registrations`,
      payload: {
        name,
        email: `p${i}@example.se`,
        organisation: i === 0 ? 'Gården AB' : '@Skogen',
        cluster: i === 2 ? 'froda' : null,
        dietaryNeeds: i === 0 ? 'Vegetarisk\nInga nötter' : '+laktosfri',
        accessibilityNeeds: i === 3 ? 'Rullstol\r\nHörslinga' : null,
        consent: true,
      },
    });
    expect(res.statusCode, res.body).toBe(201);
  }
});
afterAll(() => t.close());

const get = (url: string, token = lead.token) => t.inject({ method: 'GET', url, headers: bearer(token) });

async function readXlsx(body: Buffer) {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(body as unknown as ArrayBuffer);
  const ws = wb.worksheets[0]!;
  const rows: unknown[][] = [];
  ws.eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
  return { name: ws.name, rows };
}

function readCsv(body: string): string[][] {
  expect(body.charCodeAt(0)).toBe(0xfeff);
  return parse(body.slice(1), { delimiter: ';', record_delimiter: '\r\n', relax_column_count: false }) as string[][];
}

describe('the attendee list for Excel', () => {
  it('CSV: `;` separated with a BOM, every row 11 fields, line breaks and quotes kept inside quoted fields, Swedish words, local times', async () => {
    const res = await get(`/api/events/${eventId}/registrations.excel.csv`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe(`attachment; filename="deltagare-${eventId}.csv"`);
    expect(res.headers['cache-control']).toBe('no-store');
    // Every record ends in CRLF; a line break inside a field is inside quotes (RFC 4180 §2.6).
    expect(res.body).toContain('"Vegetarisk\nInga nötter"');
    expect(res.body).toContain('"Rullstol\r\nHörslinga"');
    const rows = readCsv(res.body);
    expect(rows).toHaveLength(1 + NAMES.length);
    for (const r of rows) expect(r).toHaveLength(11);
    expect(rows[0]).toEqual([
      'Status',
      'Plats i kön',
      'Namn',
      'E-post',
      'Organisation',
      'Län',
      'Kluster',
      'Kost',
      'Tillgänglighet',
      'Incheckad',
      'Anmäld',
    ]);
    const byEmail = (email: string) => rows.find((r) => r[3] === email)!;
    expect(byEmail('p0@example.se').slice(0, 5)).toEqual(['Bekräftad', '', 'Anna Andersson', 'p0@example.se', 'Gården AB']);
    expect(byEmail('p0@example.se')[7]).toBe('Vegetarisk\nInga nötter');
    // Formula cells are neutralised; quotes and separators in names survive.
    expect(byEmail('p1@example.se')[2]).toBe(`'${NAMES[1]}`);
    expect(byEmail('p1@example.se')[4]).toBe("'@Skogen");
    expect(byEmail('p1@example.se')[7]).toBe("'+laktosfri");
    expect(byEmail('p2@example.se')[2]).toBe('Bo "Bosse" Berg');
    expect(byEmail('p2@example.se')[6]).toBe('FRODA');
    expect(byEmail('p3@example.se').slice(0, 3)).toEqual(['På väntelistan', '1', 'Cecilia Ö; Östlund']);
    expect(byEmail('p3@example.se')[8]).toBe('Rullstol\r\nHörslinga');
    // Registered "now", as wall-clock time in New York.
    const ny = new Intl.DateTimeFormat('sv-SE', {
      timeZone: 'America/New_York',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
    })
      .format(new Date())
      .slice(0, 10);
    expect(byEmail('p0@example.se')[10]).toMatch(new RegExp(`^${ny} \\d{2}:\\d{2}$`));
  });

  it('CSV in English has English headings and statuses', async () => {
    const rows = readCsv((await get(`/api/events/${eventId}/registrations.excel.csv?lang=en`)).body);
    expect(rows[0]![0]).toBe('Status');
    expect(rows[0]![1]).toBe('Waitlist position');
    expect(rows.map((r) => r[0])).toContain('On the waiting list');
    expect(rows.map((r) => r[0])).toContain('Confirmed');
  });

  it('.xlsx: exceljs reads the sheet back: headings, text kept as typed (never a formula), times as dates', async () => {
    const res = await get(`/api/events/${eventId}/registrations.xlsx`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(res.headers['content-disposition']).toBe(`attachment; filename="deltagare-${eventId}.xlsx"`);
    const { name, rows } = await readXlsx(res.rawPayload);
    expect(name).toBe('Deltagare');
    expect(rows).toHaveLength(1 + NAMES.length);
    expect(rows[0]![2]).toBe('Namn');
    const formula = rows.find((r) => r[3] === 'p1@example.se')!;
    // A text cell: the spreadsheet shows it and never runs it.
    expect(formula[2]).toBe(NAMES[1]);
    expect(typeof formula[2]).toBe('string');
    const anna = rows.find((r) => r[3] === 'p0@example.se')!;
    expect(anna[0]).toBe('Bekräftad');
    expect(anna[7]).toBe('Vegetarisk\nInga nötter');
    expect(anna[10]).toBeInstanceOf(Date);
    const waiting = rows.find((r) => r[3] === 'p3@example.se')!;
    expect(waiting[1]).toBe(1);
  });

  it('narrows the exports and the list by name or organisation, status and cluster; the counts stay', async () => {
    const rows = readCsv((await get(`/api/events/${eventId}/registrations.excel.csv?q=skogen&status=confirmed`)).body);
    expect(rows.slice(1).map((r) => r[3])).toEqual(['p1@example.se', 'p2@example.se']);
    const list = (await get(`/api/events/${eventId}/registrations?q=bosse%20berg`)).json() as {
      confirmed: number;
      waitlisted: number;
      attendees: { email: string }[];
    };
    expect(list.attendees.map((a) => a.email)).toEqual(['p2@example.se']);
    expect([list.confirmed, list.waitlisted]).toEqual([3, 1]);
    const froda = (await get(`/api/events/${eventId}/registrations?cluster=froda`)).json() as { attendees: { email: string }[] };
    expect(froda.attendees.map((a) => a.email)).toEqual(['p2@example.se']);
    const waiting = (await get(`/api/events/${eventId}/registrations?status=waitlisted`)).json() as { attendees: { email: string }[] };
    expect(waiting.attendees.map((a) => a.email)).toEqual(['p3@example.se']);
    expectError(await get(`/api/events/${eventId}/registrations?status=maybe`), 400, 'invalid_request');
  });

  it('is for the organisers only', async () => {
    for (const path of ['registrations.xlsx', 'registrations.excel.csv']) {
      expectError(await get(`/api/events/${eventId}/${path}`, outsider.token), 403);
      expectError(await t.inject({ method: 'GET', url: `/api/events/${eventId}/${path}` }), 401);
    }
  });
});

describe('the data CSV for programs', () => {
  it('quotes a field with a lone line break too (RFC 4180 §2.6), so a parser reads 11 fields in every row', async () => {
    const res = await get(`/api/events/${eventId}/registrations.csv`);
    expect(res.body).toContain('"Vegetarisk\nInga nötter"');
    const rows = parse(res.body.slice(1), { record_delimiter: '\r\n' }) as string[][];
    expect(rows).toHaveLength(1 + NAMES.length);
    for (const r of rows) expect(r).toHaveLength(11);
  });
});

describe('the report for Excel', () => {
  const range = `from=${YEAR}-01-01&to=${YEAR}-12-31`;

  it('CSV and .xlsx in the reader’s language, kinds and themes named, counts as numbers', async () => {
    const csv = await get(`/api/reports/excel.csv?${range}`);
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-disposition']).toBe(`attachment; filename="samverka-rapport-${YEAR}-01-01-${YEAR}-12-31.csv"`);
    const rows = readCsv(csv.body);
    for (const r of rows) expect(r).toHaveLength(4);
    expect(rows[0]).toEqual(['Avsnitt', 'Vad', 'Antal', 'Incheckade']);
    expect(rows).toContainEqual(['Sammanfattning', 'Evenemang', '1', '']);
    expect(rows).toContainEqual(['Evenemang per typ', 'Workshop', '1', '']);
    expect(rows).toContainEqual(['Evenemang per tema', 'Krisberedskap och självförsörjning', '1', '']);
    expect(rows).toContainEqual(['Anmälningar per kluster', '(ingen klustertillhörighet)', '2', '0']);

    const en = readCsv((await get(`/api/reports/excel.csv?${range}&lang=en`)).body);
    expect(en[0]).toEqual(['Section', 'What', 'Count', 'Checked in']);
    expect(en).toContainEqual(['Events by theme', 'Crisis preparedness and self-sufficiency', '1', '']);

    const xlsx = await get(`/api/reports/xlsx?${range}&lang=en`);
    expect(xlsx.headers['content-disposition']).toBe(`attachment; filename="samverka-report-${YEAR}-01-01-${YEAR}-12-31.xlsx"`);
    const book = await readXlsx(xlsx.rawPayload);
    expect(book.name).toBe('Report');
    expect(book.rows).toContainEqual(['Summary', 'Events', 1]);
    expect(book.rows).toContainEqual(['Events by kind', 'Workshop', 1]);
    expectError(await t.inject({ method: 'GET', url: `/api/reports/xlsx?${range}` }), 401);
  });
});

describe('the answers to the registration questions in the exports', () => {
  // Another year than the report's, so the report above counts the same events.
  const LATER = YEAR + 1;
  let qEvent = 0;

  beforeAll(async () => {
    const created = await t.inject({
      method: 'POST',
      url: '/api/events',
      headers: bearer(lead.token),
      payload: eventInput({ start: `${LATER}-03-10T09:00`, end: `${LATER}-03-10T12:00` }),
    });
    qEvent = (created.json() as { event: { id: number } }).event.id;
    const set = await t.inject({
      method: 'PUT',
      url: `/api/events/${qEvent}/questions`,
      headers: bearer(lead.token),
      payload: {
        questions: [
          { kind: 'single_choice', label: 'Pass; förmiddag eller eftermiddag?', required: true, choices: ['Förmiddag', 'Eftermiddag'] },
          { kind: 'multiple_choice', label: 'Måltider', choices: ['Lunch', 'Fika'] },
          { kind: 'yes_no', label: 'Driver du en gård?' },
          { kind: 'long_text', label: '=Övrigt' },
        ],
      },
    });
    expect(set.statusCode, set.body).toBe(200);
    const qs = set.json() as { id: number }[];
    expect((await t.inject({ method: 'POST', url: `/api/events/${qEvent}/publish`, headers: bearer(lead.token) })).statusCode).toBe(200);
    const answers = [
      [
        { question: qs[0]!.id, value: 'Förmiddag' },
        { question: qs[1]!.id, value: ['Lunch', 'Fika'] },
        { question: qs[2]!.id, value: true },
        { question: qs[3]!.id, value: 'Rad ett\nRad två' },
      ],
      [
        { question: qs[0]!.id, value: 'Eftermiddag' },
        { question: qs[2]!.id, value: false },
      ],
    ];
    for (const [i, a] of answers.entries()) {
      const res = await t.inject({
        method: 'POST',
        url: `/api/events/${qEvent}/registrations`,
        payload: { name: `Q ${i}`, email: `q${i}@example.se`, organisation: 'Gården AB', consent: true, answers: a },
      });
      expect(res.statusCode, res.body).toBe(201);
    }
  });

  it('CSV: one column per question after the standard ones, headed by its label; yes/no as words in the language asked for', async () => {
    const rows = readCsv((await get(`/api/events/${qEvent}/registrations.excel.csv`)).body);
    for (const r of rows) expect(r).toHaveLength(15);
    expect(rows[0]!.slice(11)).toEqual(['Pass; förmiddag eller eftermiddag?', 'Måltider', 'Driver du en gård?', "'=Övrigt"]);
    const byEmail = (rs: string[][], email: string) => rs.find((r) => r[3] === email)!.slice(11);
    expect(byEmail(rows, 'q0@example.se')).toEqual(['Förmiddag', 'Lunch, Fika', 'Ja', 'Rad ett\nRad två']);
    expect(byEmail(rows, 'q1@example.se')).toEqual(['Eftermiddag', '', 'Nej', '']);
    const en = readCsv((await get(`/api/events/${qEvent}/registrations.excel.csv?lang=en`)).body);
    expect(byEmail(en, 'q0@example.se')[2]).toBe('Yes');
    expect(byEmail(en, 'q1@example.se')[2]).toBe('No');
  });

  it('.xlsx: exceljs reads the question columns and the answers back as text', async () => {
    const { rows } = await readXlsx((await get(`/api/events/${qEvent}/registrations.xlsx`)).rawPayload);
    expect(rows[0]!.slice(11)).toEqual(['Pass; förmiddag eller eftermiddag?', 'Måltider', 'Driver du en gård?', '=Övrigt']);
    const anna = rows.find((r) => r[3] === 'q0@example.se')!;
    expect(anna.slice(11)).toEqual(['Förmiddag', 'Lunch, Fika', 'Ja', 'Rad ett\nRad två']);
  });
});

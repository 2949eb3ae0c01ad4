import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { sheetToCsv, sheetToXlsx, type Sheet } from '../src/exports/spreadsheet.ts';
import { filterAttendees } from '../src/registrations/attendee-filter.ts';

const sheet: Sheet = {
  name: 'Deltagare',
  columns: [{ header: 'Namn' }, { header: 'Antal' }, { header: 'Anmäld' }, { header: 'Kost' }],
  rows: [
    ['Åsa Öberg', 3, { local: '2030-05-01 09:30' }, 'Vegetarisk\nInga nötter'],
    ['=SUM(A1:A9)', 0, null, 'a;b "c"\r\nd'],
    ['-Bindestreck', null, null, '\tTabb'],
  ],
};

describe('sheetToCsv (Excel with Swedish settings)', () => {
  it('writes BOM, `;`, CRLF, and quotes exactly the fields with a quote, `;`, CR or LF', () => {
    const csv = sheetToCsv(sheet);
    expect(csv.startsWith('\uFEFFNamn;Antal;Anmäld;Kost\r\n')).toBe(true);
    expect(csv).toContain('Åsa Öberg;3;2030-05-01 09:30;"Vegetarisk\nInga nötter"\r\n');
    expect(csv).toContain(`'=SUM(A1:A9);0;;"a;b ""c""\r\nd"\r\n`);
    expect(csv.endsWith(`'-Bindestreck;;;'\tTabb\r\n`)).toBe(true);
    const rows = parse(csv.slice(1), { delimiter: ';', record_delimiter: '\r\n' }) as string[][];
    expect(rows).toEqual([
      ['Namn', 'Antal', 'Anmäld', 'Kost'],
      ['Åsa Öberg', '3', '2030-05-01 09:30', 'Vegetarisk\nInga nötter'],
      ["'=SUM(A1:A9)", '0', '', 'a;b "c"\r\nd'],
      ["'-Bindestreck", '', '', "'\tTabb"],
    ]);
  });
});

describe('sheetToXlsx', () => {
  it('keeps text as text (no formula), numbers as numbers and wall-clock times as they read', async () => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await sheetToXlsx(sheet)) as unknown as ArrayBuffer);
    const ws = wb.getWorksheet('Deltagare')!;
    expect(ws.getRow(1).getCell(1).value).toBe('Namn');
    expect(ws.getRow(1).font?.bold).toBe(true);
    expect(ws.getRow(2).getCell(2).value).toBe(3);
    const when = ws.getRow(2).getCell(3);
    expect((when.value as Date).toISOString()).toBe('2030-05-01T09:30:00.000Z');
    expect(when.numFmt).toBe('yyyy-mm-dd hh:mm');
    const formula = ws.getRow(3).getCell(1);
    expect(formula.value).toBe('=SUM(A1:A9)');
    expect(formula.type).toBe(ExcelJS.ValueType.String);
  });
});

describe('filterAttendees', () => {
  const people = [
    { name: 'Örjan Åkesson', organisation: 'Norrgården', status: 'confirmed' as const, cluster: { slug: 'froda', name: 'FRODA' } },
    { name: 'Anna Berg', organisation: 'ÖSTRA GÅRDEN AB', status: 'waitlisted' as const, cluster: null },
    { name: null, organisation: null, status: 'cancelled' as const, cluster: null },
  ];

  it('matches every word in the name or the organisation, in any case, Swedish letters included', () => {
    expect(filterAttendees(people, { q: 'örjan' }).map((p) => p.name)).toEqual(['Örjan Åkesson']);
    expect(filterAttendees(people, { q: 'östra ab' }).map((p) => p.name)).toEqual(['Anna Berg']);
    expect(filterAttendees(people, { q: 'anna norrgården' })).toEqual([]);
    expect(filterAttendees(people, { q: '  ' })).toHaveLength(3);
  });

  it('narrows by status and cluster, combined with the words', () => {
    expect(filterAttendees(people, { status: 'waitlisted' }).map((p) => p.name)).toEqual(['Anna Berg']);
    expect(filterAttendees(people, { cluster: 'froda' }).map((p) => p.name)).toEqual(['Örjan Åkesson']);
    expect(filterAttendees(people, { cluster: 'froda', q: 'berg' })).toEqual([]);
  });
});

import { stringify } from 'csv-stringify/sync';
import { neutraliseCell } from '../registrations/registration-service.ts';

/**
 * A wall-clock date and time ("YYYY-MM-DD HH:mm") in the zone the reader means (an event's own
 * zone): written as it reads, never converted to UTC, so a spreadsheet shows the time the page shows.
 */
export interface LocalDateTime {
  local: string;
}

export type Cell = string | number | LocalDateTime | null;

/** One table for the spreadsheet exports: headings in the reader's language and rows of cells. */
export interface Sheet {
  /** The worksheet's name in the .xlsx (at most 31 characters). */
  name: string;
  columns: { header: string; width?: number }[];
  rows: Cell[][];
}

const isLocal = (c: Cell): c is LocalDateTime => typeof c === 'object' && c !== null;

/**
 * The sheet as CSV for Excel with Swedish settings: UTF-8 with a BOM (so å, ä and ö are read
 * right), `;` between fields (the list separator where the decimal mark is a comma), CRLF after
 * every record, and every field holding a `"`, `;`, CR or LF in quotes with inner quotes doubled
 * (RFC 4180 §2.5–2.7; a lone LF counts, which csv-stringify does not quote by itself). Text cells
 * that a spreadsheet would run as a formula are neutralised (neutraliseCell).
 */
export function sheetToCsv(sheet: Sheet): string {
  const text = (c: Cell) => (c === null ? '' : typeof c === 'number' ? String(c) : isLocal(c) ? c.local : neutraliseCell(c));
  const records = [sheet.columns.map((c) => neutraliseCell(c.header)), ...sheet.rows.map((r) => r.map(text))];
  return `\uFEFF${stringify(records, { delimiter: ';', record_delimiter: '\r\n', quoted_match: /[\r\n";]/ })}`;
}

/** "YYYY-MM-DD HH:mm" as a Date whose UTC fields are that wall-clock time: .xlsx dates have no zone. */
function wallClock(local: string): Date {
  return new Date(`${local.replace(' ', 'T')}:00Z`);
}

/**
 * The sheet as an Office Open XML workbook (.xlsx, exceljs): a bold, frozen header row, numbers
 * as numbers, times as dates formatted yyyy-mm-dd hh:mm in the wall-clock time given. Text goes
 * in as text cells, which a spreadsheet never runs as a formula, so it keeps what people typed.
 */
export async function sheetToXlsx(sheet: Sheet): Promise<Buffer> {
  // Loaded at the first export, not at start: exceljs holds several MB of heap that only
  // spreadsheet downloads need.
  const { default: ExcelJS } = await import('exceljs');
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'Samverka';
  const ws = workbook.addWorksheet(sheet.name.slice(0, 31), { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.columns = sheet.columns.map((c, i) => ({ key: String(i), header: c.header, width: c.width ?? 18 }));
  ws.getRow(1).font = { bold: true };
  for (const r of sheet.rows) {
    const row = ws.addRow(r.map((c) => (c === null ? null : isLocal(c) ? wallClock(c.local) : c)));
    r.forEach((c, i) => {
      const cell = row.getCell(i + 1);
      if (isLocal(c)) cell.numFmt = 'yyyy-mm-dd hh:mm';
      else if (typeof c === 'string') cell.alignment = { wrapText: c.includes('\n'), vertical: 'top' };
    });
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

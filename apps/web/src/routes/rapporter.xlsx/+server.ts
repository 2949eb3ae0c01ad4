import { reportDownload } from '$lib/server/report-download';
import type { RequestHandler } from './$types';

/** The report as an .xlsx workbook. */
export const GET: RequestHandler = (event) => reportDownload(event, 'xlsx');

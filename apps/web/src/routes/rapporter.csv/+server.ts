import { reportDownload } from '$lib/server/report-download';
import type { RequestHandler } from './$types';

/** The report as CSV for Excel (`;`, BOM, headings and names in the page's language). */
export const GET: RequestHandler = (event) => reportDownload(event, 'csv');

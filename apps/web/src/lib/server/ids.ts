import { error } from '@sveltejs/kit';

/** A numeric id from the path; anything else is a page that does not exist. */
export function idParam(value: string): number {
  if (!/^[1-9]\d{0,9}$/.test(value) || Number(value) > 2 ** 31) error(404, 'Not found');
  return Number(value);
}

/** A form field as a trimmed string ('' when absent or not text). */
export function field(data: FormData, name: string): string {
  const v = data.get(name);
  return typeof v === 'string' ? v.trim() : '';
}

/** A refused form post: the message above the form, a text per field in error, and what was typed. */
export interface FormFailure<V = Record<string, string>> {
  message: string;
  fields: Record<string, string>;
  values?: V;
}

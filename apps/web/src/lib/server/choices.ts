/** The ticked values of a checkbox group (or repeated field), each once, without empty ones. */
export function checkedValues(data: FormData, name: string): string[] {
  return [
    ...new Set(
      data
        .getAll(name)
        .filter((v): v is string => typeof v === 'string' && v.trim() !== '')
        .map((v) => v.trim()),
    ),
  ];
}

/** A done-message key from `?klart=`, when the catalogue has it; otherwise none. */
export function doneKey(url: URL, messages: Record<string, string>): string | null {
  const done = url.searchParams.get('klart') ?? '';
  return Object.hasOwn(messages, done) ? done : null;
}

/** Only same-site paths: a `tillbaka` parameter must never send the user to another site. */
export function safeReturnPath(value: string | null | undefined, fallback = '/'): string {
  if (!value?.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return fallback;
  return value;
}

/**
 * Where a login leads when no return path was asked for: a coordinator to their clusters'
 * dashboard, where what waits for them is; everyone else (participants, admins without a
 * cluster of their own) to their account.
 */
export function landingPath(user: { clusters: readonly unknown[] }): string {
  return user.clusters.length > 0 ? '/mitt-kluster' : '/konto';
}

// Types the web app's API client imports, so the two sides cannot drift apart.
export * from './common.ts';
export * from './clusters.ts';
export * from './users.ts';
export * from './events.ts';
export * from './proposals.ts';
export * from './registrations.ts';
export * from './network.ts';
export * from './start.ts';
export * from './exports.ts';

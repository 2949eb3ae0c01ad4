// The API's shapes: the schemas the API validates and documents with, the types core returns and
// the web app's client reads, and the LIMITS all of them share.
export * from './common.ts';
export * from './clusters.ts';
export * from './users.ts';
export * from './events.ts';
export * from './proposals.ts';
export * from './registrations.ts';
export * from './network.ts';
export * from './limits.ts';
export * from './error-details.ts';
export * from './health.ts';
export * from './personal-data.ts';
export * from './knowledge.ts';
export * from './start.ts';
export * from './exports.ts';
export * from './questions.ts';
export * from './notifications.ts';
export * from './event-overview.ts';
export * from './dashboard.ts';

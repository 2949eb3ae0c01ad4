export * from './reference.ts';
export * from './accounts.ts';
export * from './outbox.ts';
export * from './events.ts';
export * from './feeds.ts';
export * from './registrations.ts';
export * from './network.ts';
export * from './knowledge.ts';

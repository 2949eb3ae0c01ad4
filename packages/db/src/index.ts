export * from './schema/index.ts';
export * from './client.ts';
export * from './seed.ts';
export * from './lock.ts';
export * from './storage.ts';
export * from './health.ts';
export * from './backup.ts';
export * from './kept-statements.ts';

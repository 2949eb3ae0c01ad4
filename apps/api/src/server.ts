import { releaseAllLeases } from '@samverka/core';
import { lockDataDir, openDatabase, runMigrations, seedReferenceData } from '@samverka/db';
import closeWithGrace from 'close-with-grace';
import { resolve } from 'node:path';
import { buildApp } from './app.ts';
import { loadConfig } from './config.ts';
import { loggerOptions } from './logging.ts';
import { startFailureMessage } from './start-failure.ts';

async function main() {
  const config = loadConfig();
  // One writer per data folder: a second server would send every mail and run every job twice.
  const lock = lockDataDir(config.dataDir);
  const database = openDatabase(config.databaseFile);
  runMigrations(database.db);
  seedReferenceData(database.db);
  // This process holds the lock, so no other worker is sending: mails claimed by a process that
  // died are due again now, each with the Message-ID it had.
  releaseAllLeases(database.db);

  const app = await buildApp({ config, db: database.db, web: true, logger: loggerOptions(config.logLevel) });
  // SIGTERM/SIGINT: stop taking connections, finish the requests in flight, let the outbox worker
  // finish the mails it is sending and the jobs their work, then close the database and the lock.
  closeWithGrace({ delay: 10_000 }, async ({ err, signal }) => {
    if (err) app.log.error({ err }, 'closing after an error');
    else app.log.info({ signal }, 'shutting down: finishing requests and mail in flight');
    await app.close();
    database.close();
    lock.release();
  });
  await app.listen({ port: config.port, host: config.host });
  app.log.info(
    `Samverka is running at ${config.publicUrl} (data in ${config.dataDir}, mail ${config.smtpUrl ? 'via SMTP' : 'kept in the outbox'})`,
  );
}

main().catch((err: Error) => {
  // A bad setting, a locked data folder, a full disk or a failed migration stops the start with
  // a clear message and a non-zero exit.
  console.error(startFailureMessage(err, resolve(process.env.DATA_DIR || './data')));
  process.exit(1);
});

import { openDatabase, runMigrations, seedReferenceData } from '@samverka/db';
import closeWithGrace from 'close-with-grace';
import { buildApp } from './app.ts';
import { ConfigError, loadConfig } from './config.ts';

async function main() {
  const config = loadConfig();
  const database = openDatabase(config.databaseFile);
  runMigrations(database.db);
  seedReferenceData(database.db);

  const app = await buildApp({ config, db: database.db, web: true, logger: { level: config.logLevel } });
  closeWithGrace({ delay: 10_000 }, async ({ err }) => {
    if (err) app.log.error({ err }, 'closing after an error');
    await app.close();
    database.close();
  });
  await app.listen({ port: config.port, host: config.host });
  app.log.info(
    `Samverka is running at ${config.publicUrl} (data in ${config.dataDir}, mail ${config.smtpUrl ? 'via SMTP' : 'kept in the outbox'})`,
  );
}

main().catch((err: Error) => {
  // A bad setting or a failed migration stops the start with a clear message and a non-zero exit.
  console.error(err instanceof ConfigError ? `Configuration error: ${err.message}` : `Samverka could not start: ${err.message}`);
  process.exit(1);
});

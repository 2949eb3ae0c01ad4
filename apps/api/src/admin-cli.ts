import { copyStoredFiles, createAdmin, fileStore, storedHashes } from '@samverka/core';
import { backupTo, openDatabase, RestoreError, restoreBackup, runMigrations, seedReferenceData } from '@samverka/db';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const USAGE = `Samverka admin tool

  npm run admin -- create-admin --email EMAIL --name NAME     (reads the password from ADMIN_PASSWORD or stdin)
  npm run admin -- backup --out FILE                          (online backup; safe while the server runs;
                                                               uploaded files are copied to FILE.files)
  npm run admin -- restore --from FILE                        (puts a backup in place as DATA_DIR's database;
                                                               the server must be stopped; the old database is kept)

DATA_DIR selects the database (default ./data).`;

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '';
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const { values } = parseArgs({
    args: rest,
    options: { email: { type: 'string' }, name: { type: 'string' }, out: { type: 'string' }, from: { type: 'string' } },
  });
  const dataDir = resolve(process.env.DATA_DIR || './data');
  if (command === 'restore') {
    // Before opening the database: the restore replaces the file, under the data folder's lock.
    if (!values.from) throw new Error('--from is required');
    const started = Date.now();
    const { file, keptAs } = await restoreBackup(values.from, dataDir);
    console.log(
      `Restored ${resolve(values.from)} to ${file} in ${Date.now() - started} ms${keptAs ? `; the previous database is kept as ${keptAs}` : ''}`,
    );
    return 0;
  }
  const database = openDatabase(join(dataDir, 'samverka.db'));
  try {
    if (command === 'create-admin') {
      if (!values.email) throw new Error('--email is required');
      runMigrations(database.db);
      seedReferenceData(database.db);
      const password = process.env.ADMIN_PASSWORD ?? (await readStdin());
      const user = await createAdmin(database.db, { email: values.email, name: values.name ?? values.email, password });
      console.log(`Admin ready: ${user.email} (id ${user.id})`);
      return 0;
    }
    if (command === 'backup') {
      if (!values.out) throw new Error('--out is required');
      // SQLite's online backup API copies a consistent snapshot while other connections write.
      const { pages, file } = await backupTo(database.sqlite, values.out);
      console.log(`Backed up ${pages} pages to ${file}`);
      // Then exactly the uploaded files that snapshot points to. They are named by their content
      // and never change, so copying them after the snapshot is consistent with it.
      const snapshot = openDatabase(file);
      const hashes = storedHashes(snapshot.db);
      snapshot.close();
      const target = `${file}.files`;
      const copied = copyStoredFiles(fileStore(dataDir), { root: target }, hashes);
      console.log(`Copied ${copied.files} files (${copied.bytes} bytes) to ${target}`);
      if (copied.missing.length)
        console.error(`${copied.missing.length} files were removed while the backup ran: ${copied.missing.join(', ')}`);
      return 0;
    }
    console.error(USAGE);
    return 2;
  } finally {
    database.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: Error) => {
    console.error(err instanceof RestoreError ? `Restore refused: ${err.message}` : `Error: ${err.message}`);
    process.exit(1);
  },
);

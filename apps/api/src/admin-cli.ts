import { copyStoredFiles, createAdmin, fileStore, storedHashes } from '@samverka/core';
import { openDatabase, runMigrations, seedReferenceData } from '@samverka/db';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const USAGE = `Samverka admin tool

  npm run admin -- create-admin --email EMAIL --name NAME     (reads the password from ADMIN_PASSWORD or stdin)
  npm run admin -- backup --out FILE                          (online backup; safe while the server runs;
                                                               uploaded files are copied to FILE.files)

DATA_DIR selects the database (default ./data).`;

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '';
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const { values } = parseArgs({ args: rest, options: { email: { type: 'string' }, name: { type: 'string' }, out: { type: 'string' } } });
  const dataDir = resolve(process.env.DATA_DIR || './data');
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
      const { totalPages } = await database.sqlite.backup(resolve(values.out));
      console.log(`Backed up ${totalPages} pages to ${resolve(values.out)}`);
      // Then exactly the uploaded files that snapshot points to. They are named by their content
      // and never change, so copying them after the snapshot is consistent with it.
      const snapshot = openDatabase(resolve(values.out));
      const hashes = storedHashes(snapshot.db);
      snapshot.close();
      const target = `${resolve(values.out)}.files`;
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
    console.error(`Error: ${err.message}`);
    process.exit(1);
  },
);

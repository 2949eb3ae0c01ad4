// Runs the pinned pnpm through npx so a fresh machine needs only Node and npm
// (corepack fails here with "No compatible signature found", see docs/toolchain.md).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const pnpm = pkg.packageManager; // "pnpm@x.y.z"
const result = spawnSync('npx', ['-y', pnpm, ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(result.status ?? 1);

// Development: the API with tsx watch on :3001 and SvelteKit's dev server (hot reload) on :5173,
// which proxies /api and /feeds to the API. Production serves both from one process instead.
import { spawn } from 'node:child_process';

const children = [
  spawn('npx', ['tsx', 'watch', 'apps/api/src/server.ts'], {
    stdio: 'inherit',
    env: { ...process.env, PORT: '3001', WEB_BUILD_DIR: '', PUBLIC_URL: process.env.PUBLIC_URL ?? 'http://localhost:5173' },
  }),
  spawn('node', ['scripts/pnpm.mjs', '--filter', '@samverka/web', 'dev'], {
    stdio: 'inherit',
    env: { ...process.env, API_URL: 'http://localhost:3001' },
  }),
];
const stop = () => {
  for (const c of children) c.kill('SIGTERM');
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
for (const c of children)
  c.on('exit', (code) => {
    stop();
    process.exitCode = code ?? 0;
  });

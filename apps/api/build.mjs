// Bundles the server and the admin tool with esbuild. Workspace packages (TypeScript sources)
// are bundled in; everything from node_modules stays external and is loaded at run time.
import { build } from 'esbuild';

await build({
  entryPoints: { server: 'src/server.ts', 'admin-cli': 'src/admin-cli.ts' },
  outdir: 'dist',
  outExtension: { '.js': '.mjs' },
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  logLevel: 'warning',
  plugins: [
    {
      name: 'external-node-modules',
      setup(b) {
        b.onResolve({ filter: /^[^./]/ }, (args) => (args.path.startsWith('@samverka/') ? undefined : { path: args.path, external: true }));
      },
    },
  ],
});

// The dependency rule "the web app takes only types from core, db and the API" for .svelte
// files, which dependency-cruiser 17 does not parse (Svelte 5 with TypeScript scripts).
// Reads each component's scripts with Svelte's own parser and fails on a value import.
// @samverka/contracts is not listed: components may take its values (LIMITS) too.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse } from 'svelte/compiler';

const root = new URL('../../..', import.meta.url).pathname;
const forbidden = /^@samverka\/(core|db|api)(\/|$)/;

function* svelteFiles(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* svelteFiles(path);
    else if (entry.name.endsWith('.svelte')) yield path;
  }
}

const problems = [];
let files = 0;
for (const file of svelteFiles(join(root, 'apps/web/src'))) {
  files++;
  const ast = parse(readFileSync(file, 'utf8'), { filename: file, modern: true });
  for (const script of [ast.instance, ast.module]) {
    for (const node of script?.content.body ?? []) {
      if (node.type !== 'ImportDeclaration' || !forbidden.test(node.source.value)) continue;
      const valueSpecifiers = node.specifiers.filter((s) => s.importKind !== 'type');
      if (node.importKind !== 'type' && valueSpecifiers.length > 0) {
        problems.push(`${relative(root, file)}: imports values from ${node.source.value} (only types may come from there)`);
      }
    }
  }
}
for (const p of problems) console.error(p);
console.log(`${files} Svelte components checked, ${problems.length} forbidden imports`);
process.exit(problems.length > 0 ? 1 : 0);

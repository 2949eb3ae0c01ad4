/**
 * Dependency rules checked by `npm test` (dependency-cruiser). The web app talks to the API
 * through its one client and may take only types from core, db and the API; from contracts (the
 * shapes and LIMITS every side shares) it may take values too. The domain core never depends on
 * the apps; contracts depend on nothing of ours; nothing imports in a circle.
 * @type {import('dependency-cruiser').IConfiguration}
 */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'A cycle means one module calls another’s reactions directly: raise a domain event instead.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'web-takes-only-types-from-core-and-db',
      severity: 'error',
      comment: 'The web app reaches the domain through the API client only; importing core or db at run time would bypass access rules.',
      from: { path: '^apps/web/' },
      to: { path: '^packages/(core|db)/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'web-takes-only-types-from-api',
      severity: 'error',
      from: { path: '^apps/web/' },
      to: { path: '^apps/api/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'packages-do-not-know-the-apps',
      severity: 'error',
      from: { path: '^packages/' },
      to: { path: '^apps/' },
    },
    {
      name: 'contracts-stand-alone',
      severity: 'error',
      comment: 'The shapes are the one source every side reads; they import nothing of ours, so nothing can drift into them.',
      from: { path: '^packages/contracts/' },
      to: { path: '^(apps|packages/(?!contracts/))' },
    },
    {
      name: 'db-does-not-know-core',
      severity: 'error',
      from: { path: '^packages/db/' },
      to: { path: '^packages/core/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(node_modules|dist|build|\\.svelte-kit)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    webpackConfig: { fileName: '.dependency-cruiser-aliases.cjs' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.mjs', '.svelte', '.json'],
    },
    extraExtensionsToScan: ['.svelte'],
  },
};

// Resolution aliases for dependency-cruiser: SvelteKit's $lib (see apps/web/svelte.config.js).
const { join } = require('node:path');
module.exports = { resolve: { alias: { $lib: join(__dirname, 'apps/web/src/lib') } } };

// The web app lives in apps/web; its SvelteKit configuration is the one below, re-exported
// here so editors and tools started at the workspace root find the same settings.
export { default } from './apps/web/svelte.config.js';

/**
 * `node --import @gomr/sdk/testing/register --test worker.test.ts`: lets a Node without type
 * stripping (20, and 22 before 22.6) run TypeScript tests and worker files, through esbuild
 * (a peer dependency, which the gomr CLI brings). Types are dropped, not checked. Newer Node
 * needs none of it (23.6+ strips types by default), but it does no harm there.
 */
import { register } from 'node:module';

// Stacks from transpiled files then name the .ts lines.
process.setSourceMapsEnabled(true);
register('./ts-hooks.js', import.meta.url);

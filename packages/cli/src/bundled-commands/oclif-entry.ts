/**
 * oclif's `execute`, as an entry of each command bundle: bin/run.js runs a bundled command
 * through it (see fast-start.ts), so that oclif is read from the bundle's chunk, shared with
 * the command's code, instead of from @oclif/core's ~160 modules (~90 ms against ~45 ms of CPU
 * on a 2-core VM). One copy of oclif runs in the process either way.
 */
export { execute } from '@oclif/core';

// Which gomr process this is, from its main script: what the bench's preloads name their
// results after. CommonJS, like the preloads that require it (NODE_OPTIONS=--require).
'use strict';

/** 'master' | 'worker' | 'check' | 'cli' | 'other' for a process whose main script is `main`. */
function processRole(main) {
  if (/master[/\\]dist[/\\]src[/\\]main\.js$/.test(main)) return 'master';
  if (/worker-main\.js$/.test(main)) return 'worker';
  if (/check-worker\.js$/.test(main)) return 'check';
  if (/bin[/\\]run\.js$/.test(main)) return 'cli';
  return 'other';
}

module.exports = { processRole };

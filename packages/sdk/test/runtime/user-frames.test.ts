import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { userFrames } from '../../src/runtime/user-code-error.js';

const sdk = fileURLToPath(new URL('../../../', import.meta.url)); // packages/sdk/
const repo = fileURLToPath(new URL('../../../../../', import.meta.url));

test("userFrames drops gomr's runtime frames (sources and compiled) and keeps the user's, wherever the user's file is", () => {
  const stack = [
    'Error: boom',
    `    at checkJsonValue (${sdk}src/data/json-value.ts:38:22)`,
    `    at mapper (${repo}packages/cli/test/fixtures/bad-emit-worker.ts:7:9)`,
    `    at runMapTask (${sdk}dist/src/runtime/map-task.js:112:30)`,
    '    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)',
    '    at user (/home/me/jobs/worker.ts:3:1)',
  ].join('\n');
  assert.equal(
    userFrames(stack),
    ['Error: boom', `    at mapper (${repo}packages/cli/test/fixtures/bad-emit-worker.ts:7:9)`, '    at user (/home/me/jobs/worker.ts:3:1)'].join('\n'),
  );
});

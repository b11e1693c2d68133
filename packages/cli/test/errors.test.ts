import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Errors } from '@oclif/core';
import { StorageUnavailableError, StorageUnreachableError } from '@gomr/storage';
import {
  ClusterError,
  EXIT,
  EXIT_CODE_HELP,
  EXIT_CODES,
  exitCodeFor,
  GomrError,
  InputError,
  InterruptedError,
  JobFailedError,
  RuntimeError,
  StorageError,
  UsageError,
  WorkerFileError,
} from '../src/errors.js';

test('the help lists every exit code of the table with its meaning, in the table’s order, and nothing else', () => {
  const lines = EXIT_CODE_HELP.split('\n');
  assert.equal(lines[0], 'EXIT CODES');
  assert.deepEqual(
    lines.slice(1).map((l) => /^ {2}(\d+) +(\S.*)$/.exec(l)?.slice(1)),
    EXIT_CODES.map((r) => [String(r.code), r.meaning]),
  );
  // The meanings line up in one column.
  for (const l of lines.slice(1)) assert.equal(l.indexOf(EXIT_CODES.find((r) => l.startsWith(`  ${r.code} `))!.meaning), 7, l);
});

test('EXIT names every code of the table, and the codes are distinct', () => {
  assert.deepEqual(Object.entries(EXIT), EXIT_CODES.map((r) => [r.name, r.code]));
  assert.equal(new Set(EXIT_CODES.map((r) => r.code)).size, EXIT_CODES.length);
  assert.deepEqual(
    { OK: EXIT.OK, JOB_FAILED: EXIT.JOB_FAILED, USAGE: EXIT.USAGE, INPUT: EXIT.INPUT, WORKER_FILE: EXIT.WORKER_FILE, STORAGE: EXIT.STORAGE, RUNTIME: EXIT.RUNTIME, CLUSTER: EXIT.CLUSTER, INTERRUPTED: EXIT.INTERRUPTED },
    { OK: 0, JOB_FAILED: 1, USAGE: 2, INPUT: 3, WORKER_FILE: 4, STORAGE: 5, RUNTIME: 6, CLUSTER: 7, INTERRUPTED: 130 },
  );
});

test('exitCodeFor maps each typed error to its code; each is a GomrError that keeps its message and detail', () => {
  const cases: [GomrError, number][] = [
    [new UsageError('u', 'd'), 2],
    [new InputError('i', 'd'), 3],
    [new WorkerFileError('w', 'd'), 4],
    [new StorageError('s', 'd'), 5],
    [new RuntimeError('r', 'd'), 6],
    [new ClusterError('c', 'd'), 7],
    [new InterruptedError('x', 'd'), 130],
    [new JobFailedError('j', 'user', 'd'), 1],
  ];
  for (const [err, code] of cases) {
    assert.ok(err instanceof GomrError, err.constructor.name);
    assert.equal(err.exitCode, code, err.constructor.name);
    assert.equal(exitCodeFor(err), code, err.constructor.name);
    assert.equal(err.detail, 'd');
    assert.equal(String(err), `GomrError: ${err.message}`);
  }
  // Every code but success has its class.
  assert.deepEqual(new Set(cases.map(([, code]) => code)), new Set(EXIT_CODES.filter((r) => r.code !== EXIT.OK).map((r) => r.code)));
  assert.equal(new UsageError('no detail').detail, undefined);
});

test('a failed job exits with the code of its failure kind', () => {
  const kinds: [string | undefined, number][] = [[undefined, 1], ['', 1], ['user', 1], ['input', 3], ['storage', 5], ['runtime', 6]];
  for (const [kind, code] of kinds) {
    const err = new JobFailedError('job j failed: boom', kind);
    assert.equal(exitCodeFor(err), code, String(kind));
    assert.equal(err.kind, kind ?? 'user');
  }
});

test('exitCodeFor maps storage outages, oclif parse errors and exits, and anything else to 1', () => {
  assert.equal(exitCodeFor(new StorageUnavailableError('s3://b at http://x', new Error('ECONNREFUSED'))), EXIT.STORAGE);
  assert.equal(exitCodeFor(new StorageUnreachableError('s3://b at http://x', new Error('ECONNREFUSED'), 'get k', 3, 30_000)), EXIT.STORAGE);
  assert.equal(exitCodeFor(new Error('Nonexistent flag: --nope\nSee more help with --help')), EXIT.USAGE);
  assert.equal(exitCodeFor(new Error('Missing required arg: job')), EXIT.USAGE);
  assert.equal(exitCodeFor(new Errors.CLIError('bad', { exit: 2 })), EXIT.USAGE);
  assert.equal(exitCodeFor(new Errors.ExitError(0)), 0);
  assert.equal(exitCodeFor(new Errors.ExitError(3)), 3);
  // Unexpected errors: oclif prints them and exits 1.
  assert.equal(exitCodeFor(new Error('something unexpected')), 1);
  assert.equal(exitCodeFor(new TypeError("Cannot read properties of undefined (reading 'x')")), 1);
  for (const thrown of ['a string', undefined, null, 42, {}]) assert.equal(exitCodeFor(thrown), 1, String(thrown));
});

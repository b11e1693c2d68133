import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BoundedUserOutput } from '../../src/runtime/user-output.js';

function capture(limit: number) {
  const out: string[] = [];
  const err: string[] = [];
  const bounded = new BoundedUserOutput(limit, (s) => out.push(s), (s) => err.push(s));
  return { bounded, out, err, write: (s: string) => bounded.write((bounded as unknown as { stdout: (s: string) => void }).stdout, s) };
}

test('lines carry the task id, also when a line arrives in pieces', () => {
  const { bounded, out, write } = capture(1000);
  bounded.beginTask('m-00001');
  write('one\ntwo');
  write(' halves\n');
  write('three\n');
  bounded.endTask();
  assert.equal(out.join(''), '[m-00001] one\n[m-00001] two halves\n[m-00001] three\n');
});

test('past the limit, output is counted and one notice says so; the next task starts afresh', () => {
  const { bounded, out, err, write } = capture(20);
  bounded.beginTask('m-00002');
  write('0123456789\n'); // 11 bytes
  write('abcdefghij\n'); // 22 > 20: dropped
  write('x\ny\nz\n'); // 3 lines dropped
  const tally = bounded.endTask();
  assert.deepEqual(tally, { bytes: 11, droppedLines: 4, droppedBytes: 17 });
  assert.equal(out.join(''), '[m-00002] 0123456789\n');
  assert.match(err.join(''), /^\[m-00002\] gomr: 4 lines \(17 bytes\) of this task's output were dropped: a task may print 20 bytes\n$/);
  bounded.beginTask('r-00000');
  write('fresh\n');
  assert.equal(bounded.endTask().droppedLines, 0);
  assert.equal(out.at(-1), '[r-00000] fresh\n');
});

test('output between tasks is written as it is', () => {
  const { bounded, out, write } = capture(100);
  write('loading\n');
  bounded.beginTask('m-00000');
  bounded.endTask();
  write('idle\n');
  assert.deepEqual(out, ['loading\n', 'idle\n']);
});

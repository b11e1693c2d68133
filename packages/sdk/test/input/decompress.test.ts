import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { CorruptInputError, decompress } from '../../src/input/decompress.js';
import type { Compression } from '@gomr/storage';

/** Feeds `bytes` in pieces of `piece` bytes; returns the text or the error. */
async function run(bytes: Buffer, compression: Compression, piece = 1000): Promise<string | CorruptInputError> {
  const pieces: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += piece) pieces.push(bytes.subarray(i, i + piece));
  let out = '';
  try {
    for await (const b of decompress(Readable.from(pieces), compression, 'in', bytes.length)) out += b.toString();
    return out;
  } catch (err) {
    if (err instanceof CorruptInputError) return err;
    throw err;
  }
}

const text = Array.from({ length: 5000 }, (_, i) => `line ${i} ${(i * 7919) % 10007}`).join('\n') + '\n';

test('gzip: one member, several members, and any piece size give the text', async () => {
  const members = Buffer.concat([gzipSync(text.slice(0, 100)), gzipSync(text.slice(100, 5000)), gzipSync(text.slice(5000))]);
  for (const piece of [1, 7, 1000, 1 << 20]) {
    assert.equal(await run(gzipSync(text), 'gzip', piece), text);
    assert.equal(await run(members, 'gzip', piece), text);
  }
});

test('a truncated file says where its data ends; a corrupt byte names the piece that held it', async () => {
  const gz = gzipSync(text);
  const cut = await run(gz.subarray(0, 500), 'gzip');
  assert.ok(cut instanceof CorruptInputError);
  assert.equal(cut.offset, 500);
  assert.equal(cut.message, 'input in is truncated: its compressed data ends early, at byte 500');
  const bad = Buffer.from(gz);
  bad[gz.length - 3]! ^= 0xff; // the length in the trailer
  const e = await run(bad, 'gzip', 1000);
  assert.ok(e instanceof CorruptInputError);
  assert.ok(e.offset <= gz.length - 3 && gz.length - 3 < e.end, `${e.offset}-${e.end}`);
  assert.match(e.message, /^input in is corrupt: .* in compressed bytes \d+-\d+$/);
});

test('brotli: the text; bytes after its stream are an error, not dropped', async () => {
  const br = brotliCompressSync(text);
  assert.equal(await run(br, 'brotli'), text);
  const e = await run(Buffer.concat([br, Buffer.from('tail')]), 'brotli');
  assert.ok(e instanceof CorruptInputError);
  assert.equal(e.offset, br.length);
  assert.match(e.message, /bytes after the end of the brotli stream/);
});

test('an empty (0-byte) file is empty', async () => {
  assert.equal(await run(Buffer.alloc(0), 'gzip'), '');
});

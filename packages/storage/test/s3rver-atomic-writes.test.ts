// The test server stores an object or a part whole or not at all, as S3 does: a request whose
// connection breaks midway changes nothing (s3rver alone would keep the bytes that arrived).
// Requests are raw HTTP on loopback, so that a body can be cut short at a chosen byte.
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { S3Storage } from '../src/s3-storage.js';
import { startS3rver, type RunningS3rver } from '../src/testing/index.js';

let directory: string;
let server: RunningS3rver;
let storage: S3Storage;
const bucket = 'atomic-writes';

before(async () => {
  directory = await mkdtemp(join(tmpdir(), 'gomr-s3rver-atomic-'));
  server = await startS3rver({ directory });
  storage = new S3Storage({ ...server.config, bucket });
  await storage.put('ready', 'x'); // creates the bucket
});
after(async () => {
  await storage?.close();
  await server?.stop();
  await rm(directory, { recursive: true, force: true });
});

/** Sends a request whose body stops at `sent` of its `length` bytes, then resets the connection. */
async function sendCutShort(path: string, length: number, sent: number): Promise<void> {
  const socket = connect(Number(new URL(server.endpoint).port), '127.0.0.1');
  await new Promise((resolve) => socket.once('connect', resolve));
  socket.write(`PUT ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: ${length}\r\n\r\n`);
  socket.write(Buffer.alloc(sent, 0x61));
  await sleep(200); // the server has the head and what was sent, and is writing it
  socket.resetAndDestroy();
  await sleep(200);
}

async function http(method: string, path: string, body?: string): Promise<string> {
  const response = await fetch(`${server.endpoint}${path}`, { method, body });
  const text = await response.text();
  assert.ok(response.ok, `${method} ${path}: ${response.status} ${text}`);
  return text;
}

async function files(dir = directory): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true });
  return entries.map(String);
}

test('a PUT cut short leaves the object it would have replaced, and a new key absent', async () => {
  await storage.put('kept', Buffer.from('the whole object'));
  await sendCutShort(`/${bucket}/kept`, 100_000, 5000);
  assert.equal((await storage.get('kept')).toString(), 'the whole object');
  await sendCutShort(`/${bucket}/never`, 100_000, 5000);
  assert.equal(await storage.stat('never'), null);
  assert.deepEqual((await storage.list('')).map((o) => [o.key, o.size]), [['kept', 16], ['ready', 1]]);
  assert.deepEqual((await files()).filter((f) => f.includes('.partial-')), [], 'no temp file left');
});

test('a part upload cut short leaves the part uploaded before it', async () => {
  const created = await http('POST', `/${bucket}/multi?uploads`);
  const uploadId = /<UploadId>([^<]+)<\/UploadId>/.exec(created)?.[1];
  assert.ok(uploadId, created);
  const partPath = `/${bucket}/multi?partNumber=1&uploadId=${uploadId}`;
  const response = await fetch(`${server.endpoint}${partPath}`, { method: 'PUT', body: 'first part, whole' });
  assert.equal(response.status, 200);
  const etag = response.headers.get('etag');
  await sendCutShort(partPath, 100_000, 5000);
  await http(
    'POST',
    `/${bucket}/multi?uploadId=${uploadId}`,
    `<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>${etag}</ETag></Part></CompleteMultipartUpload>`,
  );
  assert.equal((await storage.get('multi')).toString(), 'first part, whole');
  assert.deepEqual((await files()).filter((f) => f.includes('.partial-')), [], 'no temp file left');
});

test('a copy is the source, byte for byte, and replaces the object copied onto', async () => {
  const data = Buffer.alloc(3 * 1024 * 1024, 7);
  await storage.put('source', data);
  await storage.put('target', 'old');
  await storage.copy('source', 'target');
  assert.ok((await storage.get('target')).equals(data));
  assert.deepEqual(await storage.stat('target'), { key: 'target', size: data.length });
});

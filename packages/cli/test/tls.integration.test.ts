import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { countWords, readOutput, repoRoot, runGomr, tempDir } from './support/run-gomr.js';

function hasOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** A self-signed certificate for 127.0.0.1, made with the openssl command. */
async function selfSigned(dir: string): Promise<{ cert: string; key: string }> {
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=gomr-test',
    '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost', '-keyout', key, '-out', cert], { stdio: 'ignore' });
  return { cert, key };
}

test('a job runs with the master serving gRPC over TLS', { skip: !hasOpenssl() && 'no openssl command' }, async () => {
  const dir = await tempDir();
  const { cert, key } = await selfSigned(dir);
  const input = join(repoRoot, 'examples/data/lighthouse.txt');
  const out = join(dir, 'out');
  const r = await runGomr(['run', '--input', input, '--tls-cert', cert, '--tls-key', key, '--tls-ca', cert, '--output', out, join(repoRoot, 'examples/wordcount/worker.ts')]);
  assert.equal(r.code, 0, r.stderr);
  const { lines } = await readOutput(out);
  assert.deepEqual(new Map(lines.map((l) => [l.key, Number(l.value)])), countWords([await readFile(input, 'utf8')]));
});

test('workers that do not trust the certificate cannot join (the job fails, nothing is written)', { skip: !hasOpenssl() && 'no openssl command' }, async () => {
  const dir = await tempDir();
  const served = await selfSigned(dir);
  const other = await selfSigned(await tempDir());
  const out = join(dir, 'out');
  const r = await runGomr(['run', '--input', join(repoRoot, 'examples/data/river.txt'), '--tls-cert', served.cert, '--tls-key', served.key, '--tls-ca', other.cert,
    '--output', out, join(repoRoot, 'examples/wordcount/worker.ts')], { timeoutMs: 120_000 });
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /gomr: .*(master|worker)/);
  await assert.rejects(readOutput(out));
});

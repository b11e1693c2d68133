/**
 * A real image registry on 127.0.0.1: Debian's docker-registry (distribution 2.8), started
 * per test with its own storage folder, and optionally htpasswd auth.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

const REGISTRY_BIN = '/usr/bin/docker-registry';

/**
 * Why a registry cannot run here, or undefined. Missing binaries skip with a message; in CI
 * (CI=true) they are a failure, since scripts/ci-docker.sh installs them.
 */
export async function registryUnavailable(): Promise<string | undefined> {
  let reason: string | undefined;
  if (!existsSync(REGISTRY_BIN)) reason = 'docker-registry is not installed (apt-get install docker-registry apache2-utils, or run scripts/ci-docker.sh as root)';
  else if (!(await run('htpasswd', ['-h']).then(() => true, (e: NodeJS.ErrnoException) => e.code !== 'ENOENT'))) reason = 'htpasswd is not installed (apt-get install apache2-utils)';
  if (reason && process.env.CI === 'true') throw new Error(`CI must run the registry tests, but: ${reason}`);
  return reason;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export interface LocalRegistry {
  /** 127.0.0.1:PORT */
  host: string;
  /** GET on the registry's v2 API (with the credentials when auth is on). */
  get(path: string): Promise<{ status: number; body: string }>;
  /** The tags of a repository, sorted; [] when the repository does not exist. */
  tags(repository: string): Promise<string[]>;
  stop(): Promise<void>;
}

export async function startRegistry(o: { user?: string; password?: string } = {}): Promise<LocalRegistry> {
  const dir = await mkdtemp(join(tmpdir(), 'gomr-registry-'));
  const port = await freePort();
  let auth = '';
  if (o.user) {
    // distribution accepts bcrypt entries only (-B).
    await run('htpasswd', ['-Bbc', join(dir, 'htpasswd'), o.user, o.password ?? '']);
    auth = `auth:\n  htpasswd:\n    realm: gomr-test\n    path: ${join(dir, 'htpasswd')}\n`;
  }
  const config = join(dir, 'config.yml');
  await writeFile(
    config,
    `version: 0.1\nlog:\n  level: warn\nstorage:\n  filesystem:\n    rootdirectory: ${join(dir, 'data')}\nhttp:\n  addr: 127.0.0.1:${port}\n${auth}`,
  );
  const child: ChildProcess = spawn(REGISTRY_BIN, ['serve', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr = (stderr + d).slice(-4000)));
  const host = `127.0.0.1:${port}`;
  const headers: Record<string, string> = o.user ? { authorization: `Basic ${Buffer.from(`${o.user}:${o.password ?? ''}`).toString('base64')}` } : {};
  const get = async (path: string) => {
    const r = await fetch(`http://${host}${path}`, { headers });
    return { status: r.status, body: await r.text() };
  };
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`docker-registry exited (${child.exitCode}): ${stderr}`);
    const ok = await get('/v2/').then((r) => r.status === 200, () => false);
    if (ok) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`docker-registry did not answer on ${host} in 20 s: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    host,
    get,
    async tags(repository) {
      const r = await get(`/v2/${repository}/tags/list`);
      if (r.status === 404) return [];
      if (r.status !== 200) throw new Error(`tags/list of ${repository}: ${r.status} ${r.body}`);
      return ((JSON.parse(r.body) as { tags: string[] | null }).tags ?? []).sort();
    },
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}

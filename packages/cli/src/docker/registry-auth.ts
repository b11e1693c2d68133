import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { ClusterError } from '../errors.js';

/**
 * The body of the X-Registry-Auth header (the Engine API's AuthConfig). An empty object is a
 * valid value: it means "no credentials", and current Docker answers 400 without the header.
 */
export interface RegistryAuth {
  username?: string;
  password?: string;
  identitytoken?: string;
  serveraddress?: string;
}

export interface ResolvedAuth {
  auth: RegistryAuth;
  /** Where the credentials came from, for messages: "credential helper docker-credential-x", ... */
  source: string;
}

export interface ResolveAuthOptions {
  /** DOCKER_CONFIG, HOME and PATH (for credential helpers) are read from here. @default process.env */
  env?: NodeJS.ProcessEnv;
  /** How long a credential helper may take. @default 30000 */
  helperTimeoutMs?: number;
}

/** The key Docker Hub's credentials are stored under in a Docker config. */
export const DOCKER_HUB_KEY = 'https://index.docker.io/v1/';

/**
 * The registry part of an image reference, as Docker reads it: the first path component when
 * it has a dot or a colon or is "localhost", else Docker Hub.
 */
export function registryOf(image: string): string {
  const slash = image.indexOf('/');
  if (slash < 0) return DOCKER_HUB_KEY;
  const first = image.slice(0, slash);
  return first.includes('.') || first.includes(':') || first === 'localhost' ? first : DOCKER_HUB_KEY;
}

/** The Docker config file the docker CLI reads: $DOCKER_CONFIG/config.json, else ~/.docker/config.json. */
export function dockerConfigPath(env: NodeJS.ProcessEnv = process.env): string {
  return env.DOCKER_CONFIG ? join(env.DOCKER_CONFIG, 'config.json') : join(env.HOME ?? homedir(), '.docker', 'config.json');
}

interface DockerConfig {
  auths?: Record<string, { auth?: string; username?: string; password?: string; identitytoken?: string }>;
  credHelpers?: Record<string, string>;
  credsStore?: string;
}

async function readDockerConfig(path: string): Promise<DockerConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new ClusterError(`cannot read the Docker config ${path}: ${(err as Error).message}`);
  }
  try {
    const parsed = JSON.parse(text) as unknown;
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not a JSON object');
    return parsed as DockerConfig;
  } catch (err) {
    throw new ClusterError(`the Docker config ${path} is not valid JSON: ${(err as Error).message}`);
  }
}

/** The key of `map` that names `registry`: exact, or as a URL (https://host/v1/, http://host). */
function findKey<T>(map: Record<string, T> | undefined, registry: string): string | undefined {
  if (!map) return undefined;
  if (registry in map) return registry;
  const host = (k: string) => k.replace(/^https?:\/\//, '').replace(/\/.*$/, '');
  const want = host(registry);
  return Object.keys(map).find((k) => host(k) === want);
}

const NOT_FOUND = /credentials not found/i;

/** `docker-credential-NAME get`, the credential helper protocol: server URL in, JSON out. */
function runHelper(name: string, registry: string, env: NodeJS.ProcessEnv, timeoutMs: number, configPath: string): Promise<RegistryAuth | undefined> {
  const tool = `docker-credential-${name}`;
  return new Promise((resolve, reject) => {
    const child = execFile(tool, ['get'], { env, timeout: timeoutMs, maxBuffer: 1 << 20 }, (err, stdout, stderr) => {
      if (err) {
        const e = err as NodeJS.ErrnoException & { killed?: boolean };
        if (e.code === 'ENOENT') {
          return reject(new ClusterError(`${tool} is not on PATH (${configPath} names the credential helper "${name}" for ${registry}); install it or edit the Docker config`));
        }
        if (NOT_FOUND.test(`${stdout}${stderr}`)) return resolve(undefined);
        const why = e.killed ? `no answer in ${timeoutMs / 1000} s` : (`${stderr}${stdout}`.trim().split('\n').at(-1) ?? `exit code ${e.code}`);
        return reject(new ClusterError(`${tool} get for ${registry} failed: ${why}`));
      }
      try {
        const out = JSON.parse(stdout) as { Username?: string; Secret?: string; ServerURL?: string };
        if (!out.Secret) return resolve(undefined);
        // A helper answers "<token>" as the user name when the secret is an identity token.
        resolve(out.Username === '<token>' ? { identitytoken: out.Secret, serveraddress: registry } : { username: out.Username ?? '', password: out.Secret, serveraddress: registry });
      } catch {
        reject(new ClusterError(`${tool} get for ${registry} did not answer JSON: ${stdout.trim().slice(0, 200)}`));
      }
    });
    // A helper may exit without reading its input (EPIPE): its exit status says what happened.
    child.stdin?.on('error', () => {});
    child.stdin?.end(registry);
  });
}

function fromAuthsEntry(entry: NonNullable<DockerConfig['auths']>[string], registry: string, where: string): RegistryAuth | undefined {
  if (entry.identitytoken) return { identitytoken: entry.identitytoken, serveraddress: registry };
  if (entry.auth) {
    const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) throw new ClusterError(`the auth of ${registry} in ${where} is not base64 of USER:PASSWORD`);
    return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1), serveraddress: registry };
  }
  if (entry.username !== undefined && entry.password !== undefined) return { username: entry.username, password: entry.password, serveraddress: registry };
  return undefined;
}

/**
 * The credentials for `registry` the way the docker CLI finds them: a `credHelpers` entry for
 * the registry, else the `credsStore` helper, else the `auths` entry; "not found" from a helper
 * falls through to `auths`. No credentials anywhere gives an empty auth (anonymous push).
 */
export async function resolveRegistryAuth(registry: string, o: ResolveAuthOptions = {}): Promise<ResolvedAuth> {
  const env = o.env ?? process.env;
  const timeoutMs = o.helperTimeoutMs ?? 30_000;
  const path = dockerConfigPath(env);
  const config = await readDockerConfig(path);
  const helperKey = findKey(config.credHelpers, registry);
  const helper = helperKey ? config.credHelpers![helperKey] : config.credsStore;
  if (helper) {
    const auth = await runHelper(helper, registry, env, timeoutMs, path);
    if (auth) return { auth, source: `credential helper docker-credential-${helper}` };
  }
  const authKey = findKey(config.auths, registry);
  if (authKey) {
    const auth = fromAuthsEntry(config.auths![authKey]!, registry, path);
    if (auth) return { auth, source: `auths["${authKey}"] in ${path}` };
  }
  return { auth: {}, source: `no credentials for ${registry} in ${path}` };
}

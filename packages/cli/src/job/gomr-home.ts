import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/** gomr's local state: job folders (bundle, spec, logs) and the default local store. */
export function gomrHome(env = process.env): string {
  return resolve(env.GOMR_HOME ?? join(homedir(), '.gomr'));
}

export function localJobDir(jobId: string, env = process.env): string {
  return join(gomrHome(env), 'jobs', jobId);
}

export function defaultStoreRoot(env = process.env): string {
  return join(gomrHome(env), 'store');
}

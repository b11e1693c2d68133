import Docker from 'dockerode';
import { ClusterError } from '../errors.js';

/**
 * Connects to the Docker daemon (DOCKER_HOST, else /var/run/docker.sock) and checks that it
 * answers, so that "no daemon" is one clear error before any work starts.
 */
export async function connectDocker(timeoutMs = 5000): Promise<Docker> {
  const docker = new Docker();
  try {
    await Promise.race([
      docker.ping(),
      new Promise((_, reject) => setTimeout(() => reject(new Error(`no answer in ${timeoutMs} ms`)), timeoutMs).unref()),
    ]);
  } catch (err) {
    const where = process.env.DOCKER_HOST ?? '/var/run/docker.sock';
    throw new ClusterError(
      `no Docker daemon at ${where} (${(err as Error).message}); start Docker, or set DOCKER_HOST`,
    );
  }
  return docker;
}

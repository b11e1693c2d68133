import Docker from 'dockerode';

/** The base image scripts/ci-docker.sh builds from this machine's node (no registry here). */
export const TEST_BASE_IMAGE = process.env.GOMR_TEST_BASE_IMAGE ?? 'gomr-test-base:local';

/**
 * Why Docker tests cannot run here, or undefined when they can. On a developer machine
 * without Docker they skip with this reason; in CI (CI=true) a missing daemon is a failure,
 * since .ci/run starts one (scripts/ci-docker.sh).
 */
export async function dockerUnavailable(): Promise<string | undefined> {
  const docker = new Docker();
  let reason: string | undefined;
  try {
    await Promise.race([docker.ping(), new Promise((_, rej) => setTimeout(() => rej(new Error('ping timed out')), 3000).unref())]);
    try {
      await docker.getImage(TEST_BASE_IMAGE).inspect();
    } catch {
      reason = `base image ${TEST_BASE_IMAGE} is missing; run scripts/ci-docker.sh`;
    }
  } catch (err) {
    reason = `no Docker daemon (${(err as Error).message}); run scripts/ci-docker.sh as root`;
  }
  if (reason && process.env.CI === 'true') throw new Error(`CI must run the Docker tests, but: ${reason}`);
  return reason;
}

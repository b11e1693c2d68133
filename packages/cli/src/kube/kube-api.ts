import { AppsV1Api, BatchV1Api, CoreV1Api } from '@kubernetes/client-node';
import { EXIT, GomrError } from '../errors.js';
import type { KubeContext } from './kube-context.js';

/** The three API groups gomr talks to, bound to one context. */
export interface KubeApi {
  core: CoreV1Api;
  apps: AppsV1Api;
  batch: BatchV1Api;
  ctx: KubeContext;
}

export function kubeApi(ctx: KubeContext): KubeApi {
  return {
    core: ctx.config.makeApiClient(CoreV1Api),
    apps: ctx.config.makeApiClient(AppsV1Api),
    batch: ctx.config.makeApiClient(BatchV1Api),
    ctx,
  };
}

/** The HTTP status of a failed API call, if the server answered. */
export function apiStatus(err: unknown): number | undefined {
  const code = (err as { code?: unknown })?.code;
  return typeof code === 'number' ? code : undefined;
}

export const isNotFound = (err: unknown) => apiStatus(err) === 404;
export const isConflict = (err: unknown) => apiStatus(err) === 409;

/** The API server's own words ("pods is forbidden: ..."), else the error's first line. */
export function apiMessage(err: unknown): string {
  const body = (err as { body?: unknown })?.body;
  try {
    const parsed = typeof body === 'string' ? JSON.parse(body) : body;
    if (parsed && typeof parsed.message === 'string') return parsed.message;
  } catch {
    // not JSON
  }
  const e = err as Error & { cause?: Error & { code?: string }; code?: string };
  const cause = e?.cause?.code ?? (typeof e?.code === 'string' ? e.code : undefined);
  return `${String(e?.message ?? err).split('\n')[0]}${cause && !String(e?.message).includes(cause) ? ` (${cause})` : ''}`;
}

/**
 * Runs an API call; a cluster that does not answer, or refuses us, becomes one clear error that
 * names the context and server. `what` says what was being done.
 */
export async function kubeCall<T>(api: KubeApi, what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (err instanceof GomrError) throw err;
    const status = apiStatus(err);
    if (status === undefined) {
      throw new GomrError(`cannot reach the cluster at ${api.ctx.server} (context ${api.ctx.context}) while ${what}: ${apiMessage(err)}`, EXIT.CLUSTER);
    }
    if (status === 401 || status === 403) {
      throw new GomrError(`the cluster refused ${what} (HTTP ${status}, context ${api.ctx.context}): ${apiMessage(err)}`, EXIT.CLUSTER);
    }
    throw Object.assign(err as Error, { gomrWhat: what });
  }
}

/** Creates an object unless it exists; says which happened. */
export async function createIfMissing(api: KubeApi, what: string, read: () => Promise<unknown>, create: () => Promise<unknown>): Promise<'created' | 'exists'> {
  try {
    await kubeCall(api, `reading ${what}`, read);
    return 'exists';
  } catch (err) {
    if (!isNotFound(err)) throw asClusterError(err, `reading ${what}`);
  }
  try {
    await kubeCall(api, `creating ${what}`, create);
    return 'created';
  } catch (err) {
    // Someone (another gomr start) made it in between: fine.
    if (isConflict(err)) return 'exists';
    throw asClusterError(err, `creating ${what}`);
  }
}

/** Any API failure as a GomrError (the server's message, one line). */
export function asClusterError(err: unknown, what: string): GomrError {
  if (err instanceof GomrError) return err;
  const status = apiStatus(err);
  return new GomrError(`${what} failed${status ? ` (HTTP ${status})` : ''}: ${apiMessage(err)}`, EXIT.CLUSTER);
}

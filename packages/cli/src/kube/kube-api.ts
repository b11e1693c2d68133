import { AppsV1Api, BatchV1Api, CoreV1Api, createConfiguration, ServerConfiguration, type RequestContext } from '@kubernetes/client-node';
import { ClusterError, GomrError, UsageError } from '../errors.js';
import type { KubeContext } from './kube-context.js';

/** The three API groups gomr talks to, bound to one context. */
export interface KubeApi {
  core: CoreV1Api;
  apps: AppsV1Api;
  batch: BatchV1Api;
  ctx: KubeContext;
  /** The deadline of every API request, ms (0: none). Port-forward handshakes use it too. */
  requestTimeoutMs: number;
}

/** How long one API request may take before the cluster counts as unreachable. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 15_000;
/** Sets --request-timeout for every Kubernetes command. */
export const REQUEST_TIMEOUT_ENV = 'GOMR_KUBE_REQUEST_TIMEOUT';

/**
 * A duration as kubectl's --request-timeout takes it: "15s", "500ms", "2m", or a bare number of
 * seconds; "0" means no deadline. Returns ms, or throws a usage error.
 */
export function parseRequestTimeout(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/.exec(text);
  if (!m) throw new UsageError(`--request-timeout must be a duration like 15s, 500ms or 2m (0: none), got ${JSON.stringify(text)}`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(m[2] ?? 's') as 'ms' | 's' | 'm' | 'h'];
  return Math.round(Number(m[1]) * unit);
}

/** "15 s", "500 ms": how a deadline reads in messages. */
export function formatTimeout(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}

/**
 * The API clients of one context, every request with a deadline: an address that drops packets
 * (or a server that accepts and never answers) fails after `requestTimeoutMs`, not after the
 * operating system's TCP timeout. The deadline covers the whole request, response body included,
 * as kubectl's --request-timeout does.
 */
export function kubeApi(ctx: KubeContext, o: { requestTimeoutMs?: number } = {}): KubeApi {
  const requestTimeoutMs = o.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const cluster = ctx.config.getCurrentCluster();
  if (!cluster) throw new ClusterError(`context ${ctx.context} has no cluster`);
  const deadline = {
    async pre(request: RequestContext): Promise<RequestContext> {
      if (requestTimeoutMs > 0) request.setSignal(AbortSignal.timeout(requestTimeoutMs) as never);
      return request;
    },
    post: async <T>(response: T) => response,
  };
  // What KubeConfig.makeApiClient does, plus the deadline.
  const configuration = () =>
    createConfiguration({ baseServer: new ServerConfiguration(cluster.server, {}), authMethods: { default: ctx.config }, promiseMiddleware: [deadline] });
  return {
    core: new CoreV1Api(configuration()),
    apps: new AppsV1Api(configuration()),
    batch: new BatchV1Api(configuration()),
    ctx,
    requestTimeoutMs,
  };
}

/**
 * True for a request cut off by its deadline: node-fetch rejects with an AbortError (type
 * "aborted"); gomr aborts API requests only for their deadline.
 */
export function isRequestTimeout(err: unknown): boolean {
  const e = err as { name?: string; type?: string } | undefined;
  return !!e && (e.name === 'AbortError' || e.type === 'aborted' || e.name === 'TimeoutError');
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
 * The cluster did not answer (no HTTP status), or answered 5xx/429: a network blip, a sleeping
 * laptop, a restarting or overloaded API server.
 */
export class ClusterUnreachableError extends ClusterError {}

const unreachable = (message: string) => new ClusterUnreachableError(message);

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
    if (status === undefined && isRequestTimeout(err)) {
      throw unreachable(
        `cannot reach the cluster at ${api.ctx.server} (context ${api.ctx.context}) while ${what}: no answer within ${formatTimeout(api.requestTimeoutMs)} (is it running and reachable from here? --request-timeout or ${REQUEST_TIMEOUT_ENV} sets the deadline)`,
      );
    }
    if (status === undefined) {
      throw unreachable(`cannot reach the cluster at ${api.ctx.server} (context ${api.ctx.context}) while ${what}: ${apiMessage(err)}`);
    }
    if (status === 401 || status === 403) {
      throw new ClusterError(`the cluster refused ${what} (HTTP ${status}, context ${api.ctx.context}): ${apiMessage(err)}`);
    }
    if (status >= 500 || status === 429) {
      // An API server restarting or overloaded: a blip to wait out, like no answer at all.
      throw unreachable(`the cluster at ${api.ctx.server} (context ${api.ctx.context}) answered HTTP ${status} while ${what}: ${apiMessage(err)}`);
    }
    throw Object.assign(err as Error, { gomrWhat: what });
  }
}

/** How long `createIfMissing` waits for an object that is being deleted to be gone. */
export const DELETION_WAIT_MS = 180_000;

export interface CreateIfMissingOptions {
  /** Told once when an object being deleted is waited for. */
  log?: (line: string) => void;
  /** @default DELETION_WAIT_MS */
  deletionWaitMs?: number;
  /** @default 1000 */
  pollMs?: number;
}

/**
 * Creates an object unless it exists; says which happened. An object that exists but is being
 * deleted (metadata.deletionTimestamp: a namespace Terminating after `gomr down --purge`, a
 * volume claim held by its finalizer until the old pod lets go) is waited for until it is gone,
 * then created anew: the API server refuses objects in a Terminating namespace (403), and a
 * pod would mount a claim about to disappear.
 */
export async function createIfMissing(
  api: KubeApi,
  what: string,
  read: () => Promise<unknown>,
  create: () => Promise<unknown>,
  o: CreateIfMissingOptions = {},
): Promise<'created' | 'exists'> {
  const deadline = Date.now() + (o.deletionWaitMs ?? DELETION_WAIT_MS);
  let told = false;
  for (;;) {
    let found: { metadata?: { deletionTimestamp?: unknown } } | undefined;
    try {
      found = (await kubeCall(api, `reading ${what}`, read)) as typeof found;
    } catch (err) {
      if (!isNotFound(err)) throw asClusterError(err, `reading ${what}`);
      break;
    }
    if (!found?.metadata?.deletionTimestamp) return 'exists';
    if (Date.now() >= deadline) {
      throw new ClusterError(`${what} is still being deleted after ${formatTimeout(o.deletionWaitMs ?? DELETION_WAIT_MS)} (a finalizer holds it?); try again once it is gone`);
    }
    if (!told) o.log?.(`      ${what} is being deleted; waiting for it to be gone`);
    told = true;
    await new Promise((r) => setTimeout(r, o.pollMs ?? 1000));
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

/** Any API failure as a ClusterError (the server's message, one line); a GomrError as it is. */
export function asClusterError(err: unknown, what: string): GomrError {
  if (err instanceof GomrError) return err;
  const status = apiStatus(err);
  return new ClusterError(`${what} failed${status ? ` (HTTP ${status})` : ''}: ${apiMessage(err)}`);
}

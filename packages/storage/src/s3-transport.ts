/**
 * The HTTP transport the minio client sends its requests through, with the two things minio
 * lacks:
 *
 * - An idle timeout. minio sets none, so a server that accepts a connection and then stops
 *   answering (a half-dead node, a stalled proxy) hangs the caller forever. Here a request that
 *   moves no byte, either way, for `idleTimeoutMs` is destroyed with an ETIMEDOUT error, which
 *   s3-errors.ts maps to a retryable StorageUnavailableError. Being an idle timeout, it never
 *   cuts a large transfer that is still progressing.
 * - Draining the answers minio gives up on. With its own retries off, minio throws on a 5xx,
 *   408 or 429 without reading the body, which would keep the keep-alive socket busy until the
 *   server closes it.
 *
 * An object body handed to a caller (getObject) may rightly sit unread for long while its
 * consumer is busy; s3-read-stream.ts turns this socket timeout off for it and watches for
 * stalls only while the consumer is waiting.
 */
import * as http from 'node:http';
import * as https from 'node:https';

export type Transport = Pick<typeof http, 'request'>;

/** The statuses minio's request layer throws on without reading (minio's retryHttpCodes). */
const UNREAD_STATUSES = new Set([408, 429, 499, 500, 502, 503, 504, 520]);

export class RequestTimeoutError extends Error {
  override readonly name = 'RequestTimeoutError';
  /** Node's code for a timed-out socket: the mapping of connection errors covers it. */
  readonly code = 'ETIMEDOUT';
  constructor(
    readonly target: string,
    readonly timeoutMs: number,
  ) {
    super(`no bytes moved to or from ${target} for ${timeoutMs} ms (request timeout)`);
  }
}

export function timedTransport(useSSL: boolean, idleTimeoutMs: number): Transport {
  const base = useSSL ? https : http;
  const request = (options: http.RequestOptions, callback?: (res: http.IncomingMessage) => void): http.ClientRequest => {
    const req = base.request(options, (res) => {
      if (UNREAD_STATUSES.has(res.statusCode ?? 0)) res.resume();
      callback?.(res);
    });
    if (idleTimeoutMs > 0) {
      const target = `${options.hostname ?? options.host}:${options.port}`;
      req.setTimeout(idleTimeoutMs, () => req.destroy(new RequestTimeoutError(target, idleTimeoutMs)));
    }
    return req;
  };
  return { request } as Transport;
}

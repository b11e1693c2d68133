import { setTimeout as sleep } from 'node:timers/promises';
import type { JobStatus__Output, MasterConnection } from '@gomr/proto';
import { isFinalJobState } from '@gomr/storage';
import { InterruptedError, RuntimeError } from '../errors.js';
import type { ProgressDisplay } from '../progress/progress-display.js';

/**
 * How long the master may hold each status call (a long poll, answered at once when the job
 * ends): the progress display's refresh interval, or a second when nothing is shown. Faster
 * polling takes CPU from the workers on a small machine (bench/README.md).
 */
function statusWaitMs(displayed: boolean): number {
  return displayed ? 200 : 1000;
}

/** Between tries while the master cannot be reached (it is starting, or restarting). */
const RETRY_MS = 50;
/** How long the CLI waits for a master that does not answer (it may be restarting). */
const MASTER_SILENCE_MS = 60_000;
/** A master that said it listens but cannot be reached (TLS mismatch, firewall) fails sooner. */
const FIRST_CONTACT_MS = 15_000;

export interface FollowJobOptions {
  /** Shown on each status; `displayed` says whether anything is shown (how long to hold a poll). */
  display: ProgressDisplay;
  displayed: boolean;
  /** Ctrl-C: the wait ends with InterruptedError (its message names the job and its logs). */
  signal?: AbortSignal;
  /** Ends a held status call early (Ctrl-C, or the runtime broke). */
  stopWaiting: AbortSignal;
  /** The runtime's fatal error, once it has one (a worker that cannot start): thrown as it is. */
  fatal: () => Error | undefined;
  interrupted: () => string;
}

/**
 * Follows a job through the master's status long poll until it ends, and returns its last
 * status. A master that does not answer is tried again (the runtime restarts one that died,
 * and it resumes from its checkpoint) until it has been silent too long.
 */
export async function followJob(master: MasterConnection, o: FollowJobOptions): Promise<JobStatus__Output> {
  let lastContact = Date.now();
  let contacted = false;
  for (;;) {
    if (o.signal?.aborted) throw new InterruptedError(o.interrupted());
    const fatal = o.fatal();
    if (fatal) throw fatal;
    let status: JobStatus__Output;
    try {
      status = await master.getStatus({ waitMs: contacted ? statusWaitMs(o.displayed) : 0, signal: o.stopWaiting });
      lastContact = Date.now();
      contacted = true;
    } catch (err) {
      const fatalNow = o.fatal();
      if (fatalNow) throw fatalNow;
      const limit = contacted ? MASTER_SILENCE_MS : FIRST_CONTACT_MS;
      if (Date.now() - lastContact > limit) {
        const what = contacted ? 'lost contact with the master' : 'cannot reach the master';
        throw new RuntimeError(`${what} for ${limit / 1000} s: ${(err as Error).message}`);
      }
      await sleep(RETRY_MS);
      continue;
    }
    o.display.update(status);
    if (isFinalJobState(status.state)) return status;
  }
}

import type { JobState__Output } from '@gomr/proto';
import type { JobPhase } from './scheduler.js';

/**
 * Where a master is in its life, and the only place that moves it:
 *
 *   running ──finishing()──▶ finishing ──finished()──▶ finished
 *      └──────────┴──────────────stop()──────────────────┴──▶ stopped
 *
 * `running`: hands out tasks and commits them. `finishing`: the job has succeeded or failed and
 * its summary is being written. `finished`: the summary is written. `stopped`: the master is
 * going away (stop()); held calls are answered and no more are held. A finish already under way
 * when the master stops still writes its summary, and its end is still recorded (finishedMs),
 * but the master stays stopped. A transition the diagram lacks throws: it is a bug.
 */
export type MasterState = 'running' | 'finishing' | 'finished' | 'stopped';

const NEXT: Record<MasterState, readonly MasterState[]> = {
  running: ['finishing', 'stopped'],
  finishing: ['finished', 'stopped'],
  finished: ['stopped'],
  stopped: [],
};

export class MasterLifecycle {
  private current: MasterState = 'running';
  /** When the summary was written; 0 until then. */
  finishedMs = 0;

  get state(): MasterState {
    return this.current;
  }

  get stopped(): boolean {
    return this.current === 'stopped';
  }

  /** The job has succeeded or failed: its summary is to be written. */
  finishing(): void {
    this.move('finishing');
  }

  /** The summary is written (at finishedMs). */
  finished(finishedMs: number): void {
    this.finishedMs = finishedMs;
    if (this.current !== 'stopped') this.move('finished');
  }

  stop(): void {
    if (this.current !== 'stopped') this.move('stopped');
  }

  /**
   * The job's state as status() reports it: the scheduler's phase, except that a job is over
   * only once its summary is written; until then a succeeded (COMMITTING) or failed job is
   * FINISHING.
   */
  jobState(phase: JobPhase): JobState__Output {
    if (this.finishedMs) return phase;
    return phase === 'COMMITTING' || phase === 'FAILED' ? 'FINISHING' : phase;
  }

  private move(next: MasterState): void {
    if (!NEXT[this.current].includes(next)) throw new Error(`master cannot go from ${this.current} to ${next}`);
    this.current = next;
  }
}

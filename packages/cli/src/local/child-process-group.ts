import { spawn, type ChildProcess } from 'node:child_process';
import { constants } from 'node:os';
import { createWriteStream, type WriteStream } from 'node:fs';

export interface ManagedChild {
  name: string;
  proc: ChildProcess;
  logPath: string;
  /** The exit code; a child ended by a signal gets 128 + its number, as a shell says. */
  exited: Promise<number | null>;
  /** The signal that ended the child, once it has. */
  signal?: NodeJS.Signals;
}

/** How a child ended, for logs: "exited with code 3" or "was killed by SIGKILL". */
export function howEnded(child: ManagedChild, code: number | null): string {
  return child.signal ? `was killed by ${child.signal}` : `exited with code ${code}`;
}

/**
 * The processes of one local job. Each child's output goes to its own log file; stop()
 * sends SIGTERM, then SIGKILL to stragglers, so no process outlives the command.
 */
export class ChildProcessGroup {
  private readonly children = new Set<ManagedChild>();
  private readonly logs: WriteStream[] = [];

  /**
   * Starts `node ARGS`. `stdin`, when given, is written to the child's stdin once it resolves
   * (then stdin is closed); a rejection just closes it.
   */
  spawn(
    name: string,
    args: string[],
    env: NodeJS.ProcessEnv,
    logPath: string,
    onStdout?: (line: string) => void,
    stdin?: Promise<string>,
  ): ManagedChild {
    const log = createWriteStream(logPath, { flags: 'a' });
    this.logs.push(log);
    // Own process group: a Ctrl-C in the terminal reaches only the CLI, which stops children in order.
    // GOMR_PARENT_PID makes a child exit by itself if the CLI dies without cleaning up.
    const proc = spawn(process.execPath, args, {
      env: { ...env, GOMR_PARENT_PID: String(process.pid) },
      stdio: [stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'],
      detached: true,
    });
    if (stdin) {
      // A child that exits before reading makes the write fail with EPIPE: nothing to report.
      proc.stdin!.on('error', () => {});
      stdin.then(
        (text) => proc.stdin!.end(text),
        () => proc.stdin!.end(),
      );
    }
    let pending = '';
    proc.stdout!.on('data', (d: Buffer) => {
      log.write(d);
      if (!onStdout) return;
      pending += d.toString('utf8');
      for (let i = pending.indexOf('\n'); i !== -1; i = pending.indexOf('\n')) {
        onStdout(pending.slice(0, i));
        pending = pending.slice(i + 1);
      }
    });
    proc.stderr!.on('data', (d: Buffer) => log.write(d));
    let child: ManagedChild | undefined;
    const exited = new Promise<number | null>((resolve) => {
      proc.on('exit', (code, signal) => {
        if (signal && child) child.signal = signal;
        resolve(code ?? (signal ? 128 + (constants.signals[signal] ?? 0) : null));
      });
      proc.on('error', () => resolve(null));
    });
    child = { name, proc, logPath, exited };
    this.children.add(child);
    void exited.then(() => this.children.delete(child));
    return child;
  }

  async stop(graceMs = 3000): Promise<void> {
    await this.stopSome(() => true, graceMs);
    await Promise.all(this.logs.map((l) => new Promise<void>((r) => l.end(r))));
  }

  /** SIGTERM to the children `which` picks, SIGKILL to those still running after graceMs. */
  async stopSome(which: (child: ManagedChild) => boolean, graceMs = 3000): Promise<void> {
    const some = [...this.children].filter(which);
    for (const c of some) c.proc.kill('SIGTERM');
    const timer = setTimeout(() => some.forEach((c) => c.proc.exitCode === null && c.proc.kill('SIGKILL')), graceMs);
    await Promise.all(some.map((c) => c.exited));
    clearTimeout(timer);
  }

  /** SIGKILL, now, to the children `which` picks that still run. */
  killNow(which: (child: ManagedChild) => boolean): void {
    for (const c of this.children) if (which(c) && c.proc.exitCode === null) c.proc.kill('SIGKILL');
  }

  /** Last resort on process exit: synchronous SIGKILL of everything still running. */
  killAllNow(): void {
    for (const c of this.children) if (c.proc.exitCode === null) c.proc.kill('SIGKILL');
  }
}

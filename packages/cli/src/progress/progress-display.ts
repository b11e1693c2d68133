import cliProgress from 'cli-progress';
import type { JobStatus__Output } from '@gomr/proto';
import { stepPrefix } from '../job/format-steps.js';

/** Shows a job's progress: bars on a terminal, one plain line per change otherwise. */
export interface ProgressDisplay {
  update(status: JobStatus__Output): void;
  stop(): void;
}

export function createProgressDisplay(stream: NodeJS.WriteStream, enabled = true): ProgressDisplay {
  if (!enabled) return { update() {}, stop() {} };
  return stream.isTTY ? new BarDisplay(stream) : new LineDisplay(stream);
}

class BarDisplay implements ProgressDisplay {
  private readonly bars: cliProgress.MultiBar;
  private map?: cliProgress.SingleBar;
  private reduce?: cliProgress.SingleBar;

  constructor(stream: NodeJS.WriteStream) {
    this.bars = new cliProgress.MultiBar(
      {
        stream,
        format: ' {phase} |{bar}| {value}/{total} tasks  {running} running  {failed} failed',
        hideCursor: true,
        clearOnComplete: false,
        barsize: 30,
      },
      cliProgress.Presets.shades_classic,
    );
  }

  update(s: JobStatus__Output): void {
    const maps = s.maps!;
    const reduces = s.reduces!;
    // A job of steps: the bars show the current step, named in front, and restart with the next.
    const step = stepPrefix(s.steps ?? [], s.step ?? 0);
    this.map ??= this.bars.create(maps.total, 0, { phase: `${step}map   `, running: 0, failed: 0 });
    this.reduce ??= this.bars.create(reduces.total, 0, { phase: `${step}reduce`, running: 0, failed: 0 });
    if (step) {
      this.map.setTotal(maps.total);
      this.reduce.setTotal(reduces.total);
    }
    this.map.update(maps.done, { running: maps.running, failed: maps.failed, ...(step ? { phase: `${step}map   ` } : {}) });
    this.reduce.update(reduces.done, { running: reduces.running, failed: reduces.failed, ...(step ? { phase: `${step}reduce` } : {}) });
  }

  stop(): void {
    this.bars.stop();
  }
}

class LineDisplay implements ProgressDisplay {
  private last = '';

  constructor(private readonly stream: NodeJS.WriteStream) {}

  update(s: JobStatus__Output): void {
    const line = `${stepPrefix(s.steps ?? [], s.step ?? 0)}${s.state.toLowerCase()}: maps ${s.maps!.done}/${s.maps!.total} done, ${s.maps!.running} running; reduces ${s.reduces!.done}/${s.reduces!.total} done, ${s.reduces!.running} running`;
    if (line === this.last) return;
    this.last = line;
    this.stream.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);
  }

  stop(): void {}
}

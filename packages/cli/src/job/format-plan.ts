import type { JobPlan } from './plan-job.js';

/** Map tasks listed one per line up to this many; the rest are counted (all are in --json). */
const SHOWN_TASKS = 20;

function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(1)} ${units[u]}`;
}

/** The plan as `gomr run --dry-run` prints it. */
export function formatPlan(plan: JobPlan): string {
  const perInput = new Map<string, number>();
  for (const t of plan.mapTasks) perInput.set(t.input, (perInput.get(t.input) ?? 0) + 1);
  const width = Math.max(...plan.inputs.map((i) => i.name.length), 5);
  const lines = [
    'dry run: the plan; nothing was started',
    `worker        ${plan.worker}`,
    `inputs        ${plan.inputs.length} file${plan.inputs.length === 1 ? '' : 's'}, ${bytes(plan.inputBytes)}`,
    ...plan.inputs.map((i) => `  ${i.name.padEnd(width)}  ${bytes(i.size).padStart(10)}  ${perInput.get(i.name) ?? 0} split${perInput.get(i.name) === 1 ? '' : 's'}  ${i.path}`),
    `workers       ${plan.workers}`,
    `map tasks     ${plan.mapTasks.length} (target ${plan.targetMaps}); a split owns the lines that start in it`,
    ...plan.mapTasks.slice(0, SHOWN_TASKS).map((t) => `  ${t.task}  ${t.input.padEnd(width)}  [${t.start}, ${t.end})  ${bytes(t.bytes)}`),
    ...(plan.mapTasks.length > SHOWN_TASKS ? [`  ... ${plan.mapTasks.length - SHOWN_TASKS} more (--json lists all)`] : []),
    `reduce tasks  ${plan.reduceTasks.length}: ${plan.reduceTasks[0]!.output}${plan.reduceTasks.length > 1 ? ` .. ${plan.reduceTasks.at(-1)!.output}` : ''}`,
    // A job of steps: the tasks above are step 1's; each step, what it reads and writes.
    ...(plan.steps
      ? [
          `steps         ${plan.steps.length}; the tasks above are step 1's`,
          ...plan.steps.map((s) => `  step ${s.step}  ${s.mapTasks} map, ${s.reduceTasks ? `${s.reduceTasks} reduce` : 'no reduce (map-only)'}; reads ${s.reads}; writes ${s.writes}`),
        ]
      : []),
    `partitioning  ${plan.partitioning}`,
    ...(plan.files.length ? [`side files    ${plan.files.length}`, ...plan.files.map((f) => `  ${f.name}  ${bytes(f.size)}  ${f.path}`)] : []),
  ];
  return lines.join('\n');
}

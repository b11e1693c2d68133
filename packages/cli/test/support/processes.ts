import { readdirSync, readFileSync } from 'node:fs';

export interface GomrProcess {
  pid: number;
  role: 'master' | 'worker' | 'other';
}

/** Live processes started by the CLI with this pid (they carry GOMR_PARENT_PID), from /proc. */
export function processesOf(cliPid: number): GomrProcess[] {
  const found: GomrProcess[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const env = readFileSync(`/proc/${entry}/environ`, 'latin1');
      const stat = readFileSync(`/proc/${entry}/stat`, 'latin1');
      if (!env.includes(`\0GOMR_PARENT_PID=${cliPid}\0`) || /\) Z /.test(stat)) continue;
      const cmd = readFileSync(`/proc/${entry}/cmdline`, 'latin1');
      const role = cmd.includes('master') && cmd.includes('main.js') ? 'master' : cmd.includes('worker-main') ? 'worker' : 'other';
      found.push({ pid: Number(entry), role });
    } catch {
      // The process ended while we looked.
    }
  }
  return found;
}

export function childrenOf(cliPid: number): number[] {
  return processesOf(cliPid).map((p) => p.pid);
}

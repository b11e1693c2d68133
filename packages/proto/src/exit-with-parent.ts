/**
 * For every gomr process the local runtime starts: exit when the process named by
 * GOMR_PARENT_PID (the CLI) is gone, so a CLI killed outright leaves no orphans behind.
 * Lives here because the master and the worker share only this package.
 */
export function exitWithParent(log: (line: string) => void, env = process.env): void {
  const parent = Number(env.GOMR_PARENT_PID);
  if (!parent) return;
  setInterval(() => {
    try {
      process.kill(parent, 0);
    } catch {
      log('parent process is gone; exiting');
      process.exit(1);
    }
  }, 1000).unref();
}

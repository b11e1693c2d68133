/**
 * Whether a process of this host still runs (signal 0 checks without sending anything). EPERM:
 * it runs under another user. Used to tell a stale lock, staging or spill folder from a live one.
 */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

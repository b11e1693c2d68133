/**
 * An AbortSignal that fires on SIGINT or SIGTERM while a job is followed, so the command can
 * stop (or detach) in order instead of dying. `release()` removes the handlers.
 */
export function interruptSignal(): { signal: AbortSignal; release: () => void } {
  const abort = new AbortController();
  const onSignal = () => abort.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  return {
    signal: abort.signal,
    release: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}

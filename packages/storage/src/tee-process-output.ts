/**
 * Copies everything this process writes to its stdout and stderr to `sink` as well (the text
 * still goes where it went: a terminal, a log file, the pod's log). In a process that runs
 * worker threads this includes their output, which node pipes through the process's streams.
 * Returns a function that puts the streams back.
 */
export function teeProcessOutput(sink: (text: string) => void): () => void {
  const restore: (() => void)[] = [];
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write;
    stream.write = function (this: NodeJS.WriteStream, chunk: unknown, ...rest: unknown[]): boolean {
      try {
        sink(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
      } catch {
        // A log copy that fails never stops the process's own output.
      }
      return (write as (...a: unknown[]) => boolean).call(this, chunk, ...rest);
    } as typeof stream.write;
    restore.push(() => (stream.write = write));
  }
  return () => restore.forEach((r) => r());
}

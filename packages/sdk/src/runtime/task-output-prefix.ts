/**
 * In the executor thread: each line user code prints (console.log, process.stdout.write, on
 * stdout or stderr) while a task runs starts with that task, `[m-00003#2] `, so the worker's
 * log (and `gomr logs JOB --task m-00003`) tells whose output is whose, however many tasks the
 * worker ran.
 */

let current = '';

/** The task whose output follows (`m-00003#2`); '' between tasks (lines are then left as they are). */
export function setOutputTask(task: string): void {
  current = task;
}

/** Installs the prefixing on this thread's stdout and stderr. */
export function prefixUserOutput(): void {
  for (const stream of [process.stdout, process.stderr]) {
    let atLineStart = true;
    const write = stream.write as (...a: unknown[]) => boolean;
    stream.write = function (this: NodeJS.WriteStream, chunk: unknown, ...rest: unknown[]): boolean {
      const encoding = typeof rest[0] === 'string' ? rest[0] : 'utf8';
      const text = typeof chunk === 'string' ? (encoding === 'utf8' || encoding === 'utf-8' ? chunk : undefined) : Buffer.from(chunk as Uint8Array).toString('utf8');
      if (text === undefined || text === '') return write.call(this, chunk, ...rest);
      let out = '';
      for (const piece of text.split(/(?<=\n)/)) {
        if (atLineStart && current) out += `[${current}] `;
        out += piece;
        atLineStart = piece.endsWith('\n');
      }
      return write.call(this, out, ...rest.filter((r) => typeof r === 'function'));
    } as typeof stream.write;
  }
}

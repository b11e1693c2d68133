import { createInterface } from 'node:readline';

/** One event of the Docker Engine's progress streams (build, push, pull). */
export interface DockerEvent {
  stream?: string;
  status?: string;
  id?: string;
  progress?: string;
  progressDetail?: { current?: number; total?: number };
  error?: string;
  errorDetail?: { message?: string };
  aux?: unknown;
}

/**
 * The events of a progress stream, one JSON object per line. The daemon reports a failure
 * (a failed step, "unauthorized") as an event with `error`, inside a 200 answer, so callers
 * must look at every event rather than at the HTTP status.
 */
export async function* dockerEvents(stream: NodeJS.ReadableStream): AsyncGenerator<DockerEvent> {
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  for await (const line of lines) {
    if (!line.trim()) continue;
    try {
      yield JSON.parse(line) as DockerEvent;
    } catch {
      yield { stream: line };
    }
  }
}

/** The error an event carries, on one line, or undefined. */
export function eventError(e: DockerEvent): string | undefined {
  const text = e.errorDetail?.message ?? e.error;
  return text ? text.replace(/\s+/g, ' ').trim() : undefined;
}

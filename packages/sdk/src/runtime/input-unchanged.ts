import type { Split, Storage } from '@gomr/storage';

/** An input that is not what the job planned its splits over: changed in size, or gone. */
export class InputChangedError extends Error {
  constructor(
    readonly input: string,
    message: string,
  ) {
    super(message);
    this.name = 'InputChangedError';
  }
}

/**
 * Checks that a split's input still has the size (and, where planned with one, the
 * modification time) its plan was made for. A file truncated,
 * appended to or deleted while the job ran would give a fraction of the input, or lines twice,
 * and exit 0; the job fails instead (exit 3). One stat per check.
 */
export async function checkInputUnchanged(
  storage: Storage,
  split: Split,
): Promise<void> {
  const info = await storage.stat(split.inputKey, { modified: !!split.fileMtimeMs });
  if (!info) throw new InputChangedError(split.inputName, `input ${split.inputName} was deleted while the job ran`);
  if (info.size !== split.fileSize) {
    throw new InputChangedError(
      split.inputName,
      `input ${split.inputName} changed while the job ran: ${split.fileSize} bytes when the job was planned, ${info.size} now`,
    );
  }
  // Rewritten in place with the same size: the modification time says so.
  if (split.fileMtimeMs && info.modifiedMs !== undefined && info.modifiedMs !== split.fileMtimeMs) {
    throw new InputChangedError(
      split.inputName,
      `input ${split.inputName} was modified while the job ran (modification time ${new Date(split.fileMtimeMs).toISOString()} when planned, ${new Date(info.modifiedMs).toISOString()} now)`,
    );
  }
}

/** Streams into a temp file, then renames it onto the key (see LocalStorage). */
import { rm, type FileHandle } from 'node:fs/promises';
import { StagedObjectWriter } from './staged-object-writer.js';

export class LocalObjectWriter extends StagedObjectWriter {
  private handle: FileHandle | undefined;

  constructor(
    key: string,
    private readonly tempPath: string,
    /** Creates the temp file (exclusively: its name is unique). */
    private readonly createTemp: () => Promise<FileHandle>,
    /** Renames the finished temp file onto the key's path. */
    private readonly commitTemp: (tempPath: string) => Promise<void>,
  ) {
    super(key);
  }

  protected override async stage(chunk: Buffer): Promise<void> {
    const handle = await this.openTemp();
    let written = 0;
    while (written < chunk.length) {
      const { bytesWritten } = await handle.write(chunk, written, chunk.length - written);
      written += bytesWritten;
    }
  }

  protected override async publish(): Promise<void> {
    // Opening here too covers an object with no bytes at all.
    await (await this.openTemp()).close();
    this.handle = undefined;
    await this.commitTemp(this.tempPath);
  }

  protected override async discard(): Promise<void> {
    await this.handle?.close().catch(() => {});
    this.handle = undefined;
    await rm(this.tempPath, { force: true });
  }

  private async openTemp(): Promise<FileHandle> {
    this.handle ??= await this.createTemp();
    return this.handle;
  }
}

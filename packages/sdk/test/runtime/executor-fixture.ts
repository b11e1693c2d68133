import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TaskSpec } from '../../src/runtime/executor-protocol.js';
import { TaskExecutor } from '../../src/runtime/task-executor.js';

const sdkIndex = fileURLToPath(new URL('../../src/index.js', import.meta.url));

/** The job every fixture task runs in. */
export const fixtureJob = { workerId: 'w', reducers: 1, params: {} };

/**
 * A real executor thread over a fresh local store whose worker.mjs is `body` (code that calls
 * `run`, imported from the SDK's sources). `mapTask(i, text)` writes in<i>.txt and returns a
 * map task over all of it; `close()` stops the thread and removes the store.
 */
export async function executorFixture(prefix: string, body: string) {
  const root = await mkdtemp(join(tmpdir(), prefix));
  await writeFile(join(root, 'worker.mjs'), `import { run } from ${JSON.stringify(sdkIndex)};\n${body}`);
  const executor = new TaskExecutor({
    bundlePath: join(root, 'worker.mjs'),
    storage: { kind: 'local', root },
    inputStorage: { kind: 'local', root },
    spillDir: join(root, 'spill'),
    spillBytes: 1 << 20,
  });
  return {
    executor,
    bundlePath: join(root, 'worker.mjs'),
    async mapTask(i: number, text: string, extra: Partial<TaskSpec> = {}): Promise<TaskSpec> {
      await writeFile(join(root, `in${i}.txt`), text);
      return {
        taskId: `m-${i}`, kind: 'MAP', index: i, attempt: 1, outputPrefix: `jobs/j/map/m-${i}.a1.`, runKeys: [],
        split: { inputKey: `in${i}.txt`, inputName: `in${i}.txt`, start: 0, end: text.length, fileSize: text.length },
        ...extra,
      };
    },
    async close(): Promise<void> {
      await executor.stop();
      await rm(root, { recursive: true, force: true });
    },
  };
}

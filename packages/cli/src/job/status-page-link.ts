import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** The file in a local job's folder that names its master's status page while it runs. */
export const STATUS_URL_FILE = 'status-url';

/** Records the page's URL so `gomr status`, `gomr jobs` and `gomr ui` can find a running job. */
export async function recordStatusUrl(jobDir: string, url: string): Promise<void> {
  await writeFile(join(jobDir, STATUS_URL_FILE), `${url}\n`);
}

/** The recorded URL, or null if the job never had one (or its folder is gone). */
export async function readStatusUrl(jobDir: string): Promise<string | null> {
  const text = await readFile(join(jobDir, STATUS_URL_FILE), 'utf8').catch(() => '');
  const url = text.trim();
  return /^https?:\/\/[^\s]+$/.test(url) ? url : null;
}

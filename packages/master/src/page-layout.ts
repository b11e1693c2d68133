import { jobKeys, SKIPPED_DIR, TASK_ID_PATTERN } from '@gomr/storage';

/**
 * The job layout's names the status page shows or parses, as the script /layout.js that the
 * page loads before app.js: taken from job-layout.ts when the server starts, so the browser
 * code spells no folder or task id of its own and cannot drift from the workers'.
 */
export const PAGE_LAYOUT = {
  /** The dead-letter folder's key, with `{jobId}` for the job's id. */
  skippedDirKey: jobKeys.skippedDir('{jobId}'),
  /** Its name alone, as the counters call it. */
  skippedDir: `${SKIPPED_DIR}/`,
  /** TASK_ID_PATTERN's source: groups step (absent for step 0), kind letter, index. */
  taskIdPattern: TASK_ID_PATTERN.source,
};

export function pageLayoutScript(): string {
  return `'use strict';\nglobalThis.GOMR_LAYOUT = Object.freeze(${JSON.stringify(PAGE_LAYOUT)});\n`;
}

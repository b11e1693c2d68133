// Summaries of repeated measurements: the median is the figure, the spread says how much to trust it.

/** Median, min, max and spread of a list of numbers (null when the list is empty). */
export function summarize(samples) {
  const xs = samples.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (xs.length === 0) return null;
  const mid = xs.length >> 1;
  const median = xs.length % 2 ? xs[mid] : (xs[mid - 1] + xs[mid]) / 2;
  return {
    n: xs.length,
    median,
    min: xs[0],
    max: xs[xs.length - 1],
    /** (max - min) / median: 0.05 means the runs agreed within 5%. */
    spread: median ? (xs[xs.length - 1] - xs[0]) / median : 0,
    samples: samples.slice(),
  };
}

/**
 * Ratio of two paired series (A and B measured alternately, rep by rep): the median of the
 * per-rep ratios, which cancels slow drifts in machine load better than a ratio of medians.
 */
export function pairedRatio(a, b) {
  const n = Math.min(a.length, b.length);
  const ratios = [];
  for (let i = 0; i < n; i++) if (Number.isFinite(a[i]) && Number.isFinite(b[i]) && b[i] > 0) ratios.push(a[i] / b[i]);
  return summarize(ratios);
}

/** Seconds with 2 decimals from milliseconds. */
export const sec = (ms) => (ms == null ? '-' : (ms / 1000).toFixed(2));

/** "1.23 s ±4%" from a summary of milliseconds. */
export function fmtTime(s) {
  if (!s) return 'n/a';
  return `${sec(s.median)} s ±${Math.round((s.spread * 100) / 2)}%`;
}

/** "0.53x (0.50-0.57)" from a summary of ratios. */
export function fmtRatio(s) {
  if (!s) return 'n/a';
  return `${s.median.toFixed(2)}x (${s.min.toFixed(2)}-${s.max.toFixed(2)})`;
}

export function mb(bytes) {
  return bytes == null ? '-' : (bytes / (1024 * 1024)).toFixed(1);
}

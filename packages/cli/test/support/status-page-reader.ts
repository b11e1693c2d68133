/**
 * What the status page shows, read from its DOM in the browser (a string, evaluated in the page:
 * this package compiles without DOM types). Numbers come from the visible text where it is a
 * plain count, and from data-value/title where the text is rounded (bytes).
 */
export interface PageReading {
  takenMs: number;
  jobId: string;
  state: string;
  live: string;
  maps: { done: number; total: number };
  reduces: { done: number; total: number };
  counters: Record<string, { value: number; text: string; title: string }>;
  userCounters: Record<string, { value: number; text: string }>;
  userCounterNames: string[];
  workers: string[];
  bars: number;
  failures: string[];
  errorSummary: string;
  /** Elements a script injection would have made. */
  injected: number;
  xssRan: unknown;
}

export const READ_PAGE = `(() => {
  const q = (sel) => document.querySelector(sel);
  const int = (sel) => Number(q(sel).textContent.replace(/,/g, ''));
  const counters = {};
  for (const tr of document.querySelectorAll('[data-counter]')) {
    const td = tr.querySelector('td');
    counters[tr.getAttribute('data-counter')] = { value: Number(td.dataset.value), text: td.textContent, title: td.title };
  }
  const userCounters = {};
  const userCounterNames = [];
  for (const tr of document.querySelectorAll('[data-user-counter]')) {
    const td = tr.querySelector('td');
    userCounters[tr.getAttribute('data-user-counter')] = { value: Number(td.dataset.value), text: td.textContent };
    userCounterNames.push(tr.querySelector('th').textContent);
  }
  return {
    takenMs: Number(q('#foot').dataset.takenMs),
    jobId: q('#job-id').textContent,
    state: q('#state').textContent,
    live: q('#live').textContent,
    maps: { done: int('[data-field=map-done]'), total: int('[data-field=map-total]') },
    reduces: { done: int('[data-field=reduce-done]'), total: int('[data-field=reduce-total]') },
    counters,
    userCounters,
    userCounterNames,
    workers: [...document.querySelectorAll('[data-worker]')].map((tr) => tr.getAttribute('data-worker')),
    bars: document.querySelectorAll('.tl-bar').length,
    failures: [...document.querySelectorAll('article.failure .failure-message')].map((p) => p.textContent),
    errorSummary: q('#job-error').hidden ? '' : q('#job-error-summary').textContent,
    injected: document.querySelectorAll('img, main b, main i, iframe, object, embed').length,
    xssRan: window.__xss,
  };
})()`;

// gomr status page. Polls /api/status (the job snapshot, see packages/master/src/job-snapshot.ts)
// and draws it with DOM APIs; #task=ID shows that task's story from /api/tasks/ID
// (packages/master/src/task-story.ts), linked from the timeline's bars and the failures. Everything from the job (keys, counter names, error messages,
// stacks: all may come from user code) goes into the page as text nodes or attribute values,
// never as HTML.
'use strict';

/** Names from the job layout (packages/storage/src/job-layout.ts), served as /layout.js. */
const LAYOUT = globalThis.GOMR_LAYOUT;
const TASK_ID = new RegExp(LAYOUT.taskIdPattern);

const POLL_MS = 1000;
const RETRY_MAX_MS = 5000;
const TERMINAL = new Set(['SUCCEEDED', 'FAILED']);

/** Built-in counters, in the order a job produces them, with their display names. */
const BUILTIN = [
  ['Input', [['mapInputRecords', 'records read'], ['mapInputBytes', 'bytes read', 'bytes']]],
  ['Map', [['mapOutputRecords', 'records emitted'], ['combineInputRecords', 'combine in'], ['combineOutputRecords', 'combine out'], ['spills', 'spills']]],
  ['Shuffle', [['shuffleRecords', 'records'], ['shuffleBytes', 'bytes', 'bytes']]],
  ['Reduce', [['reduceInputRecords', 'records in'], ['reduceInputGroups', 'keys (groups)']]],
  ['Output', [['outputRecords', 'records written'], ['outputBytes', 'bytes written', 'bytes']]],
];

const OUTCOME_LABEL = {
  running: 'running',
  committed: 'committed',
  failed: 'failed',
  killed: 'lost / killed',
  superseded: 'duplicate (lost the race)',
};

// ---------------------------------------------------------------- DOM helpers

/** h('div', { className: 'x', title: 'y' }, 'text', child): children are text or nodes. */
function h(tag, props, ...children) {
  const node = document.createElement(tag);
  if (props) {
    for (const [k, v] of Object.entries(props)) {
      if (v === undefined || v === null || v === false) continue;
      if (k === 'className' || k === 'title' || k === 'hidden') node[k] = v;
      else if (k === 'style') for (const [p, val] of Object.entries(v)) node.style.setProperty(p, String(val));
      else node.setAttribute(k, String(v));
    }
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
}

const $ = (id) => document.getElementById(id);

// ---------------------------------------------------------------- formatting

function fmtInt(n) {
  return Math.round(n || 0).toLocaleString('en-US');
}

function fmtBytes(n) {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  let v = n || 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i ? v.toFixed(v < 10 ? 2 : 1) : Math.round(v)} ${units[i]}`;
}

function fmtDuration(ms) {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(s < 10 ? 1 : 0)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} m ${String(Math.floor(s % 60)).padStart(2, '0')} s`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} m`;
}

function fmtClock(ms) {
  if (!ms) return '—';
  const d = new Date(ms);
  return d.toLocaleTimeString('en-GB', { hour12: false });
}

function fmtDateTime(ms) {
  if (!ms) return '—';
  const d = new Date(ms);
  return `${d.toLocaleDateString('en-CA')} ${fmtClock(ms)}`;
}

function fmtRate(n, unit) {
  if (!n) return `0 ${unit}/s`;
  return unit === 'B' ? `${fmtBytes(n)}/s` : `${n >= 100 ? fmtInt(n) : n.toFixed(1)} ${unit}/s`;
}

// ---------------------------------------------------------------- state

let last = null;
let lastOkMs = 0;
let failuresInRow = 0;

async function poll() {
  let snap;
  try {
    const res = await fetch('api/status', { cache: 'no-store' });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    snap = await res.json();
  } catch (err) {
    failuresInRow++;
    showNotice(
      last
        ? `The master is not answering (${err.message}); showing the data of ${fmtClock(lastOkMs)}. ` +
            `A finished job's saved data: gomr status ${last.jobId}`
        : `Cannot reach the master: ${err.message}`,
    );
    setTimeout(poll, Math.min(POLL_MS * 2 ** failuresInRow, RETRY_MAX_MS));
    return;
  }
  failuresInRow = 0;
  lastOkMs = Date.now();
  last = snap;
  showNotice('');
  render(snap);
  if (!TERMINAL.has(snap.state)) setTimeout(poll, POLL_MS);
}

function showNotice(text) {
  const n = $('notice');
  n.textContent = text;
  n.hidden = !text;
}

// ---------------------------------------------------------------- rendering

function render(s) {
  document.title = `${stateLabel(s.state)} · ${s.jobId} · gomr`;
  renderHeader(s);
  renderError(s);
  // A job of steps: the map and reduce cards show the current step; the steps card shows all.
  const current = s.steps ? s.steps.filter((x) => x.state !== 'PENDING').length : 0;
  const of = s.steps ? ` · step ${current} of ${s.steps.length}` : '';
  renderPhase($('phase-maps'), `Map${of}`, s.maps, 'map');
  if (s.mapOnly) renderMapOnly($('phase-reduces'));
  else renderPhase($('phase-reduces'), `Reduce${of}`, s.reduces, 'reduce');
  renderSteps(s);
  renderStats(s);
  renderLegend();
  renderTimeline(s);
  renderCounters(s);
  renderUserCounters(s);
  renderWorkers(s);
  renderFailures(s);
  // A running job's story changes with it; a finished one's is fetched once.
  if (!TERMINAL.has(s.state) || storyShown !== shownTaskId()) void showTaskStory();
  const foot = $('foot');
  foot.setAttribute('data-taken-ms', String(s.takenMs));
  foot.replaceChildren(
    `Job ${s.jobId} · ${TERMINAL.has(s.state) ? 'final snapshot' : 'snapshot'} of ${fmtDateTime(s.takenMs)} · `,
    h('a', { href: 'api/status' }, 'raw JSON'),
  );
}

function stateLabel(state) {
  return { MAPPING: 'Mapping', REDUCING: 'Reducing', COMMITTING: 'Committing', FINISHING: 'Finishing', SUCCEEDED: 'Succeeded', FAILED: 'Failed' }[state] || state;
}

function renderHeader(s) {
  $('job-id').textContent = s.jobId;
  const state = $('state');
  state.textContent = stateLabel(s.state);
  state.className = `pill state-${String(s.state).toLowerCase()}`;
  const live = $('live');
  const over = TERMINAL.has(s.state);
  live.textContent = over ? 'final' : 'live';
  live.className = over ? 'live final' : 'live on';
  const totalInput = s.inputs.reduce((n, i) => n + i.size, 0);
  const inputs = s.inputs.length === 1 ? s.inputs[0].name : `${s.inputs.length} inputs`;
  $('job-meta').replaceChildren(
    metaItem('worker', s.workerFile || '—'),
    metaItem('input', `${inputs} · ${fmtBytes(totalInput)}`, s.inputs.map((i) => `${i.name} (${fmtBytes(i.size)})`).join('\n')),
    metaItem('started', fmtDateTime(s.startedMs)),
    metaItem(over ? 'took' : 'elapsed', fmtDuration(s.elapsedMs)),
  );
}

function metaItem(label, value, title) {
  return h('span', { className: 'meta-item', title }, h('span', { className: 'meta-label' }, label), ' ', h('span', { className: 'meta-value' }, value));
}

function renderError(s) {
  const box = $('job-error');
  box.hidden = !s.error;
  if (!s.error) return;
  $('job-error-summary').textContent = s.error.summary || s.error.message;
  const stack = $('job-error-stack');
  stack.textContent = s.error.stack || '';
  stack.hidden = !s.error.stack;
}

function renderPhase(node, title, p, kind) {
  const pct = (n) => (p.total ? (100 * n) / p.total : 0);
  const bits = [`${fmtInt(p.running)} running`, `${fmtInt(p.pending)} waiting`];
  node.replaceChildren(
    h('div', { className: 'phase-head' },
      h('h2', null, title),
      h('div', { className: 'phase-count' },
        h('span', { className: 'big', 'data-field': `${kind}-done` }, fmtInt(p.done)),
        h('span', { className: 'muted' }, ' / '),
        h('span', { 'data-field': `${kind}-total` }, fmtInt(p.total)),
        h('span', { className: 'muted small' }, ' done'))),
    h('div', { className: `bar-track ${kind}`, role: 'progressbar', 'aria-valuemin': 0, 'aria-valuemax': p.total, 'aria-valuenow': p.done },
      h('div', { className: 'seg done', style: { width: `${pct(p.done)}%` } }),
      h('div', { className: 'seg running', style: { width: `${pct(p.running)}%` } })),
    h('div', { className: 'phase-foot' },
      h('span', { 'data-field': `${kind}-running` }, bits[0]),
      h('span', null, bits[1]),
      h('span', { className: p.failedAttempts ? 'bad' : '', 'data-field': `${kind}-failed` }, `${fmtInt(p.failedAttempts)} failed`),
      p.killedAttempts ? h('span', { className: 'warn' }, `${fmtInt(p.killedAttempts)} lost`) : null),
  );
}

/** A map-only job (--reducers 0) has no reduce phase: its map tasks write the output. */
function renderMapOnly(node) {
  node.replaceChildren(
    h('div', { className: 'phase-head' }, h('h2', null, 'Reduce')),
    h('div', { className: 'phase-foot', 'data-field': 'map-only' }, h('span', { className: 'muted' }, 'map-only job: no reduce phase; each map task writes one part-m file')),
  );
}

function renderStats(s) {
  const over = TERMINAL.has(s.state);
  const live = s.workers.filter((w) => w.state === 'idle' || w.state === 'busy').length;
  const stat = (label, value, field, sub) =>
    h('div', { className: 'stat' }, h('div', { className: 'stat-label' }, label), h('div', { className: 'stat-value', 'data-field': field }, value), sub ? h('div', { className: 'stat-sub' }, sub) : null);
  $('stats').replaceChildren(
    stat('Throughput', fmtRate(s.throughput.inputBytesPerSec, 'B'), 'throughput', `${fmtRate(s.throughput.inputRecordsPerSec, 'rec')} in`),
    stat(over ? 'Finished' : 'ETA', over ? fmtClock(s.finishedMs) : s.etaMs === null ? '—' : fmtDuration(s.etaMs), 'eta', over ? `after ${fmtDuration(s.elapsedMs)}` : s.etaMs === null ? 'after the first task ends' : `elapsed ${fmtDuration(s.elapsedMs)}`),
    stat('Workers', over ? fmtInt(s.workers.length) : `${fmtInt(live)}`, 'workers', over ? 'took part' : `live of ${fmtInt(s.workers.length)} seen`),
  );
}

function renderLegend() {
  const legend = $('legend');
  if (legend.childElementCount) return;
  const item = (cls, label) => h('span', { className: 'legend-item' }, h('span', { className: `swatch ${cls}` }), label);
  legend.replaceChildren(
    item('map committed', 'map'),
    item('reduce committed', 'reduce'),
    item('map running', 'running'),
    item('map failed', 'failed'),
    item('map killed', 'lost / killed'),
    item('map superseded', 'duplicate'),
    item('map committed spec', 'speculative'),
  );
}

/** A "nice" tick step (1, 2, 5 × 10^k seconds) for about `want` ticks over `spanMs`. */
function tickStep(spanMs, want) {
  const raw = spanMs / want;
  const pow = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 5, 10]) if (m * pow >= raw) return m * pow;
  return 10 * pow;
}

function renderTimeline(s) {
  const box = $('timeline');
  const t0 = s.startedMs;
  const t1 = Math.max((s.finishedMs || s.takenMs), t0 + 1000);
  const span = t1 - t0;
  const x = (ms) => `${Math.min(Math.max(((ms - t0) / span) * 100, 0), 100)}%`;
  const byWorker = new Map(s.workers.map((w) => [w.id, []]));
  for (const a of s.attempts) {
    if (!byWorker.has(a.workerId)) byWorker.set(a.workerId, []);
    byWorker.get(a.workerId).push(a);
  }
  const workers = new Map(s.workers.map((w) => [w.id, w]));

  const step = tickStep(span, 8);
  const ticks = [];
  for (let t = 0; t <= span; t += step) {
    ticks.push(h('div', { className: 'tick', style: { left: x(t0 + t) } }, h('span', null, t === 0 ? '0 s' : fmtDuration(t).replace(' 00 s', ''))));
  }
  const gridlines = () => ticks.map((t) => h('div', { className: 'gridline', style: { left: t.style.left } }));

  const rows = [];
  for (const [id, attempts] of byWorker) {
    const w = workers.get(id);
    const bars = attempts.map((a) => {
      const end = a.endedMs ?? t1;
      const kind = a.kind === 'MAP' ? 'map' : 'reduce';
      const widthPct = Math.max(((end - a.startedMs) / span) * 100, 0.25);
      const lines = [
        `${a.taskId} attempt ${a.attempt}${a.speculative ? ' (speculative)' : ''}`,
        `${a.kind === 'MAP' ? 'map' : 'reduce'} · ${OUTCOME_LABEL[a.outcome] || a.outcome}`,
        `${fmtClock(a.startedMs)} → ${a.endedMs ? fmtClock(a.endedMs) : 'now'} (${fmtDuration(end - a.startedMs)})`,
      ];
      if (a.input) lines.push(`input ${a.input}`);
      if (a.error) lines.push(a.error);
      return h('a', {
        href: taskHref(a.taskId),
        className: `tl-bar ${kind} ${a.outcome}${a.speculative ? ' spec' : ''}`,
        style: { left: x(a.startedMs), width: `${Math.min(widthPct, 100)}%` },
        title: lines.join('\n'),
        'data-task': a.taskId,
        'data-outcome': a.outcome,
      }, h('span', { className: 'tl-label' }, `${shortTaskId(a.taskId)}${a.attempt > 1 ? `·${a.attempt}` : ''}`));
    });
    rows.push(h('div', { className: 'tl-row' },
      h('div', { className: 'tl-name', title: w && w.host ? `${w.host} pid ${w.pid}` : '' },
        h('span', { className: `dot ${w ? w.state : 'gone'}` }), id),
      h('div', { className: 'tl-track' }, gridlines(), bars)));
  }
  if (!rows.length) rows.push(h('div', { className: 'empty' }, 'No worker has registered yet.'));
  const axis = h('div', { className: 'tl-row tl-axis' }, h('div', { className: 'tl-name' }), h('div', { className: 'tl-track' }, ticks));
  const now = !TERMINAL.has(s.state) ? h('div', { className: 'tl-now', title: 'now' }) : null;
  box.replaceChildren(h('div', { className: 'tl-body' }, rows, now), axis);
}

function counterRow(name, label, value, kind, attr) {
  const shown = kind === 'bytes' ? fmtBytes(value) : fmtInt(value);
  return h('tr', { [attr]: name },
    h('th', { scope: 'row' }, label),
    h('td', { className: 'num', 'data-value': value, title: kind === 'bytes' ? `${fmtInt(value)} bytes` : undefined }, shown));
}

function renderCounters(s) {
  const c = s.counters || {};
  const known = new Set();
  const group = (title, rows) =>
    h('div', { className: 'counter-group' }, h('h3', null, title), h('table', { className: 'kv' }, h('tbody', null, rows)));
  const groups = BUILTIN.map(([title, items]) =>
    group(title, items.map(([name, label, kind]) => {
      known.add(name);
      return counterRow(name, label, c[name] || 0, kind, 'data-counter');
    })));
  // --skip-bad-records: what was left out, and where each record went (the dead-letter files).
  if (c.skippedRecords) {
    const rows = [['skippedRecords', 'records skipped'], ['skippedWritten', `written to ${LAYOUT.skippedDir}`], ['skippedValues', 'values of skipped keys']];
    const shown = rows.filter(([name]) => name !== 'skippedValues' || c[name]).map(([name, label]) => {
      known.add(name);
      return counterRow(name, label, c[name] || 0, 'n', 'data-counter');
    });
    for (const name of ['skippedRecords', 'skippedWritten', 'skippedValues']) known.add(name);
    const files = (s.skippedKeys || []).length;
    const where = h('p', { className: 'muted small', 'data-skipped-dir': '' },
      `${LAYOUT.skippedDirKey.replace('{jobId}', s.jobId)}${files ? ` (${files} file${files === 1 ? '' : 's'})` : ''}`,
      (c.skippedWritten || 0) < c.skippedRecords ? '; a task reached --max-skipped-records: the rest were counted, not written' : '');
    groups.push(h('div', { className: 'counter-group' }, h('h3', null, 'Skipped'), h('table', { className: 'kv' }, h('tbody', null, shown)), where));
  }
  const extra = Object.keys(c).filter((k) => !known.has(k)).sort();
  if (extra.length) groups.push(group('Other', extra.map((name) => counterRow(name, name, c[name], /bytes/i.test(name) ? 'bytes' : 'n', 'data-counter'))));
  $('counters').replaceChildren(...groups);
}

function renderUserCounters(s) {
  const names = Object.keys(s.userCounters || {}).sort();
  const box = $('user-counters');
  if (!names.length) {
    box.replaceChildren(h('p', { className: 'empty' }, 'None yet. A mapper or reducer adds one with ctx.count(name).'));
    return;
  }
  box.replaceChildren(h('table', { className: 'kv' }, h('tbody', null, names.map((n) => counterRow(n, n, s.userCounters[n], 'n', 'data-user-counter')))));
}

function renderSteps(s) {
  const card = $('steps-card');
  card.hidden = !s.steps;
  if (!s.steps) return;
  $('step-count').textContent = String(s.steps.length);
  const head = h('thead', null, h('tr', null, ['Step', 'State', 'Map tasks', 'Reduce tasks', 'Failed attempts', 'Time', 'Records in', 'Records out'].map((t) => h('th', { scope: 'col' }, t))));
  const rows = s.steps.map((st) => {
    const c = st.counters || {};
    const time = st.startedMs ? fmtDuration((st.finishedMs || s.takenMs) - st.startedMs) : '—';
    return h('tr', { 'data-step': String(st.step) },
      h('td', { className: 'num' }, String(st.step + 1)),
      h('td', null, h('span', { className: `pill small state-${String(st.state).toLowerCase()}` }, st.state.toLowerCase())),
      h('td', { className: 'num' }, st.state === 'PENDING' ? '—' : `${fmtInt(st.maps.done)} / ${fmtInt(st.maps.total)}`),
      h('td', { className: 'num' }, st.reduces.total ? `${fmtInt(st.reduces.done)} / ${fmtInt(st.reduces.total)}` : 'none (map-only)'),
      h('td', { className: 'num' }, fmtInt(st.maps.failed + st.reduces.failed)),
      h('td', { className: 'num' }, time),
      h('td', { className: 'num' }, fmtInt(c.mapInputRecords ?? c.stepInputRecords ?? 0)),
      h('td', { className: 'num' }, fmtInt(c.outputRecords ?? c.stepOutputRecords ?? 0)));
  });
  $('steps').replaceChildren(head, h('tbody', null, rows));
}

function renderWorkers(s) {
  const head = h('thead', null, h('tr', null, ['Worker', 'Host', 'PID', 'State', 'Current task', 'Attempts', 'Last heartbeat'].map((t) => h('th', { scope: 'col' }, t))));
  const counts = new Map();
  for (const a of s.attempts) counts.set(a.workerId, (counts.get(a.workerId) || 0) + 1);
  const rows = s.workers.map((w) =>
    h('tr', { 'data-worker': w.id },
      h('td', { className: 'mono' }, w.id),
      h('td', null, w.host || '—'),
      h('td', { className: 'num' }, w.pid ? String(w.pid) : '—'),
      h('td', null, h('span', { className: `pill small worker-${w.state}` }, w.state)),
      h('td', { className: 'mono' }, w.currentTask ? h('a', { className: 'task-link', href: taskHref(w.currentTask.split('#')[0]) }, w.currentTask) : '—'),
      h('td', { className: 'num' }, fmtInt(counts.get(w.id) || 0)),
      h('td', { title: w.lastHeartbeatMs ? fmtDateTime(w.lastHeartbeatMs) : '' },
        !w.lastHeartbeatMs ? '—' : TERMINAL.has(s.state) ? fmtClock(w.lastHeartbeatMs) : `${fmtDuration(Math.max(s.takenMs - w.lastHeartbeatMs, 0))} ago`)));
  if (!rows.length) rows.push(h('tr', null, h('td', { colspan: 7, className: 'empty' }, 'No worker has registered yet.')));
  $('workers').replaceChildren(head, h('tbody', null, rows));
}

let failuresShown = '';

function renderFailures(s) {
  // Redrawn only when the list changes, so an opened stack stays open between polls.
  const key = JSON.stringify(s.failures);
  if (key === failuresShown) return;
  failuresShown = key;
  const list = $('failures');
  const failed = s.failures.filter((f) => f.outcome === 'failed').length;
  $('failure-count').textContent = s.failures.length ? `${failed} failed · ${s.failures.length - failed} lost` : '';
  if (!s.failures.length) {
    list.replaceChildren(h('p', { className: 'empty' }, 'No attempt has failed.'));
    return;
  }
  // Newest first: while a job runs, the latest trouble matters most.
  const items = [...s.failures].reverse().map((f, i) =>
    h('article', { className: `failure ${f.outcome}`, 'data-task': f.taskId },
      h('header', null,
        h('span', { className: `pill small ${f.outcome === 'failed' ? 'state-failed' : 'worker-lost'}` }, f.outcome === 'failed' ? 'threw' : 'lost'),
        h('a', { className: 'mono strong task-link', href: taskHref(f.taskId) }, `${f.taskId} #${f.attempt}`),
        h('span', { className: 'muted' }, `on ${f.workerId} at ${fmtClock(f.atMs)}`),
        f.input ? h('span', { className: 'muted' }, `input ${f.input}${f.range ? ` bytes ${fmtInt(f.range[0])}–${fmtInt(f.range[1])}` : ''}`) : null),
      h('p', { className: 'failure-message' }, f.message || '(no message)'),
      f.stack ? h('details', { open: i === 0 ? '' : undefined }, h('summary', null, 'stack'), h('pre', { className: 'stack' }, f.stack)) : null));
  list.replaceChildren(...items);
}

// ---------------------------------------------------------------- a task's story

const STORY_OUTCOME_CLASS = {
  committed: 'state-succeeded', failed: 'state-failed', 'timed out': 'state-failed', lost: 'worker-lost',
  'speculative loser': 'worker-idle', superseded: 'worker-idle', killed: 'worker-lost', running: 'worker-busy',
};

function taskHref(taskId) {
  return `#task=${encodeURIComponent(taskId)}`;
}

/** The task named by the address (#task=m-00003; past step 0 of a job of steps, #task=s1-m-00003), or ''. */
function shownTaskId() {
  const m = /^#task=(.*)$/.exec(decodeURIComponent(location.hash));
  return m && TASK_ID.test(m[1]) ? m[1] : '';
}

/** A task id without its index's leading zeros, for a timeline bar: s1-m-00003 is s1-m3. */
function shortTaskId(taskId) {
  const m = TASK_ID.exec(taskId);
  if (!m) return taskId;
  return `${m[1] === undefined ? '' : `s${m[1]}-`}${m[2]}${m[3].replace(/^0+(?=\d)/, '')}`;
}

/** The task whose story the section shows ('' when hidden). */
let storyShown = '';

async function showTaskStory() {
  const id = shownTaskId();
  const box = $('task-story');
  if (!id) {
    box.hidden = true;
    storyShown = '';
    return;
  }
  let story;
  try {
    const res = await fetch(`api/tasks/${id}`, { cache: 'no-store' });
    story = res.status === 404 ? null : res.ok ? await res.json() : undefined;
    if (story === undefined) throw new Error(`HTTP ${res.status}`);
  } catch (err) {
    $('task-story-meta').textContent = `Cannot read the story of task ${id}: ${err.message}`;
    box.hidden = false;
    return;
  }
  if (id !== shownTaskId()) return; // the address moved on meanwhile
  storyShown = id;
  renderTaskStory(id, story);
  box.hidden = false;
}

function renderTaskStory(id, story) {
  $('task-story-id').textContent = id;
  const rows = $('task-story-attempts');
  const errors = $('task-story-errors');
  if (!story) {
    $('task-story-meta').textContent = `This job has no task ${id}.`;
    rows.replaceChildren();
    errors.replaceChildren();
    return;
  }
  const n = story.attempts.length + story.earlierAttempts;
  $('task-story-meta').textContent =
    `${story.kind === 'MAP' ? 'map' : 'reduce'} task · ${story.committed ? 'committed' : 'not committed'} · ${n} attempt${n === 1 ? '' : 's'}` +
    (story.range ? ` · input ${story.input} bytes ${fmtInt(story.range[0])}–${fmtInt(story.range[1])}` : '') +
    (story.earlierAttempts ? ` · the ${story.earlierAttempts} oldest not shown` : '');
  const head = h('thead', null, h('tr', null, ['Attempt', 'Worker', 'Started', 'Ended', 'Took', 'Outcome', 'Counters', 'Error'].map((t) => h('th', { scope: 'col' }, t))));
  const body = story.attempts.map((a) =>
    h('tr', { 'data-attempt': a.attempt, 'data-outcome': a.outcome },
      h('td', { className: 'num' }, `#${a.attempt}`),
      h('td', { className: 'mono' }, a.workerId),
      h('td', null, fmtClock(a.startedMs)),
      h('td', null, a.endedMs ? fmtClock(a.endedMs) : '—'),
      h('td', { className: 'num' }, a.endedMs ? fmtDuration(a.endedMs - a.startedMs) : '—'),
      h('td', null, h('span', { className: `pill small ${STORY_OUTCOME_CLASS[a.outcome] || ''}` }, a.outcome), a.speculative ? h('span', { className: 'muted small' }, ' speculative') : null),
      h('td', { className: 'mono small' }, [...Object.entries(a.counters), ...Object.entries(a.userCounters)].filter(([, v]) => v).map(([k, v]) => `${k} ${fmtInt(v)}`).join(' · ') || '—'),
      h('td', null, a.error || '—')));
  rows.replaceChildren(head, h('tbody', null, body));
  errors.replaceChildren(...story.attempts.filter((a) => a.stack).map((a) =>
    h('details', { 'data-attempt': a.attempt },
      h('summary', null, `stack of attempt #${a.attempt}${a.input ? ` (input ${a.input}, chunk at byte ${fmtInt(a.offset)})` : a.key ? ` (key ${a.key})` : ''}`),
      h('pre', { className: 'stack' }, a.stack))));
}

window.addEventListener('hashchange', () => void showTaskStory());

poll();

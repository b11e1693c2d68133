// A hand-written SVG of the bench's figures: no dependency, readable in any browser.

const W = 460;
const H = 300;
const M = { l: 56, r: 16, t: 34, b: 52 };
const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#17becf'];

const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function niceMax(v) {
  if (!(v > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

/**
 * One panel at (x0, y0): categorical x axis `xs`, series of y values (null = missing) drawn
 * as lines with points, optional error bars [lo, hi] per point, and dashed reference lines.
 */
function panel(x0, y0, { title, xLabel, yLabel, xs, series, refs = [] }) {
  const all = [...series.flatMap((s) => s.values.concat((s.errors ?? []).map((e) => e?.[1]))), ...refs.map((r) => r.y)].filter((v) => v != null && Number.isFinite(v));
  const ymax = niceMax(Math.max(0, ...all) * 1.08);
  const pw = W - M.l - M.r;
  const ph = H - M.t - M.b;
  const inset = 45; // keeps the first and last x labels inside the panel
  const px = (i) => M.l + (xs.length === 1 ? pw / 2 : inset + (i * (pw - 2 * inset)) / (xs.length - 1));
  const py = (v) => M.t + ph - (v / ymax) * ph;
  const out = [`<g transform="translate(${x0},${y0})">`, `<text x="${W / 2}" y="18" text-anchor="middle" font-weight="bold">${esc(title)}</text>`];
  for (let k = 0; k <= 5; k++) {
    const v = (ymax * k) / 5;
    out.push(`<line x1="${M.l}" x2="${W - M.r}" y1="${py(v)}" y2="${py(v)}" stroke="#e5e5e5"/>`);
    out.push(`<text x="${M.l - 6}" y="${py(v) + 4}" text-anchor="end" font-size="11">${+v.toPrecision(3)}</text>`);
  }
  xs.forEach((x, i) => out.push(`<text x="${px(i)}" y="${H - M.b + 16}" text-anchor="middle" font-size="11">${esc(x)}</text>`));
  out.push(`<text x="${M.l + pw / 2}" y="${H - 12}" text-anchor="middle" font-size="12">${esc(xLabel)}</text>`);
  out.push(`<text transform="translate(14,${M.t + ph / 2}) rotate(-90)" text-anchor="middle" font-size="12">${esc(yLabel)}</text>`);
  out.push(`<line x1="${M.l}" x2="${M.l}" y1="${M.t}" y2="${M.t + ph}" stroke="#333"/><line x1="${M.l}" x2="${W - M.r}" y1="${M.t + ph}" y2="${M.t + ph}" stroke="#333"/>`);
  for (const r of refs) {
    out.push(`<line x1="${M.l}" x2="${W - M.r}" y1="${py(r.y)}" y2="${py(r.y)}" stroke="${r.color ?? '#888'}" stroke-dasharray="5,4"/>`);
    out.push(`<text x="${W - M.r - 2}" y="${py(r.y) - 4}" text-anchor="end" font-size="10" fill="${r.color ?? '#666'}">${esc(r.label)}</text>`);
  }
  series.forEach((s, k) => {
    const color = s.color ?? COLORS[k % COLORS.length];
    const pts = s.values.map((v, i) => (v == null || !Number.isFinite(v) ? null : [px(i), py(v)]));
    const path = pts.filter(Boolean).map((p, i) => `${i ? 'L' : 'M'}${p[0].toFixed(1)},${p[1].toFixed(1)}`).join(' ');
    if (path) out.push(`<path d="${path}" fill="none" stroke="${color}" stroke-width="2"${s.dash ? ` stroke-dasharray="${s.dash === true ? '6,3' : s.dash}"` : ''}/>`);
    pts.forEach((p, i) => {
      if (!p) return;
      const e = s.errors?.[i];
      if (e) out.push(`<line x1="${p[0]}" x2="${p[0]}" y1="${py(e[0])}" y2="${py(e[1])}" stroke="${color}"/>`);
      out.push(`<circle cx="${p[0]}" cy="${p[1]}" r="3.5" fill="${color}"/>`);
    });
    out.push(`<rect x="${M.l + 8}" y="${M.t + 4 + k * 15}" width="10" height="10" fill="${color}"/><text x="${M.l + 22}" y="${M.t + 13 + k * 15}" font-size="11">${esc(s.name)}</text>`);
  });
  out.push('</g>');
  return out.join('\n');
}

/** The whole chart: panels laid out two per row. */
export function chartSvg(title, panels) {
  const cols = 2;
  const rows = Math.ceil(panels.length / cols);
  const width = cols * W;
  const height = rows * H + 30;
  const body = panels.map((p, i) => panel((i % cols) * W, 30 + Math.floor(i / cols) * H, p));
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif">
<rect width="100%" height="100%" fill="white"/>
<text x="${width / 2}" y="20" text-anchor="middle" font-size="14">${esc(title)}</text>
${body.join('\n')}
</svg>
`;
}

/** The panels for a bench result (see run.mjs for its shape). */
export function benchPanels(results) {
  const panels = [];
  const wc = results.scenarios.wordcount;
  if (wc?.length) {
    const xs = ['1 worker', '2 workers'];
    const sec = (s) => (s ? s.median / 1000 : null);
    for (const size of wc) {
      const v = size.variants;
      const flat = (id) => [sec(v[id]?.wallMs), sec(v[id]?.wallMs)];
      panels.push({
        title: `word count ${size.label}: wall time`,
        xLabel: 'gomr workers (baselines are single-process)',
        yLabel: 'seconds (median, min-max bars)',
        xs,
        series: [
          { name: 'gomr', values: [sec(v['gomr-w1'].wallMs), sec(v['gomr-w2'].wallMs)], errors: ['gomr-w1', 'gomr-w2'].map((id) => (v[id].wallMs ? [v[id].wallMs.min / 1000, v[id].wallMs.max / 1000] : null)) },
          { name: 'naive script', values: flat('naive'), dash: '10,4' },
          { name: 'tuned Node loop', values: flat('tuned'), dash: '4,3' },
          { name: 'tr | sort | uniq -c', values: flat('tr'), dash: '2,4' },
        ],
      });
    }
    panels.push({
      title: 'word count: gomr time / naive script time',
      xLabel: 'gomr workers',
      yLabel: 'ratio (median of per-rep ratios)',
      xs,
      series: wc.map((size) => ({
        name: size.label,
        values: [size.ratios['gomr-w1/naive']?.median ?? null, size.ratios['gomr-w2/naive']?.median ?? null],
        errors: ['gomr-w1/naive', 'gomr-w2/naive'].map((k) => (size.ratios[k] ? [size.ratios[k].min, size.ratios[k].max] : null)),
      })),
      refs: [
        { y: 1.15, label: 'target, 1 worker: 1.15', color: '#d62728' },
        { y: 0.6, label: 'target, 2 workers: 0.6', color: '#2ca02c' },
      ],
    });
  }
  // gomr / baseline by workers, wall and CPU seconds: the tuned word count and the sort.
  const ratioPanel = (title, r, base, targets) => ({
    title,
    xLabel: 'gomr workers',
    yLabel: 'ratio (median of per-rep ratios)',
    xs: ['1 worker', '2 workers'],
    series: [
      { name: 'wall', values: [1, 2].map((w) => r.ratios[`gomr-w${w}/${base}`]?.median ?? null) },
      { name: 'CPU seconds', values: [1, 2].map((w) => r.ratios[`gomr-w${w}/${base} cpu`]?.median ?? null), dash: '4,3' },
    ],
    refs: targets,
  });
  const tuned = results.scenarios.wordcountTuned;
  if (tuned) {
    panels.push(ratioPanel(`word count, tuned mapper, ${tuned.label}: gomr / tuned loop`, tuned, 'tuned', [
      { y: 1.25, label: 'target, 1 worker: 1.25', color: '#d62728' },
      { y: 0.7, label: 'target, 2 workers: 0.7', color: '#2ca02c' },
    ]));
  }
  for (const r of results.scenarios.sort ?? []) {
    panels.push(ratioPanel(`sort ${r.label}: gomr / LC_ALL=C sort`, r, 'sort', [{ y: 2.5, label: 'target (1 GB, 2 workers): 2.5', color: '#2ca02c' }]));
  }
  const mem = results.scenarios.memory;
  if (mem?.rows?.length) {
    const rows = mem.rows;
    panels.push({
      title: 'peak RSS by input size (2 workers, defaults)',
      xLabel: 'input size',
      yLabel: 'MiB',
      xs: rows.map((r) => r.input),
      series: [
        { name: 'worker (max)', values: rows.map((r) => r.workerPeakMb) },
        { name: 'master', values: rows.map((r) => r.masterPeakMb) },
      ],
      refs: [
        { y: 300, label: 'worker target 300', color: '#1f77b4' },
        { y: 150, label: 'master target 150', color: '#d62728' },
      ],
    });
  }
  const sc = results.scenarios.scaling;
  if (sc?.rows?.length) {
    panels.push({
      title: `scaling on ${sc.machine.host} (${sc.machine.cpus} cpus)`,
      xLabel: 'workers',
      yLabel: 'seconds / efficiency x10',
      xs: sc.rows.map((r) => String(r.workers)),
      series: [
        { name: 'wall s', values: sc.rows.map((r) => r.wallMs.median / 1000) },
        { name: 'efficiency x10', values: sc.rows.map((r) => r.efficiency * 10) },
      ],
      refs: [{ y: 7.5, label: 'efficiency 0.75', color: '#2ca02c' }],
    });
  }
  return panels;
}

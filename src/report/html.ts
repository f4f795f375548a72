import { forHtml } from '../core/escape.js';
import type { MonthSeries } from '../simulate/month-series.js';
import { COLORS } from './colors.js';
import type { HtmlAssets } from './format.js';

/**
 * The shared part of every HTML report: one self-contained page (no network: a Content
 * Security Policy forbids every fetch), tables escaped here, and charts drawn in the page by
 * uPlot from data embedded as JSON. Renderers describe charts as data (ChartSpec); the page's
 * script lays them out. uPlot because the month chart is 43,800 one-minute points and uPlot is
 * a canvas library made for dense time series (~50 KB minified; Chart.js is ~200 KB and slower
 * at that density); its bars and points path builders cover the other charts.
 */

/** HTML text and attribute escaping: core/escape.ts's, one rule for every medium. */
export const esc = forHtml;

interface ChartBase {
  id: string;
  title: string;
  /** A sentence under the chart saying how to read it. */
  note?: string;
}

interface ChartSeries {
  label: string;
  color: string;
}

/** Demand, serving capacity and billed units minute by minute, throttled minutes shaded. */
export interface TimelineChart extends ChartBase {
  kind: 'timeline';
  series: MonthSeries;
  tpsPerUnit: number;
}

/** Bars per category: grouped side by side, or stacked. */
export interface BarsChart extends ChartBase {
  kind: 'bars';
  /** What a category is (the legend's first entry): workload, strategy, condition. */
  categoryLabel: string;
  categories: string[];
  series: Array<ChartSeries & { values: Array<number | null> }>;
  /** A limit per category, drawn as a dashed line across its bars (a budget); null where there is none. */
  limit?: ChartSeries & { values: Array<number | null> };
  stacked?: boolean;
  yLabel: string;
  unit: 'usd' | 'number';
}

/** Points on two numeric axes, one series per group (e.g. per model). */
export interface PointsChart extends ChartBase {
  kind: 'points';
  series: Array<ChartSeries & { points: Array<[number, number]> }>;
  xLabel: string;
  yLabel: string;
}

export type ChartSpec = TimelineChart | BarsChart | PointsChart;

/** Where a chart goes in the page; the script finds it by id. */
export function chartFigure(c: ChartSpec): string {
  return `<figure class="chart"><figcaption>${esc(c.title)}</figcaption><div class="plot" id="${esc(c.id)}"></div>${c.note ? `<p class="note">${esc(c.note)}</p>` : ''}</figure>`;
}

type Align = 'l' | 'r' | 'c';

export interface HtmlCell {
  text: string;
  /** Shown stronger (the answer) or as an alarm. */
  emphasis?: 'answer' | 'alarm' | 'total';
}

export function htmlTable(head: string[], rows: Array<Array<string | HtmlCell>>, align: Align[] = []): string {
  const a = (i: number) => (align[i] === 'r' ? ' class="num"' : align[i] === 'c' ? ' class="mid"' : '');
  const cell = (c: string | HtmlCell, i: number) => {
    const x = typeof c === 'string' ? { text: c } : c;
    const cls = [align[i] === 'r' ? 'num' : align[i] === 'c' ? 'mid' : '', x.emphasis ?? ''].filter(Boolean).join(' ');
    return `<td${cls ? ` class="${cls}"` : ''}>${esc(x.text)}</td>`;
  };
  return `<table><thead><tr>${head.map((h, i) => `<th${a(i)}>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map(cell).join('')}</tr>`)
    .join('')}</tbody></table>`;
}

export function warningList(warnings: Array<{ code?: string; message: string }>): string {
  if (!warnings.length) return '';
  return `<ul class="warnings">${warnings.map((w) => `<li>⚠ ${w.code ? `<b>${esc(w.code)}</b>: ` : ''}${esc(w.message)}</li>`).join('')}</ul>`;
}

/** Embedded JSON must not end its script element: `<` is written as its JSON escape. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}

/** Script text must not contain `</script`; the library is checked, not trusted to stay so. */
function scriptText(js: string): string {
  if (/<\/script/i.test(js)) throw new Error('an inlined script contains </script');
  return js;
}

const PAGE_STYLE = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1b1f24;margin:0;background:#fff}
main{max-width:1100px;margin:0 auto;padding:16px 24px 48px}
h1{font-size:22px;margin:8px 0 4px}h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid #d0d7de;padding-bottom:4px}h3{font-size:15px;margin:20px 0 6px}
.sub{color:#57606a;margin:0 0 12px}
table{border-collapse:collapse;margin:8px 0 12px;font-variant-numeric:tabular-nums}
th,td{border:1px solid #d0d7de;padding:3px 8px;vertical-align:top;text-align:left}th{background:#f6f8fa}
td.num,th.num{text-align:right}td.mid,th.mid{text-align:center}td.answer{font-weight:700}td.alarm{color:#cf222e;font-weight:700}td.total{font-weight:700}
td.how{color:#57606a;font-size:12.5px}
figure.chart{margin:16px 0;padding:8px;border:1px solid #d0d7de;border-radius:6px}
figcaption{font-weight:600;margin-bottom:4px}.note{color:#57606a;font-size:12.5px;margin:4px 0 0}
.warnings{padding-left:18px;color:#9a6700}.verdict{font-size:17px;font-weight:700}
.pass{color:#1a7f37}.warn{color:#9a6700}.fail{color:#cf222e}
`;

/** The page's own script: turns each ChartSpec into a uPlot chart. Plain ES5-style JS, inlined as text. */
const CHART_SCRIPT = String.raw`
(function () {
  'use strict';
  var specs = JSON.parse(document.getElementById('chart-data').textContent);
  var WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
  var MONTH_POINTS = 43800;
  function pad(n) { return (n < 10 ? '0' : '') + n; }
  function hhmm(m) { return pad(Math.floor(m / 60)) + ':' + pad(m % 60); }
  function minuteLabel(s, m) {
    // Every label names the day and where in the month's weeks it falls: a trace by its weekday
    // and date (UTC), a profile by its repetition (week or day) and weekday.
    var w = s.weekOffsetMinutes + m;
    var day = WEEKDAYS[Math.floor((w % 10080) / 1440)];
    if (s.startEpochMs !== undefined) return day + ' ' + new Date(s.startEpochMs + m * 60000).toISOString().slice(5, 16).replace('T', ' ');
    if (s.kind === 'profile-day') return 'day ' + (Math.floor(m / 1440) + 1) + ' ' + hhmm(w % 1440);
    return 'wk ' + (Math.floor(w / 10080) + 1) + ' ' + day + ' ' + hhmm(w % 1440);
  }
  function expandRuns(runs, n, step) {
    var out = new Array(Math.ceil(n / step));
    var i = 0, m = 0;
    for (var r = 0; r < runs.length; r++) {
      var end = m + runs[r][1];
      while (i < out.length && i * step < end) out[i++] = runs[r][0];
      m = end;
    }
    return out;
  }
  function fmt(v, unit) {
    if (v == null) return '—';
    if (unit === 'usd') return '$' + v.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    return v.toLocaleString('en-US', { maximumFractionDigits: 2 });
  }
  function maxOf(arrays) {
    var mx = 0;
    for (var a = 0; a < arrays.length; a++) for (var i = 0; i < arrays[a].length; i++) if (arrays[a][i] != null && arrays[a][i] > mx) mx = arrays[a][i];
    return mx;
  }
  function fromZero(top) { return function () { return [0, top > 0 ? top * 1.08 : 1]; }; }
  var bars = uPlot.paths.bars;

  function timeline(c, el) {
    var s = c.series;
    var step = Math.max(1, Math.ceil(s.minutes / MONTH_POINTS));
    var n = Math.ceil(s.minutes / step);
    var x = new Array(n), demand = new Array(n);
    for (var i = 0; i < n; i++) { x[i] = i * step; demand[i] = s.demandTps[Math.floor((i * step) / s.demandStepMinutes)]; }
    var capacity = expandRuns(s.unitsServing, s.minutes, step).map(function (u) { return u * c.tpsPerUnit; });
    var billed = expandRuns(s.unitsBilled, s.minutes, step);
    var stepped = uPlot.paths.stepped({ align: 1 });
    var shade = function (u) {
      var ctx = u.ctx;
      ctx.save();
      ctx.fillStyle = ${JSON.stringify(COLORS.throttled)};
      for (var k = 0; k < s.throttledMinutes.length; k++) {
        var r = s.throttledMinutes[k];
        var x0 = u.valToPos(r[0], 'x', true), x1 = u.valToPos(r[0] + r[1], 'x', true);
        if (x1 < u.bbox.left || x0 > u.bbox.left + u.bbox.width) continue;
        x0 = Math.max(x0, u.bbox.left); x1 = Math.min(x1, u.bbox.left + u.bbox.width);
        ctx.fillRect(x0, u.bbox.top, Math.max(1, x1 - x0), u.bbox.height);
      }
      ctx.restore();
    };
    return {
      opts: {
        scales: { x: { time: false }, tps: { range: fromZero(maxOf([demand, capacity])) }, units: { range: fromZero(maxOf([billed]) * 1.4) } },
        series: [
          { label: 'time', value: function (u, v) { return v == null ? '—' : minuteLabel(s, v); } },
          { label: 'demand TPS', scale: 'tps', stroke: ${JSON.stringify(COLORS.demand)}, width: 1.5, value: function (u, v) { return fmt(v); } },
          { label: 'serving capacity TPS', scale: 'tps', stroke: ${JSON.stringify(COLORS.capacity)}, width: 2, paths: stepped, value: function (u, v) { return fmt(v); } },
          { label: 'units billed', scale: 'units', stroke: ${JSON.stringify(COLORS.units)}, width: 1.5, dash: [6, 3], paths: stepped }
        ],
        axes: [
          { space: 110, incrs: [60, 120, 180, 360, 720, 1440, 2880, 10080, 20160, 40320], values: function (u, splits) { return splits.map(function (v) { return minuteLabel(s, v); }); } },
          { scale: 'tps', label: 'TPS' },
          { scale: 'units', side: 1, label: 'units', grid: { show: false } }
        ],
        hooks: { drawClear: [shade] }
      },
      data: [x, demand, capacity, billed]
    };
  }

  function barChart(c, width) {
    var k = c.series.length, nc = c.categories.length;
    var x = [], data = [], centers = [], uSeries = [{ label: '' }];
    var valueOf = function (raw) { return function (u, v, si, i) { return i == null ? '—' : fmt(raw[i], c.unit); }; };
    var size = nc > 12 ? 1 : 0.8;
    if (c.stacked) {
      for (var i = 0; i < nc; i++) { x.push(i); centers.push(i); }
      var cum = [], acc = new Array(nc).fill(0);
      c.series.forEach(function (s) { acc = acc.map(function (a, i) { return a + (s.values[i] || 0); }); cum.push(acc.slice()); });
      // Drawn tallest first, each from 0, so every band shows above the one before: a stack.
      for (var j = k - 1; j >= 0; j--) {
        var raw = c.series[j].values.map(function (v) { return v == null ? null : v; });
        data.push(cum[j]);
        uSeries.push({ label: c.series[j].label, stroke: c.series[j].color, fill: c.series[j].color, paths: bars({ size: [size * 0.75, 80] }), points: { show: false }, value: valueOf(raw) });
      }
    } else {
      var slot = k + 1;
      for (var p = 0; p < nc * slot - 1; p++) x.push(p);
      for (var ci = 0; ci < nc; ci++) centers.push(ci * slot + (k - 1) / 2);
      c.series.forEach(function (s, j) {
        var col = x.map(function () { return null; });
        var raw = x.map(function () { return null; });
        s.values.forEach(function (v, ci) { col[ci * slot + j] = v; raw[ci * slot + j] = v; });
        data.push(col);
        uSeries.push({ label: s.label, stroke: s.color, fill: s.color, paths: bars({ size: [size, 80] }), points: { show: false }, value: valueOf(raw) });
      });
    }
    var longest = Math.max.apply(null, c.categories.map(function (t) { return t.length; }));
    var rotate = longest * 7 > width / nc;
    var lo = c.stacked ? -0.6 : -0.7, hi = c.stacked ? nc - 0.4 : nc * slot - 1.3;
    var category = function (v) { return c.categories[c.stacked ? Math.round(v) : Math.floor(v / slot)]; };
    uSeries[0] = { label: c.categoryLabel, value: function (u, v) { return v == null ? '—' : category(v); } };
    var limit = c.limit;
    var halfWidth = c.stacked ? size * 0.4 : (k * size) / 2 + 0.2;
    // Each category's limit as a dashed line across its bars, labelled in the legend's colour.
    var drawLimits = function (u) {
      if (!limit) return;
      var ctx = u.ctx;
      ctx.save();
      ctx.strokeStyle = limit.color;
      ctx.lineWidth = 2 * devicePixelRatio;
      ctx.setLineDash([6 * devicePixelRatio, 4 * devicePixelRatio]);
      limit.values.forEach(function (v, i) {
        if (v == null) return;
        var y = u.valToPos(v, 'y', true);
        ctx.beginPath();
        ctx.moveTo(u.valToPos(centers[i] - halfWidth, 'x', true), y);
        ctx.lineTo(u.valToPos(centers[i] + halfWidth, 'x', true), y);
        ctx.stroke();
      });
      ctx.restore();
    };
    var top = maxOf(limit ? data.concat([limit.values]) : data);
    return {
      opts: {
        scales: { x: { time: false, range: function () { return [lo, hi]; } }, y: { range: fromZero(top) } },
        series: uSeries,
        hooks: { draw: [drawLimits] },
        cursor: { points: { show: false } },
        axes: [
          { splits: function () { return centers; }, values: function (u, splits) { return splits.map(function (v, i) { return c.categories[i]; }); }, rotate: rotate ? -25 : 0, size: rotate ? Math.min(170, 20 + longest * 3.5) : 40, grid: { show: false } },
          { label: c.yLabel, size: 80, values: function (u, splits) { return splits.map(function (v) { return c.unit === 'usd' ? '$' + v.toLocaleString('en-US', { maximumFractionDigits: 0 }) : fmt(v); }); } }
        ]
      },
      data: [x].concat(data)
    };
  }

  function pointChart(c) {
    var all = [];
    c.series.forEach(function (s, j) { s.points.forEach(function (p) { all.push([p[0], j, p[1]]); }); });
    all.sort(function (a, b) { return a[0] - b[0]; });
    var x = all.map(function (a) { return a[0]; });
    var data = c.series.map(function (s, j) { return all.map(function (a) { return a[1] === j ? a[2] : null; }); });
    return {
      opts: {
        scales: { x: { time: false, range: fromZero(maxOf([x])) }, y: { range: fromZero(maxOf(data)) } },
        series: [{ label: c.xLabel, value: function (u, v) { return fmt(v); } }].concat(c.series.map(function (s) {
          return { label: s.label, stroke: s.color, paths: function () { return null; }, points: { show: true, size: 9, width: 1, stroke: s.color, fill: s.color, space: 0 }, value: function (u, v) { return fmt(v); } };
        })),
        axes: [{ label: c.xLabel }, { label: c.yLabel }]
      },
      data: [x].concat(data)
    };
  }

  specs.forEach(function (c) {
    var el = document.getElementById(c.id);
    var made = c.kind === 'timeline' ? timeline(c, el) : c.kind === 'bars' ? barChart(c, el.clientWidth) : pointChart(c);
    made.opts.width = Math.max(320, el.clientWidth);
    made.opts.height = c.kind === 'timeline' ? 340 : 300;
    new uPlot(made.opts, made.data, el);
  });
})();
`;

export interface HtmlPage {
  title: string;
  subtitle?: string;
  /** Sections of trusted markup built with the helpers above (every user string escaped). */
  body: string[];
  charts: ChartSpec[];
}

/** The whole document: styles, body, chart data, uPlot and the chart script, all inline. */
export function htmlDocument(page: HtmlPage, assets: HtmlAssets | undefined): string {
  if (!assets) throw new Error('html format rendered without its chart assets');
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    // Nothing leaves the file: no fetch, image, font or frame from anywhere; the inline script and styles only.
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${esc(page.title)}</title>`,
    `<style>${assets.chartStyle}${PAGE_STYLE}</style>`,
    '</head><body><main>',
    `<h1>${esc(page.title)}</h1>`,
    page.subtitle ? `<p class="sub">${esc(page.subtitle)}</p>` : '',
    ...page.body,
    '</main>',
    `<script type="application/json" id="chart-data">${scriptJson(page.charts)}</script>`,
    `<script>${scriptText(assets.chartScript)}</script>`,
    `<script>${scriptText(CHART_SCRIPT)}</script>`,
    '</body></html>',
    '',
  ].join('\n');
}

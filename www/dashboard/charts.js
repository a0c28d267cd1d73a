// Chart.js (the vendored UMD build, `window.Chart`): defaults, the error-bar and
// importance-performance plugins, and one chart per canvas.
import { $, clear, el } from './dom.js';

const LIGHT = {
  ink: '#17202e', ink2: '#3d4757', muted: '#5a6475', grid: '#e6e9ef', axis: '#9aa3b2', card: '#ffffff',
  accent: '#2f4fb5', accentSoft: 'rgba(47, 79, 181, 0.16)', accentLine: 'rgba(47, 79, 181, 0.55)',
  fix: '#c2410c', fixZone: 'rgba(194, 65, 12, 0.06)', good: '#0b7a70', low: '#bcc3ce', lowSoft: 'rgba(188, 195, 206, 0.45)',
  expect: '#9aa7bd', passive: '#a3acba',
  series: ['#2f4fb5', '#0b7a70', '#7c4dce', '#0e7490', '#64748b', '#a16207'],
};
// The dark scheme's colours (dashboard.css has the page's): marks stay ≥ 3:1 on the card.
const DARK = {
  ink: '#e8edf5', ink2: '#c9d1de', muted: '#a7b1c2', grid: '#2a3546', axis: '#55637a', card: '#182130',
  accent: '#9db3ff', accentSoft: 'rgba(157, 179, 255, 0.22)', accentLine: 'rgba(157, 179, 255, 0.7)',
  fix: '#ff9e70', fixZone: 'rgba(255, 158, 112, 0.1)', good: '#6fd8c9', low: '#5b6778', lowSoft: 'rgba(91, 103, 120, 0.5)',
  expect: '#7d8aa3', passive: '#8792a5',
  series: ['#9db3ff', '#6fd8c9', '#c4a5f5', '#67cde6', '#b3bfd1', '#e8c46a'],
};
const darkScheme = window.matchMedia ? window.matchMedia('(prefers-color-scheme: dark)') : null;
/** The chart colours of the scheme in use (updated by `setupChartDefaults`). */
export const C = { ...LIGHT };
/** Colours for the trend's series, in order. */
export const SERIES = [...LIGHT.series];
// The chart of each canvas id, destroyed before the canvas gets another.
const charts = {};

const reducedMotion = window.matchMedia && window.matchMedia('(prefers-reduced-motion: reduce)').matches;

/** Chart.js defaults in the colours of the scheme in use; call again when the scheme changes. */
/** Calls `f` when the colour scheme changes. */
export const onSchemeChange = (f) => darkScheme && darkScheme.addEventListener('change', f);

export function setupChartDefaults() {
  Object.assign(C, darkScheme && darkScheme.matches ? DARK : LIGHT);
  SERIES.splice(0, SERIES.length, ...C.series);
  const d = window.Chart.defaults;
  d.font.family = getComputedStyle(document.body).fontFamily;
  d.font.size = 12;
  d.color = C.ink2;
  d.borderColor = C.grid;
  d.maintainAspectRatio = false;
  d.animation = reducedMotion ? false : { duration: 350 };
  d.plugins.legend.labels.boxWidth = 12;
  d.plugins.legend.labels.boxHeight = 12;
  d.plugins.tooltip.backgroundColor = C.ink;
  d.plugins.tooltip.titleColor = C.card;
  d.plugins.tooltip.bodyColor = C.card;
  d.plugins.tooltip.padding = 10;
  d.plugins.tooltip.cornerRadius = 8;
}

// Whiskers of the 95% intervals: `dataset.errorBars[i]` = [lo, hi] or null.
export const errorBars = {
  id: 'errorBars',
  afterDatasetsDraw(chart) {
    const ctx = chart.ctx;
    const horizontal = chart.options.indexAxis === 'y';
    chart.data.datasets.forEach((ds, i) => {
      const meta = chart.getDatasetMeta(i);
      if (!ds.errorBars || meta.hidden) return;
      const scale = horizontal ? chart.scales.x : chart.scales.y;
      meta.data.forEach((elem, j) => {
        const range = ds.errorBars[j];
        if (!range || !Number.isFinite(range[0]) || !Number.isFinite(range[1])) return;
        const a = scale.getPixelForValue(range[0]);
        const b = scale.getPixelForValue(range[1]);
        const c = horizontal ? elem.y : elem.x;
        const cap = 5;
        ctx.save();
        ctx.strokeStyle = ds.errorBarColor || C.ink;
        ctx.lineWidth = 1.5;
        ctx.beginPath();
        if (horizontal) {
          ctx.moveTo(a, c); ctx.lineTo(b, c);
          ctx.moveTo(a, c - cap); ctx.lineTo(a, c + cap);
          ctx.moveTo(b, c - cap); ctx.lineTo(b, c + cap);
        } else {
          ctx.moveTo(c, a); ctx.lineTo(c, b);
          ctx.moveTo(c - cap, a); ctx.lineTo(c + cap, a);
          ctx.moveTo(c - cap, b); ctx.lineTo(c + cap, b);
        }
        ctx.stroke();
        ctx.restore();
      });
    });
  },
};

// The importance-performance grid: crosshairs, quadrant names, point labels.
export const ipaGrid = {
  id: 'ipaGrid',
  beforeDatasetsDraw(chart, args, opts) {
    const { ctx, chartArea: area, scales } = chart;
    const x = scales.x.getPixelForValue(opts.cx);
    const y = scales.y.getPixelForValue(opts.cy);
    ctx.save();
    ctx.fillStyle = C.fixZone;
    ctx.fillRect(area.left, area.top, x - area.left, y - area.top);
    ctx.strokeStyle = C.axis;
    ctx.setLineDash([5, 4]);
    ctx.lineWidth = 1;
    ctx.beginPath();
    ctx.moveTo(x, area.top); ctx.lineTo(x, area.bottom);
    ctx.moveTo(area.left, y); ctx.lineTo(area.right, y);
    ctx.stroke();
    ctx.setLineDash([]);
    ctx.font = '600 11.5px ' + window.Chart.defaults.font.family;
    const pad = 8;
    const room = (area.right - area.left) / 2 - 2 * pad;
    // A quadrant name wider than half the plot wraps onto more lines.
    const lines = (text) => {
      if (ctx.measureText(text).width <= room) return [text];
      const words = text.split(' ');
      if (words.length < 2) return [text];
      const out = [];
      let cur = '';
      for (const w of words) {
        const next = cur ? cur + ' ' + w : w;
        if (cur && ctx.measureText(next).width > room) { out.push(cur); cur = w; } else cur = next;
      }
      out.push(cur);
      return out;
    };
    chart.$quadrantBoxes = [];
    const put = (text, px, top, align, color) => {
      ctx.fillStyle = color;
      ctx.textAlign = align;
      ctx.textBaseline = 'top';
      const ls = lines(text);
      const y0 = top ? area.top + pad : area.bottom - pad - ls.length * 14;
      ls.forEach((l, i) => {
        ctx.fillText(l, px, y0 + i * 14);
        const w = ctx.measureText(l).width;
        const x0 = align === 'left' ? px : px - w;
        chart.$quadrantBoxes.push({ x0, x1: x0 + w, y0: y0 + i * 14, y1: y0 + i * 14 + 14 });
      });
    };
    put(opts.q.A, area.left + pad, true, 'left', C.fix);
    put(opts.q.B, area.right - pad, true, 'right', C.muted);
    put(opts.q.C, area.left + pad, false, 'left', C.muted);
    put(opts.q.D, area.right - pad, false, 'right', C.muted);
    ctx.restore();
  },
  afterDatasetsDraw(chart, args, opts) {
    const ctx = chart.ctx;
    const area = chart.chartArea;
    const meta = chart.getDatasetMeta(0);
    const boxes = meta.data.map((pt) => ({ x0: pt.x - 9, x1: pt.x + 9, y0: pt.y - 9, y1: pt.y + 9 })).concat(chart.$quadrantBoxes || []);
    const hit = (b) => boxes.some((o) => b.x0 < o.x1 && b.x1 > o.x0 && b.y0 < o.y1 && b.y1 > o.y0);
    ctx.save();
    ctx.textBaseline = 'middle';
    meta.data.forEach((pt, i) => {
      const weakest = opts.weakest[i];
      ctx.font = (weakest ? '700 13px ' : '500 12px ') + window.Chart.defaults.font.family;
      ctx.fillStyle = weakest ? C.fix : C.ink;
      const w = ctx.measureText(opts.labels[i]).width;
      const h = 16;
      // Right, left, above, below the point: the first place that overlaps nothing drawn yet.
      const places = [
        { x: pt.x + 12, y: pt.y }, { x: pt.x - 12 - w, y: pt.y },
        { x: pt.x - w / 2, y: pt.y - 17 }, { x: pt.x - w / 2, y: pt.y + 17 },
      ].map((p) => ({ x: Math.min(Math.max(p.x, area.left + 2), area.right - w - 2), y: p.y }));
      const box = (p) => ({ x0: p.x, x1: p.x + w, y0: p.y - h / 2, y1: p.y + h / 2 });
      const place = places.find((p) => !hit(box(p))) || places[0];
      boxes.push(box(place));
      ctx.textAlign = 'left';
      ctx.fillText(opts.labels[i], place.x, place.y);
    });
    ctx.restore();
  },
};

export function makeChart(id, config, alt) {
  if (charts[id]) charts[id].destroy();
  const canvas = $(id);
  canvas.setAttribute('aria-label', alt);
  clear(canvas).appendChild(el('p', null, alt));
  charts[id] = new window.Chart(canvas, config);
}
export function destroyChart(id) {
  if (charts[id]) {
    charts[id].destroy();
    delete charts[id];
  }
}

/** Destroys every chart (the page shows no report). */
export function destroyAll() {
  Object.keys(charts).forEach(destroyChart);
}

export const valueAxis = (extra) => Object.assign({ grid: { color: C.grid }, border: { display: false }, ticks: { color: C.muted } }, extra);
export const indexAxis = (extra) => Object.assign({ grid: { display: false }, border: { color: C.axis }, ticks: { color: C.ink2 } }, extra);

// The report drawn: the callout, the key figures, the comparison and segments (change.js), each
// chart with its data table, alpha, comments (comments.js) and items. Names and the scale come from the report itself.
import { C, SERIES, destroyAll, destroyChart, errorBars, indexAxis, ipaGrid, makeChart, valueAxis } from './charts.js';
import {
  ALPHA_BAR, ALPHA_INDICATIVE, HEAD, LOW_N, OFTEN_NA, dimCodes, histogram, ipaSourceOf, isLow, scaleOf, state,
} from './data.js';
import { $, badge, clear, el } from './dom.js';
import { ci, day, int, num, pct, signed, tickDigits } from './format.js';
import { dimHint, dimName, lang, setLabels, t, tn } from './i18n.js';
import { lowBadge, table } from './tables.js';
import { renderCompare, renderSegments } from './change.js';
import { renderCommentFilters, renderComments } from './comments.js';

export { renderComments };

export function applyStatic() {
  document.documentElement.lang = lang() === 'zh' ? 'zh-CN' : 'en';
  document.title = t('doc.title');
  document.querySelectorAll('[data-i18n]').forEach((n) => { n.textContent = t(n.dataset.i18n); });
  document.querySelectorAll('[data-i18n-aria]').forEach((n) => n.setAttribute('aria-label', t(n.dataset.i18nAria)));
  document.querySelectorAll('.lang-btn').forEach((b) => b.setAttribute('aria-pressed', String(b.dataset.lang === lang())));
}

/** Draws `state.report` (with its distributions and comments) in the language shown. */
export function render() {
  const r = state.report;
  applyStatic();
  if (!r) return;
  setLabels(r.labels);
  $('content').hidden = false;
  if (!r.responses) {
    destroyAll();
    $('content').hidden = true;
    $('status').textContent = '';
    $('error').textContent = t('empty');
    $('error').hidden = false;
    return;
  }
  $('error').hidden = !state.extraError;
  if (state.extraError) $('error').textContent = t('err.comments', { message: state.extraError });
  renderHeadline(r);
  renderKpis(r);
  renderCompare(r);
  renderSegments(r);
  renderDims(r);
  renderGapZone(r);
  renderIpa(r);
  renderNps(r);
  renderCsat(r);
  renderVolume(r);
  renderTrend(r);
  renderAlpha(r);
  renderCommentFilters(r);
  renderComments();
  renderItems(r);
}

function quadrantOf(r, code) {
  const ipa = r.ipa;
  if (!ipa) return null;
  const src = ipaSourceOf(r);
  const q = src && ipa[src] && ipa[src].quadrant && ipa[src].quadrant[code];
  return q ? t('q.' + q) : null;
}

export function renderHeadline(r) {
  const head = HEAD[r.format] || 'p';
  const card = $('fix-first');
  const code = r.weakest;
  const dim = code && r.dimensions[code];
  const s = dim && dim[head];
  const flag = $('fix-flag');
  card.dataset.dimension = code || '';
  const title = clear($('fix-title'));
  if (!s) {
    card.classList.add('none');
    title.textContent = t('fix.none');
    $('fix-detail').textContent = t('fix.none.detail');
    $('fix-covers').hidden = true;
    flag.hidden = true;
    return;
  }
  card.classList.remove('none');
  const [, max] = scaleOf(r);
  const v = head === 'p' ? num(s.mean) : signed(s.mean);
  title.appendChild(el('span', 'fix-name', t('fix.title', { name: dimName(code) })));
  title.appendChild(document.createTextNode(' '));
  title.appendChild(el('span', 'fix-stat', '(' + t('fix.stat.' + head, { v, n: int(s.n), max }) + ')'));
  const lo = s.ci95 ? (head === 'p' ? num(s.ci95[0]) : signed(s.ci95[0])) : '—';
  const hi = s.ci95 ? (head === 'p' ? num(s.ci95[1]) : signed(s.ci95[1])) : '—';
  let detail = t('fix.why.' + head, { k: dimCodes(r).length, lo, hi });
  const q = quadrantOf(r, code);
  if (q) detail += ' ' + t('fix.quadrant', { q });
  $('fix-detail').textContent = detail;
  const hint = dimHint(code);
  $('fix-covers').hidden = !hint;
  $('fix-covers').textContent = hint ? t('fix.covers', { hint }) : '';
  flag.hidden = !isLow(s.n);
  flag.textContent = tn('fix.low', s.n);
}

function kpi(id, label, value, unit, sub, n) {
  const li = clear($(id));
  li.classList.toggle('low-n', n !== null && isLow(n));
  const top = el('p', 'kpi-label', label);
  if (isLow(n) && n !== null) top.appendChild(lowBadge());
  li.appendChild(top);
  const v = el('p', 'kpi-value', value);
  if (unit) v.appendChild(el('span', 'kpi-unit', unit));
  li.appendChild(v);
  li.appendChild(el('p', 'kpi-sub', sub));
}

function renderKpis(r) {
  const trend = r.trend || [];
  const period = trend.length ? t('kpi.period', { from: day(trend[0].week, true), to: day(trend[trend.length - 1].week, true) }) : '';
  // Responses whose client scores differed from the collector's (stored with a flag).
  const flagged = r.scores_mismatch ? t('kpi.flagged', { n: int(r.scores_mismatch) }) : '';
  kpi('kpi-responses', t('kpi.responses'), int(r.responses), '', [period, flagged].filter(Boolean).join(' · '), r.responses);
  const head = HEAD[r.format] || 'p';
  const o = (r.overall || {})[head] || {};
  const [, max] = scaleOf(r);
  const f = head === 'p' ? num : signed;
  kpi('kpi-overall', t('kpi.overall.' + head), f(o.mean), head === 'p' ? ' ' + t('kpi.of', { max }) : '',
    t('kpi.ci', { lo: o.ci95 ? f(o.ci95[0]) : '—', hi: o.ci95 ? f(o.ci95[1]) : '—', n: int(o.n) }), o.n || 0);
  const nps = r.nps || {};
  if (nps.n) {
    const lo = nps.ci95 ? nps.ci95[0] : null;
    const hi = nps.ci95 ? nps.ci95[1] : null;
    kpi('kpi-nps', t('kpi.nps'), signed(nps.score, 0), '', t('kpi.ci', { lo: signed(lo, 0), hi: signed(hi, 0), n: int(nps.n) }), nps.n);
  } else {
    kpi('kpi-nps', t('kpi.nps'), '—', '', t('kpi.none'), null);
  }
  const cs = r.csat || {};
  if (cs.n) {
    kpi('kpi-csat', t('kpi.csat'), pct(cs.top2), '', t('kpi.csat.sub', { mean: num(cs.mean), n: int(cs.n) }), cs.n);
  } else {
    kpi('kpi-csat', t('kpi.csat'), '—', '', t('kpi.none'), null);
  }
}

function renderDims(r) {
  const codes = dimCodes(r);
  const [min, max] = scaleOf(r);
  const gap = r.format === 'gap';
  const ps = codes.map((c) => r.dimensions[c].p || {});
  const es = codes.map((c) => r.dimensions[c].e || {});
  const colors = codes.map((c, i) => (isLow(ps[i].n) ? C.low : (!gap && c === r.weakest ? C.fix : C.accent)));
  const datasets = [{
    label: t('series.p'), data: ps.map((s) => s.mean), errorBars: ps.map((s) => s.ci95),
    backgroundColor: colors, borderRadius: 4, barPercentage: 0.7, categoryPercentage: gap ? 0.8 : 0.7,
  }];
  if (gap) {
    datasets.push({
      label: t('series.e'), data: es.map((s) => s.mean), errorBars: es.map((s) => s.ci95),
      backgroundColor: es.map((s) => (isLow(s.n) ? C.low : C.expect)), borderRadius: 4, barPercentage: 0.7, categoryPercentage: 0.8,
    });
  }
  $('dims-sub').textContent = t('dims.sub', { kind: t('kind.p'), min, max });
  $('dims-note').textContent = t('dims.note');
  let low = null;
  codes.forEach((c, i) => { if (ps[i].mean !== null && (low === null || ps[i].mean < ps[low].mean)) low = i; });
  const alt = t('alt.dims', {
    kind: t('kind.p'), min, max,
    list: codes.map((c, i) => dimName(c) + ' ' + num(ps[i].mean)).join(', '),
    low: low === null ? '—' : dimName(codes[low]),
  });
  makeChart('chart-dims', {
    type: 'bar',
    data: { labels: codes.map(dimName), datasets },
    options: {
      indexAxis: 'y',
      scales: { x: valueAxis({ min, max, ticks: { stepSize: 1, color: C.muted } }), y: indexAxis() },
      plugins: {
        legend: { display: gap, position: 'bottom' },
        tooltip: { callbacks: { label: (ctx) => ctx.dataset.label + ': ' + num(ctx.parsed.x) + '  [' + ci((gap && ctx.datasetIndex === 1 ? es : ps)[ctx.dataIndex]) + ']  n ' + int((gap && ctx.datasetIndex === 1 ? es : ps)[ctx.dataIndex].n) } },
      },
    },
    plugins: [errorBars],
  }, alt);
  const cols = [{ label: t('th.dimension') }, { label: t('th.n'), num: true }, { label: t('series.p') + ' · ' + t('th.mean'), num: true }, { label: t('th.ci'), num: true }];
  if (gap) cols.push({ label: t('th.n'), num: true }, { label: t('series.e') + ' · ' + t('th.mean'), num: true }, { label: t('th.ci'), num: true });
  table('table-dims', t('cap.dims'), cols, codes.map((c, i) => {
    const cells = [{ text: dimName(c), badges: isLow(ps[i].n) ? [lowBadge()] : [] }, int(ps[i].n), num(ps[i].mean), ci(ps[i])];
    if (gap) cells.push(int(es[i].n), num(es[i].mean), ci(es[i]));
    return { cells, cls: [c === r.weakest ? 'is-weakest' : '', isLow(ps[i].n) ? 'low-n' : ''].join(' ').trim() };
  }));
}

function renderGapZone(r) {
  const card = $('card-gapzone');
  // Without the gap/zone card the half-width cards are odd in number: widen the weekly volume.
  $('card-volume').classList.toggle('card-wide', r.format !== 'gap' && r.format !== 'zone');
  const codes = dimCodes(r);
  if (r.format === 'gap') {
    card.hidden = false;
    $('gapzone-title').textContent = t('gap.title');
    $('gapzone-sub').textContent = t('gap.sub');
    $('gapzone-note').textContent = t('gap.note');
    const gs = codes.map((c) => r.dimensions[c].gap || {});
    const lows = gs.map((s) => (s.ci95 ? s.ci95[0] : s.mean)).filter(Number.isFinite);
    const highs = gs.map((s) => (s.ci95 ? s.ci95[1] : s.mean)).filter(Number.isFinite);
    const lo = Math.min(0, Math.floor(Math.min(...lows) * 2) / 2);
    const hi = Math.max(0, Math.ceil(Math.max(...highs) * 2) / 2);
    makeChart('chart-gapzone', {
      type: 'bar',
      data: {
        labels: codes.map(dimName),
        datasets: [{
          label: t('series.gap'), data: gs.map((s) => s.mean), errorBars: gs.map((s) => s.ci95),
          backgroundColor: codes.map((c, i) => (isLow(gs[i].n) ? C.low : c === r.weakest ? C.fix : C.accent)),
          borderRadius: 4, barPercentage: 0.7, categoryPercentage: 0.7,
        }],
      },
      options: {
        indexAxis: 'y',
        scales: {
          x: valueAxis({ min: lo, max: hi, grid: { color: (ctx) => (ctx.tick && ctx.tick.value === 0 ? C.ink : C.grid) }, ticks: { color: C.muted, callback: (v, i, ticks) => signed(v, tickDigits(ticks)) } }),
          y: indexAxis(),
        },
        plugins: { legend: { display: false }, tooltip: { callbacks: { label: (ctx) => signed(ctx.parsed.x) + '  [' + ci(gs[ctx.dataIndex], signed) + ']  n ' + int(gs[ctx.dataIndex].n) } } },
      },
      plugins: [errorBars],
    }, t('alt.gap', { list: codes.map((c, i) => dimName(c) + ' ' + signed(gs[i].mean)).join(', '), low: r.weakest ? dimName(r.weakest) : '—' }));
    table('table-gapzone', t('cap.gap'), [{ label: t('th.dimension') }, { label: t('th.n'), num: true }, { label: t('series.gap'), num: true }, { label: t('th.ci'), num: true }],
      codes.map((c, i) => ({
        cells: [{ text: dimName(c), badges: (c === r.weakest ? [badge(t('fix.eyebrow'), 'fix')] : []).concat(isLow(gs[i].n) ? [lowBadge()] : []) }, int(gs[i].n), signed(gs[i].mean), ci(gs[i], signed)],
        cls: [c === r.weakest ? 'is-weakest' : '', isLow(gs[i].n) ? 'low-n' : ''].join(' ').trim(),
      })));
  } else if (r.format === 'zone') {
    card.hidden = false;
    $('gapzone-title').textContent = t('zone.title');
    $('gapzone-sub').textContent = t('zone.sub');
    $('gapzone-note').textContent = t('zone.note');
    const get = (c, k) => (r.dimensions[c][k] || {});
    const pos = (c) => {
      const p = get(c, 'p').mean, lo = get(c, 'min').mean, hi = get(c, 'des').mean;
      if (![p, lo, hi].every(Number.isFinite)) return null;
      return p < lo ? 'below' : p > hi ? 'above' : 'within';
    };
    const dotColor = codes.map((c) => (isLow(get(c, 'p').n) ? C.muted : pos(c) === 'below' ? C.fix : pos(c) === 'above' ? C.good : C.ink));
    makeChart('chart-gapzone', {
      type: 'bar',
      data: {
        labels: codes.map(dimName),
        datasets: [
          {
            type: 'line', label: t('series.perceived'), data: codes.map((c) => get(c, 'p').mean), showLine: false,
            errorBars: codes.map((c) => get(c, 'p').ci95), errorBarColor: C.ink,
            pointRadius: 7, pointHoverRadius: 8, pointStyle: 'circle', pointBackgroundColor: dotColor, pointBorderColor: C.card, pointBorderWidth: 2,
            backgroundColor: C.ink, borderColor: C.ink, order: 0,
          },
          {
            label: t('series.band'), data: codes.map((c) => [get(c, 'min').mean, get(c, 'des').mean]),
            backgroundColor: codes.map((c) => (isLow(get(c, 'p').n) ? C.lowSoft : C.accentSoft)),
            borderColor: codes.map((c) => (isLow(get(c, 'p').n) ? C.low : C.accentLine)), borderWidth: 1.5, borderSkipped: false,
            borderRadius: 6, barPercentage: 0.75, categoryPercentage: 0.75, order: 1,
          },
        ],
      },
      options: {
        indexAxis: 'y',
        scales: { x: valueAxis({ min: scaleOf(r)[0], max: scaleOf(r)[1], ticks: { stepSize: 1, color: C.muted } }), y: indexAxis() },
        plugins: {
          legend: { position: 'bottom' },
          tooltip: {
            callbacks: {
              label: (ctx) => {
                const c = codes[ctx.dataIndex];
                return ctx.dataset.type === 'line'
                  ? t('series.perceived') + ': ' + num(get(c, 'p').mean) + '  [' + ci(get(c, 'p')) + ']'
                  : t('th.min') + ' ' + num(get(c, 'min').mean) + ' – ' + t('th.des') + ' ' + num(get(c, 'des').mean);
              },
            },
          },
        },
      },
      plugins: [errorBars],
    }, t('alt.zone', {
      list: codes.map((c) => t('alt.zone.item', {
        name: dimName(c), min: num(get(c, 'min').mean), des: num(get(c, 'des').mean), p: num(get(c, 'p').mean), pos: pos(c) ? t('pos.' + pos(c)) : '—',
      })).join('; '),
    }));
    table('table-gapzone', t('cap.zone'), [
      { label: t('th.dimension') }, { label: t('th.n'), num: true }, { label: t('th.min'), num: true }, { label: t('th.des'), num: true },
      { label: t('th.p'), num: true }, { label: t('th.msa'), num: true }, { label: t('th.mss'), num: true }, { label: t('th.position') },
    ], codes.map((c) => ({
      cells: [{ text: dimName(c), badges: isLow(get(c, 'p').n) ? [lowBadge()] : [] }, int(get(c, 'p').n), num(get(c, 'min').mean), num(get(c, 'des').mean),
        num(get(c, 'p').mean), signed(get(c, 'msa').mean), signed(get(c, 'mss').mean), pos(c) ? t('pos.' + pos(c)) : '—'],
      cls: [c === r.weakest ? 'is-weakest' : '', isLow(get(c, 'p').n) ? 'low-n' : ''].join(' ').trim(),
    })));
  } else {
    card.hidden = true;
    destroyChart('chart-gapzone');
    clear($('table-gapzone'));
  }
}

export function renderIpa(r) {
  const ipa = r.ipa;
  const src = ipaSourceOf(r);
  const codes = dimCodes(r);
  const both = !!(ipa && ipa.stated && ipa.derived);
  $('ipa-source').hidden = !both;
  document.querySelectorAll('#ipa-source .seg-btn').forEach((b) => b.setAttribute('aria-pressed', String(b.dataset.source === src)));
  const figure = $('chart-ipa').closest('figure');
  if (!src) {
    figure.hidden = true;
    destroyChart('chart-ipa');
    $('ipa-sub').textContent = '';
    $('ipa-empty').hidden = false;
    $('ipa-empty').textContent = t('ipa.empty');
  } else {
    figure.hidden = false;
    $('ipa-empty').hidden = true;
    $('ipa-sub').textContent = t('ipa.sub.' + src);
    $('ipa-note').textContent = t('ipa.note');
    const imp = src === 'stated' ? ipa.stated_importance || {} : ipa.derived_importance_r || {};
    const quad = ipa[src];
    const plotted = codes.filter((c) => Number.isFinite(imp[c]) && Number.isFinite(ipa.performance[c]));
    const xs = plotted.map((c) => ipa.performance[c]);
    const ys = plotted.map((c) => imp[c]);
    const span = (vals, centre, minPad) => {
      const d = Math.max(minPad, ...vals.map((v) => Math.abs(v - centre))) * 1.6;
      return [centre - d, centre + d];
    };
    const [x0, x1] = span(xs, quad.crosshair_performance, 0.1);
    const [y0, y1] = span(ys, quad.crosshair_importance, src === 'stated' ? 1 : 0.05);
    const dp = src === 'stated' ? 1 : 2;
    makeChart('chart-ipa', {
      type: 'scatter',
      data: {
        datasets: [{
          label: t('ipa.title'),
          data: plotted.map((c) => ({ x: ipa.performance[c], y: imp[c] })),
          pointRadius: plotted.map((c) => (c === r.weakest ? 9 : 6)),
          pointHoverRadius: plotted.map((c) => (c === r.weakest ? 10 : 7)),
          pointBackgroundColor: plotted.map((c) => (c === r.weakest ? C.fix : C.accent)),
          pointBorderColor: C.card, pointBorderWidth: 2,
        }],
      },
      options: {
        layout: { padding: { top: 4, right: 8 } },
        scales: {
          x: valueAxis({ min: x0, max: x1, title: { display: true, text: t('ipa.x'), color: C.ink2 }, ticks: { color: C.muted, maxTicksLimit: 6, includeBounds: false, callback: (v) => num(v, 1) } }),
          y: valueAxis({ min: y0, max: y1, title: { display: true, text: t('ipa.y.' + src), color: C.ink2 }, ticks: { color: C.muted, maxTicksLimit: 6, includeBounds: false, callback: (v) => num(v, dp) } }),
        },
        plugins: {
          legend: { display: false },
          tooltip: { callbacks: { label: (ctx) => dimName(plotted[ctx.dataIndex]) + ': ' + num(ctx.parsed.x) + ', ' + num(ctx.parsed.y, dp) } },
          ipaGrid: {
            cx: quad.crosshair_performance, cy: quad.crosshair_importance,
            labels: plotted.map(dimName), weakest: plotted.map((c) => c === r.weakest),
            q: { A: t('q.A'), B: t('q.B'), C: t('q.C'), D: t('q.D') },
          },
        },
      },
      plugins: [ipaGrid],
    }, t('alt.ipa', {
      list: plotted.map((c) => t('alt.ipa.item', { name: dimName(c), x: num(ipa.performance[c]), y: num(imp[c], dp), q: t('q.' + quad.quadrant[c]) })).join('; '),
    }));
  }
  const stated = (ipa && ipa.stated_importance) || {};
  const derived = (ipa && ipa.derived_importance_r) || {};
  const satLow = !(r.satisfaction && r.satisfaction.n >= LOW_N);
  table('table-ipa', t('cap.ipa'), [
    { label: t('th.dimension') }, { label: t('th.performance'), num: true }, { label: t('th.stated'), num: true },
    { label: t('th.derived'), num: true }, { label: t('th.quadrant') },
  ], codes.map((c) => ({
    cells: [dimName(c), num(ipa && ipa.performance[c]), num(stated[c], 1),
      { text: num(derived[c]), badges: Number.isFinite(derived[c]) && satLow ? [lowBadge()] : [] },
      src && ipa[src].quadrant[c] ? ipa[src].quadrant[c] + ' · ' + t('q.' + ipa[src].quadrant[c]) : '—'],
    cls: c === r.weakest ? 'is-weakest' : '',
  })));
}

// The answers lo..hi of an outcome counted per value, as /v1/distributions gives them (zeros
// when they could not be loaded).
function renderNps(r) {
  const nps = r.nps || {};
  const low = isLow(nps.n);
  const counts = histogram('nps', 0, 10);
  const total = counts.reduce((a, b) => a + b, 0);
  const cat = (i) => (i <= 6 ? 'detractor' : i <= 8 ? 'passive' : 'promoter');
  const color = (i) => (low ? C.low : { detractor: C.fix, passive: C.passive, promoter: C.good }[cat(i)]);
  $('nps-sub').textContent = nps.n
    ? t('nps.sub', {
      score: signed(nps.score, 0), lo: nps.ci95 ? signed(nps.ci95[0], 0) : '—', hi: nps.ci95 ? signed(nps.ci95[1], 0) : '—',
      n: int(nps.n), p: pct(nps.promoters), pa: pct(nps.passives), d: pct(nps.detractors),
    })
    : t('nps.none');
  if (low && nps.n) $('nps-sub').appendChild(lowBadge());
  $('nps-note').textContent = t('nps.note');
  const labels = counts.map((_, i) => String(i));
  $('chart-nps').closest('figure').hidden = !total;
  makeChart('chart-nps', {
    type: 'bar',
    data: { labels, datasets: [{ label: t('count'), data: counts, backgroundColor: counts.map((_, i) => color(i)), borderRadius: 4, barPercentage: 0.85, categoryPercentage: 0.9 }] },
    options: {
      scales: { x: indexAxis(), y: valueAxis({ beginAtZero: true, ticks: { precision: 0, color: C.muted } }) },
      plugins: { legend: { display: false }, tooltip: { callbacks: { label: (ctx) => t('cat.' + cat(ctx.dataIndex)) + ': ' + int(ctx.parsed.y) + ' (' + pct(total ? ctx.parsed.y / total : null) + ')' } } },
    },
  }, total ? t('alt.nps', { list: counts.map((n, i) => i + ': ' + n).join(', '), score: signed(nps.score, 0) }) : t('alt.none'));
  table('table-nps', t('cap.nps'), [{ label: t('answer') }, { label: t('th.category') }, { label: t('count'), num: true }, { label: t('share'), num: true }],
    counts.map((n, i) => ({ cells: [String(i), t('cat.' + cat(i)), int(n), pct(total ? n / total : null)], cls: low ? 'low-n' : '' })));
}

function renderCsat(r) {
  const cs = r.csat || {};
  const low = isLow(cs.n);
  const counts = histogram('csat', 1, 5);
  const total = counts.reduce((a, b) => a + b, 0);
  $('csat-sub').textContent = cs.n
    ? t('csat.sub', { top2: pct(cs.top2), lo: cs.ci95 ? pct(cs.ci95[0]) : '—', hi: cs.ci95 ? pct(cs.ci95[1]) : '—', mean: num(cs.mean), n: int(cs.n) })
    : t('csat.none');
  if (low && cs.n) $('csat-sub').appendChild(lowBadge());
  $('csat-note').textContent = t('csat.note');
  const labels = counts.map((_, i) => (i + 1) + ' · ' + t('csat.' + (i + 1)));
  const axisLabels = counts.map((_, i) => [String(i + 1), t('csat.' + (i + 1))]);
  const color = (i) => (low ? C.low : i >= 3 ? C.good : i === 2 ? C.passive : C.fix);
  $('chart-csat').closest('figure').hidden = !total;
  makeChart('chart-csat', {
    type: 'bar',
    data: { labels, datasets: [{ label: t('count'), data: counts, backgroundColor: counts.map((_, i) => color(i)), borderRadius: 4, barPercentage: 0.8 }] },
    options: {
      scales: { x: indexAxis({ ticks: { color: C.ink2, autoSkip: false, maxRotation: 0, callback(v, i) { return this.chart.width < 480 ? String(i + 1) : axisLabels[i]; } } }), y: valueAxis({ beginAtZero: true, ticks: { precision: 0, color: C.muted } }) },
      plugins: { legend: { display: false }, tooltip: { callbacks: { label: (ctx) => int(ctx.parsed.y) + ' (' + pct(total ? ctx.parsed.y / total : null) + ')' } } },
    },
  }, total ? t('alt.csat', { list: counts.map((n, i) => labels[i] + ': ' + n).join(', ') }) : t('alt.none'));
  table('table-csat', t('cap.csat'), [{ label: t('answer') }, { label: t('count'), num: true }, { label: t('share'), num: true }],
    counts.map((n, i) => ({ cells: [labels[i], int(n), pct(total ? n / total : null)], cls: low ? 'low-n' : '' })));
}

function renderVolume(r) {
  const weeks = r.trend || [];
  $('volume-sub').textContent = t('volume.sub', { responses: tn('n.responses', r.responses), weeks: tn('n.weeks', weeks.length) });
  $('volume-note').textContent = t('volume.note');
  makeChart('chart-volume', {
    type: 'bar',
    data: {
      labels: weeks.map((w) => day(w.week)),
      datasets: [{ label: t('count'), data: weeks.map((w) => w.n), backgroundColor: weeks.map((w) => (isLow(w.n) ? C.low : C.accent)), borderRadius: 4, barPercentage: 0.75 }],
    },
    options: {
      scales: { x: indexAxis({ ticks: { color: C.ink2, maxRotation: 0, autoSkipPadding: 8 } }), y: valueAxis({ beginAtZero: true, ticks: { precision: 0, color: C.muted } }) },
      plugins: { legend: { display: false } },
    },
  }, weeks.length ? t('alt.volume', { list: weeks.map((w) => day(w.week) + ': ' + w.n).join(', ') }) : t('alt.none'));
  table('table-volume', t('cap.volume'), [{ label: t('week') }, { label: t('count'), num: true }],
    weeks.map((w) => ({ cells: [{ text: day(w.week, true), badges: isLow(w.n) ? [lowBadge()] : [] }, int(w.n)], cls: isLow(w.n) ? 'low-n' : '' })));
}

function renderTrend(r) {
  const weeks = r.trend || [];
  const codes = dimCodes(r);
  const head = HEAD[r.format] || 'p';
  const f = head === 'p' ? num : signed;
  $('trend-sub').textContent = t('trend.sub', { kind: t('kind.' + head) });
  $('trend-note').textContent = t('trend.note');
  let k = 0;
  const datasets = codes.map((c) => {
    const color = c === r.weakest ? C.fix : SERIES[k++ % SERIES.length];
    return {
      label: dimName(c), data: weeks.map((w) => (w.dimensions ? w.dimensions[c] : null)),
      borderColor: color, backgroundColor: color, borderWidth: c === r.weakest ? 3 : 2, tension: 0.25, spanGaps: true,
      pointRadius: 3.5, pointHoverRadius: 5, pointBackgroundColor: weeks.map((w) => (isLow(w.n) ? C.card : color)), pointBorderColor: color, pointBorderWidth: 1.5,
    };
  });
  const last = weeks[weeks.length - 1];
  makeChart('chart-trend', {
    type: 'line',
    data: { labels: weeks.map((w) => day(w.week)), datasets },
    options: {
      interaction: { mode: 'index', intersect: false },
      scales: { x: indexAxis({ ticks: { color: C.ink2, maxRotation: 0, autoSkipPadding: 8 } }), y: valueAxis({ ticks: { color: C.muted, callback: (v, i, ticks) => f(v, tickDigits(ticks)) } }) },
      plugins: { legend: { position: 'bottom', labels: { usePointStyle: true, pointStyle: 'line' } }, tooltip: { callbacks: { label: (ctx) => ctx.dataset.label + ': ' + f(ctx.parsed.y) } } },
    },
  }, last ? t('alt.trend', { kind: t('kind.' + head), w: weeks.length, list: codes.map((c) => dimName(c) + ' ' + f(last.dimensions[c])).join(', ') }) : t('alt.none'));
  table('table-trend', t('cap.trend'), [{ label: t('week') }, { label: t('th.n'), num: true }].concat(codes.map((c) => ({ label: dimName(c), num: true }))),
    weeks.map((w) => ({ cells: [{ text: day(w.week, true), badges: isLow(w.n) ? [lowBadge()] : [] }, int(w.n)].concat(codes.map((c) => f(w.dimensions[c]))), cls: isLow(w.n) ? 'low-n' : '' })));
}

function alphaNotes(a) {
  const out = [];
  if (!a || !Number.isFinite(a.raw)) return out;
  if (a.raw < ALPHA_BAR) out.push(badge(t('alpha.low'), 'warn', t('alpha.low.title')));
  if (a.n < LOW_N) out.push(badge(t('alpha.unstable'), 'low', t('alpha.unstable.title')));
  else if (a.n < ALPHA_INDICATIVE) out.push(badge(t('alpha.indicative'), 'low', t('alpha.indicative.title')));
  if (!out.length) out.push(badge(t('alpha.ok'), 'good'));
  return out;
}

function renderAlpha(r) {
  const gap = r.format === 'gap';
  const rows = [];
  const add = (dims, prefix) => Object.keys(dims || {}).forEach((c) => {
    const d = dims[c];
    const a = (d.alpha || {}).p || {};
    const cells = [prefix + dimName(c), String(Object.keys(d.items || {}).length), int(a.n), num(a.raw), a.ci95 ? num(a.ci95[0]) + ' – ' + num(a.ci95[1]) : '—'];
    if (gap) cells.push(num(((d.alpha || {}).gap || {}).raw));
    cells.push({ text: '', badges: alphaNotes(a) });
    rows.push({ cells, cls: isLow(a.n) ? 'low-n' : '' });
  });
  add(r.dimensions, '');
  add(r.recovery, t('recovery') + ' · ');
  const cols = [{ label: t('th.dimension') }, { label: t('th.items'), num: true }, { label: t('th.n'), num: true }, { label: t('th.alpha'), num: true }, { label: t('th.ci'), num: true }];
  if (gap) cols.push({ label: t('alpha.gap'), num: true });
  cols.push({ label: t('th.note') });
  table('table-alpha', t('cap.alpha'), cols, rows);
}

function renderItems(r) {
  const fmt = r.format;
  const extra = fmt === 'gap' ? 'gap' : fmt === 'zone' ? 'msa' : null;
  const cols = [{ label: t('th.item') }, { label: t('th.dimension') }, { label: t('th.n'), num: true }, { label: t('series.p') + ' · ' + t('th.mean'), num: true }, { label: t('th.ci'), num: true }];
  if (extra) cols.push({ label: extra === 'gap' ? t('series.gap') : t('th.msa'), num: true });
  cols.push({ label: t('th.nonresponse'), num: true });
  const rows = [];
  const add = (dims, prefix) => Object.keys(dims || {}).forEach((c) => {
    Object.keys(dims[c].items || {}).forEach((code) => {
      const it = dims[c].items[code];
      const p = it.p || {};
      const cells = [code, prefix + dimName(c), int(p.n), num(p.mean), ci(p)];
      if (extra) cells.push(signed((it[extra] || {}).mean));
      cells.push({ text: pct(it.nonresponse, 1), badges: it.nonresponse > OFTEN_NA ? [badge(t('items.often'), 'warn')] : [] });
      rows.push({ cells, cls: isLow(p.n) ? 'low-n' : '' });
    });
  });
  add(r.dimensions, '');
  add(r.recovery, t('recovery') + ' · ');
  table('table-items', t('cap.items'), cols, rows);
}

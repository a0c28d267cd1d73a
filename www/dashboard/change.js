// Did it change, and for whom: the comparison with an earlier period (the report's `compare`)
// and each segment against the rest of the period (`segments`), every verdict an arrow and a
// word (never colour alone) with its difference, 95% interval and Holm-corrected p.
import { HEAD, dimCodes, isLow, state } from './data.js';
import { $, badge, clear, el } from './dom.js';
import { day, int, num, pct, signed } from './format.js';
import { dimName, t, tn } from './i18n.js';
import { table } from './tables.js';

const ARROW = { up: '↑', down: '↓', same: '→' };
const kindOf = (verdict) => (verdict === 'up' ? 'up' : verdict === 'down' ? 'down' : verdict === 'no clear change' ? 'same' : null);

// A test's current and base values and its difference, in the unit of its score: NPS points,
// CSAT top-2 share (its difference in percentage points), else the mean on the answer scale.
function value(test, x) {
  if (test.score === 'nps') return signed(x, 0);
  if (test.score === 'top2') return pct(x);
  return test.score === 'p' ? num(x) : signed(x);
}
function diff(test, x) {
  if (test.score === 'top2') return Number.isFinite(x) ? t('pp', { v: signed(x * 100, 1) }) : '—';
  return signed(x, test.score === 'nps' ? 1 : 2);
}
const interval = (test) => (test.ci95 && test.ci95.length === 2 ? diff(test, test.ci95[0]) + ' – ' + diff(test, test.ci95[1]) : '—');
const pValue = (p) => (Number.isFinite(p) ? (p < 0.001 ? '< ' + num(0.001, 3) : num(p, 3)) : '—');

/** The verdict's words for hover: difference, 95% interval and Holm p. */
export function verdictTitle(test) {
  return t('verdict.title', { d: diff(test, test.difference), ci: interval(test), p: pValue(test.p_adjusted) });
}

/** An arrow (hidden from screen readers) and the verdict's word; its numbers on hover. */
export function verdictEl(test) {
  const kind = test ? kindOf(test.verdict) : null;
  const span = el('span', 'verdict verdict-' + (kind || 'none'));
  span.dataset.verdict = kind ? test.verdict : '';
  const arrow = el('span', 'verdict-arrow', kind ? ARROW[kind] : '·');
  arrow.setAttribute('aria-hidden', 'true');
  span.appendChild(arrow);
  span.appendChild(el('span', 'verdict-word', t(kind ? 'verdict.' + kind : 'verdict.none')));
  if (test) span.title = verdictTitle(test);
  return span;
}

// The measures of a comparison block, in the page's order: each dimension, overall, NPS, CSAT.
function measures(block, r) {
  const dims = block.dimensions || {};
  const codes = dimCodes(r).filter((c) => dims[c]).concat(Object.keys(dims).filter((c) => !(r.dimensions || {})[c]));
  return codes.map((c) => ({ key: c, name: dimName(c), test: dims[c] }))
    .concat([['overall', t('change.overall')], ['nps', t('kpi.nps')], ['csat', t('change.csat')]]
      .filter(([k]) => block[k]).map(([k, name]) => ({ key: k, name, test: block[k] })));
}

// The verdict first, so a narrow screen shows it before the table scrolls.
const verdictCols = () => [
  { label: t('th.verdict') }, { label: t('th.difference'), num: true }, { label: t('th.ci'), num: true }, { label: t('th.holm'), num: true },
];
const verdictCells = (test) => (test
  ? [{ text: '', badges: [verdictEl(test)] }, diff(test, test.difference), interval(test), pValue(test.p_adjusted)]
  : [{ text: '', badges: [verdictEl(null)] }, '—', '—', '—']);

/** The comparison with the earlier period (hidden with "no comparison"). */
export function renderCompare(r) {
  const card = $('card-compare');
  const c = state.change;
  card.hidden = state.compare === 'none';
  const list = clear($('changes'));
  if (card.hidden) return;
  if (!c) {
    $('compare-sub').textContent = state.changeError ? t('err.http', { message: state.changeError }) : state.dist ? t('change.none') : t('loading');
    clear($('table-compare'));
    return;
  }
  const span = (p) => (p.from && p.to ? day(p.from, true) + ' – ' + day(p.to, true) : '—');
  $('compare-sub').textContent = t('change.sub', {
    cur: span(c.current || {}), n: int((c.current || {}).responses), base: span(c.base || {}), m: int((c.base || {}).responses),
  });
  const rows = measures(c, r);
  // The key figures say it too, next to their numbers.
  for (const [id, key] of [['kpi-overall', 'overall'], ['kpi-nps', 'nps'], ['kpi-csat', 'csat']]) {
    if (!c[key]) continue;
    const line = el('p', 'kpi-change');
    line.appendChild(verdictEl(c[key]));
    line.appendChild(el('span', 'kpi-change-note', ' ' + t('change.kpi')));
    $(id).appendChild(line);
  }
  for (const m of rows) {
    const li = el('li', 'change');
    li.dataset.key = m.key;
    li.appendChild(el('span', 'change-name', m.name));
    li.appendChild(verdictEl(m.test));
    list.appendChild(li);
  }
  table('table-compare', t('cap.compare'), [
    { label: t('th.measure') }, { label: t('th.current'), num: true }, { label: t('th.base'), num: true },
  ].concat(verdictCols()), rows.map((m) => ({
    cells: [m.name, m.test ? value(m.test, m.test.current) : '—', m.test ? value(m.test, m.test.base) : '—'].concat(verdictCells(m.test)),
  })));
}

/** One table per value of the chosen segment key, each value against the rest of the period. */
export function renderSegments(r) {
  const card = $('card-segments');
  const seg = r.segments;
  const wrap = clear($('segment-tables'));
  card.hidden = !state.segment || !seg || !seg.values;
  if (card.hidden) return;
  const head = HEAD[r.format] || 'p';
  const values = Object.keys(seg.values);
  $('segments-title').textContent = t('seg.title', { key: seg.key });
  $('segments-sub').textContent = t('seg.sub', { k: int(values.length) })
    + (seg.without_value ? ' ' + tn('seg.without', seg.without_value) : '');
  values.forEach((v, i) => {
    const s = seg.values[v];
    const rest = s.against_rest || {};
    const div = el('div', 'table-wrap segment');
    div.id = 'segment-' + i;
    div.dataset.value = v;
    wrap.appendChild(div);
    const dims = (s.report && s.report.dimensions) || {};
    const rows = measures(rest, r).map((m) => {
      const score = dims[m.key] && dims[m.key][head];
      const mean = score ? (head === 'p' ? num(score.mean) : signed(score.mean)) : m.test ? value(m.test, m.test.current) : '—';
      return { cells: [m.name, mean].concat(verdictCells(m.test)), cls: score && isLow(score.n) ? 'low-n' : '' };
    });
    table(div.id, t('seg.caption', { key: seg.key, value: v, n: int(s.responses) }), [
      { label: t('th.measure') }, { label: t('th.segment.mean'), num: true },
    ].concat(verdictCols()), rows);
    const caption = div.querySelector('caption');
    if (s.small || isLow(s.responses)) caption.appendChild(badge(t('seg.small'), 'low', t('low.title')));
  });
  if (!values.length) wrap.appendChild(el('p', 'empty', t('seg.empty')));
}

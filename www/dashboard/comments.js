// The comments and their filters (class, NPS category, lowest dimension, segment value, words):
// /v1/comments does the filtering; each comment shows that respondent's dimension scores.
import { COMMENTS_MAX, dimCodes, state } from './data.js';
import { $, clear, el } from './dom.js';
import { day, int, num } from './format.js';
import { dimName, t, tn } from './i18n.js';

const filtered = () => Object.values(state.cfilter).some(Boolean);

// Fills a select with "all" and `options` ([value, label]), keeping its value when it is still one.
function fill(select, options, current) {
  clear(select);
  const all = el('option', null, t('cf.all'));
  all.value = '';
  select.appendChild(all);
  for (const [value, label] of options) {
    const o = el('option', null, label);
    o.value = value;
    select.appendChild(o);
  }
  select.value = options.some(([v]) => v === current) ? current : '';
}

/** The filters' choices for the report shown (its dimensions, the chosen key's values). */
export function renderCommentFilters(r) {
  fill($('cf-class'), ['dissatisfied', 'satisfied', 'delighted'].map((c) => [c, t('class.' + c)]), state.cfilter.class);
  fill($('cf-nps'), ['detractor', 'passive', 'promoter'].map((c) => [c, t('cat.' + c)]), state.cfilter.nps);
  fill($('cf-weakest'), dimCodes(r).map((c) => [c, dimName(c)]), state.cfilter.weakest);
  const seg = state.segment && r.segments && r.segments.values ? r.segments : null;
  $('cf-segment-field').hidden = !seg;
  $('cf-segment-label').textContent = seg ? t('cf.segment', { key: seg.key }) : '';
  fill($('cf-segment'), seg ? Object.keys(seg.values).map((v) => [seg.key + ':' + v, v]) : [], state.cfilter.segment);
  if ($('cf-q').value !== state.cfilter.q) $('cf-q').value = state.cfilter.q;
}

function subtitle(shown) {
  if (filtered()) {
    if (!shown.length) return t('comments.none.filtered');
    const base = shown.length >= COMMENTS_MAX ? t('comments.filtered.latest', { shown: int(shown.length) }) : tn('comments.filtered', shown.length);
    return state.truncated ? base + ' ' + t('comments.truncated') : base;
  }
  // The latest, newest first, as /v1/comments sends them; the total is the count of
  // /v1/distributions over the same selection.
  const counted = state.dist ? state.dist.comments : NaN;
  const total = Number.isInteger(counted) && counted >= shown.length ? counted : shown.length;
  if (!shown.length) return t('comments.none');
  return shown.length < total ? t('comments.sub', { shown: int(shown.length), total: int(total) }) : tn('comments.all', total);
}

// The respondent's score per dimension, the lowest marked in words.
function scores(p) {
  const dims = p.dimensions && typeof p.dimensions === 'object' ? p.dimensions : null;
  if (!dims) return null;
  const line = el('p', 'comment-scores');
  for (const code of Object.keys(dims)) {
    const v = dims[code] && Number.isFinite(dims[code].p) ? dims[code].p : null;
    const low = code === p.weakest;
    const s = el('span', low ? 'score score-low' : 'score', dimName(code) + ' ' + num(v));
    if (low) s.appendChild(el('span', 'score-note', ' (' + t('cf.lowest') + ')'));
    line.appendChild(s);
  }
  return line;
}

export function renderComments() {
  const list = clear($('comments'));
  const shown = (state.comments || []).filter((c) => c && typeof c.comment === 'string').slice(0, COMMENTS_MAX);
  $('comments-sub').textContent = state.comments === null ? t('loading') : subtitle(shown);
  for (const p of shown) {
    const li = el('li', 'comment');
    li.appendChild(el('p', 'comment-text', p.comment));
    const line = scores(p);
    if (line) li.appendChild(line);
    const meta = el('p', 'comment-meta');
    meta.appendChild(el('span', null, day(p.submitted_at, true)));
    const n = p.nps;
    if (Number.isInteger(n)) {
      const cat = n <= 6 ? 'detractor' : n <= 8 ? 'passive' : 'promoter';
      meta.appendChild(el('span', 'nps-tag ' + cat, 'NPS ' + n + ' · ' + t('cat.' + cat)));
    }
    if (typeof p.class === 'string') meta.appendChild(el('span', null, t('class.' + p.class)));
    if (p.meta && typeof p.meta === 'object') {
      for (const [k, v] of Object.entries(p.meta)) if (typeof v === 'string') meta.appendChild(el('span', null, k + ': ' + v));
    }
    if (typeof p.locale === 'string') meta.appendChild(el('span', null, p.locale));
    if (typeof p.page === 'string') meta.appendChild(el('span', null, p.page));
    li.appendChild(meta);
    list.appendChild(li);
  }
}

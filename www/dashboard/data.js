// What the page shows and where it comes from: the selection, the collector's answers to it
// (/v1/report with its comparison and segments, /v1/distributions, /v1/comments, /v1/segments)
// and the questions the views ask of them.
import { t } from './i18n.js';

export const LOW_N = 30; // docs/scoring.md §4: grey out below 30
export const ALPHA_INDICATIVE = 100; // alpha "indicative" below 100
export const ALPHA_BAR = 0.7;
export const COMMENTS_MAX = 20;
export const OFTEN_NA = 0.2;
/** Without a chosen period, the comparison is the last 28 days against the 28 before. */
export const COMPARE_DAYS = 28;
const DAY_MS = 86_400_000;
/** The headline score of each format (docs/scoring.md §3.10). */
export const HEAD = { perception: 'p', gap: 'gap', zone: 'msa' };

/** The selection (kept in the address's hash), the loaded answers, and the IPA source shown. */
export const state = {
  instrument: 'e-s-qual', format: '', from: '', to: '',
  // `compare`: 'previous' (the period before, of the same length) or 'none'; `segment`: a key
  // of /v1/segments or ''; `keys`: those keys (empty when the collector segments by none).
  compare: 'previous', segment: '', keys: [],
  // The comment filters (each '' for all), sent as they are to /v1/comments.
  cfilter: { class: '', nps: '', weakest: '', segment: '', q: '' },
  ipaSource: null, report: null, change: null, changeError: null, dist: null, comments: null, truncated: false, extraError: null, seq: 0, cseq: 0,
};

/** The query string of the selection; `extra.format` stands in for the selected format. */
export function query(extra) {
  const q = new URLSearchParams();
  q.set('instrument', state.instrument);
  const format = extra && extra.format !== undefined ? extra.format : state.format;
  if (format) q.set('format', format);
  if (state.from) q.set('from', state.from);
  if (state.to) q.set('to', state.to);
  return q.toString();
}

const addDays = (iso, n) => new Date(Date.parse(iso + 'T00:00:00Z') + n * DAY_MS).toISOString().slice(0, 10);
/** Today's UTC date, as the collector dates responses. */
export const today = () => new Date().toISOString().slice(0, 10);

/**
 * The periods of the comparison: the chosen one (its missing end filled in: `to` today, `from`
 * 27 days before `to`) and the one just before it, of the same number of days (both ends
 * included, as the collector reads dates). `own` when the report's own period is the current
 * one (both dates chosen), so the report itself can carry the comparison. Null without one.
 */
export function comparePeriods() {
  if (state.compare !== 'previous') return null;
  const to = state.to || today();
  const from = state.from || addDays(to, 1 - COMPARE_DAYS);
  const days = Math.round((Date.parse(to) - Date.parse(from)) / DAY_MS) + 1;
  if (!(days >= 1)) return null;
  return { current: { from, to }, base: { from: addDays(from, -days), to: addDays(from, -1) }, days, own: !!(state.from && state.to) };
}

/** The query of /v1/comments: the selection, the limit and the filters that are set. */
export function commentsQuery(format) {
  const q = new URLSearchParams(query({ format }));
  q.set('limit', String(COMMENTS_MAX));
  for (const [k, v] of Object.entries(state.cfilter)) if (v) q.set(k, v);
  return q.toString();
}

async function fetchOrFail(url) {
  let res;
  try {
    res = await fetch(url, { credentials: 'same-origin', headers: { Accept: 'application/json' } });
  } catch (e) {
    throw new Error(t('err.net'));
  }
  if (res.status === 401) throw new Error(t('err.auth'));
  if (!res.ok) {
    let message = res.status + ' ' + res.statusText;
    try {
      const body = await res.json();
      if (body && body.error && body.error.message) message = body.error.message;
    } catch (e) { /* not JSON */ }
    throw new Error(t('err.http', { message }));
  }
  return res;
}

/**
 * Loads the report of the selection into `state`, then its distributions and comments (whose
 * failure is kept in `state.extraError`, the report still shown). `seq` is the load's number
 * from `nextLoad`; `onReport(report)` runs as soon as the report is in. Resolves to false when
 * a newer load started meanwhile (its answers win); rejects with a message for the page when
 * the report cannot be loaded.
 */
export async function loadSelection(seq, onReport) {
  const periods = comparePeriods();
  const extra = new URLSearchParams();
  if (periods && periods.own) extra.set('compare', periods.base.from + '..' + periods.base.to);
  if (state.segment && state.keys.includes(state.segment)) extra.set('by', 'meta.' + state.segment);
  const more = extra.toString() ? '&' + extra.toString() : '';
  const report = await (await fetchOrFail('/v1/report?' + query() + more)).json();
  if (seq !== state.seq) return false;
  state.report = report;
  state.change = periods && periods.own ? report.compare || null : null;
  state.changeError = null;
  state.dist = null;
  state.comments = null;
  state.truncated = false;
  state.extraError = null;
  // A filter the new report cannot answer (another instrument's dimension, another key's value)
  // would be refused: it is dropped.
  if (state.cfilter.weakest && !(report.dimensions && report.dimensions[state.cfilter.weakest])) state.cfilter.weakest = '';
  if (state.cfilter.segment && state.cfilter.segment.split(':')[0] !== state.segment) state.cfilter.segment = '';
  const cseq = ++state.cseq;
  onReport(report);
  try {
    const q = query({ format: report.format });
    // Without a chosen period the page shows every response, and the comparison is a report of
    // its own over the last days (from the summaries: its cost follows the days).
    const change = periods && !periods.own
      ? fetchOrFail('/v1/report?' + new URLSearchParams({
        instrument: state.instrument, format: report.format, from: periods.current.from, to: periods.current.to,
        compare: periods.base.from + '..' + periods.base.to,
      })).then((res) => res.json()).then((r) => r.compare || null)
        // Its failure leaves the rest of the page: the card says why.
        .catch((e) => { state.changeError = e.message; return null; })
      : Promise.resolve(state.change);
    const [dist, comments, compared] = await Promise.all([
      fetchOrFail('/v1/distributions?' + q).then((res) => res.json()),
      fetchOrFail('/v1/comments?' + commentsQuery(report.format)).then((res) => res.json()),
      change,
    ]);
    if (seq !== state.seq) return false;
    state.dist = dist;
    // A filter changed meanwhile: its own answer (loadComments) wins.
    if (cseq === state.cseq) {
      state.comments = Array.isArray(comments.comments) ? comments.comments : [];
      state.truncated = comments.truncated === true;
    }
    state.change = compared;
  } catch (e) {
    if (seq !== state.seq) return false;
    state.extraError = e.message;
  }
  return true;
}

/**
 * Reloads the comments alone (a filter changed). Resolves to false when the report or another
 * filter change started meanwhile; rejects with a message when they cannot be loaded.
 */
export async function loadComments() {
  const seq = ++state.cseq;
  const format = state.report ? state.report.format : state.format;
  const body = await (await fetchOrFail('/v1/comments?' + commentsQuery(format))).json();
  if (seq !== state.cseq) return false;
  state.comments = Array.isArray(body.comments) ? body.comments : [];
  state.truncated = body.truncated === true;
  return true;
}

/** The keys the collector segments by (none when it does not say). */
export async function loadKeys() {
  try {
    const body = await (await fetchOrFail('/v1/segments')).json();
    state.keys = Array.isArray(body.keys) ? body.keys.filter((k) => typeof k === 'string' && k) : [];
  } catch (e) {
    state.keys = [];
  }
}

/** The number of a new load: a load answered after a newer one started is dropped. */
export const nextLoad = () => ++state.seq;
/** Whether `seq` is still the latest load (a failed one is shown only then). */
export const isLatest = (seq) => seq === state.seq;

/** The report's answer scale `[min, max]` (of its instrument and format, as the report says). */
export function scaleOf(r) {
  const s = r.scale || {};
  return Number.isFinite(s.min) && Number.isFinite(s.max) ? [s.min, s.max] : [undefined, undefined];
}
export const dimCodes = (r) => Object.keys(r.dimensions || {});
export const isLow = (n) => !(n >= LOW_N);

/** The importance the IPA chart plots: the one chosen when the report has it, else stated, else derived. */
export function ipaSourceOf(r) {
  const ipa = r.ipa;
  if (!ipa) return null;
  const has = (s) => !!(ipa[s] && ipa[s].quadrant && Object.keys(ipa[s].quadrant).length);
  if (state.ipaSource && has(state.ipaSource)) return state.ipaSource;
  return has('stated') ? 'stated' : has('derived') ? 'derived' : null;
}

// The answers lo..hi of an outcome counted per value, as /v1/distributions gives them (zeros
// when they could not be loaded).
export function histogram(field, lo, hi) {
  const given = state.dist && state.dist[field] ? state.dist[field].counts : null;
  const size = hi - lo + 1;
  if (!Array.isArray(given) || given.length !== size) return new Array(size).fill(0);
  return given.map((n) => (Number.isInteger(n) && n >= 0 ? n : 0));
}

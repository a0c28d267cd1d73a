// What the page shows and where it comes from: the selection, the collector's answers to it
// (/v1/report, /v1/distributions, /v1/comments) and the questions the views ask of them.
import { t } from './i18n.js';

export const LOW_N = 30; // docs/scoring.md §4: grey out below 30
export const ALPHA_INDICATIVE = 100; // alpha "indicative" below 100
export const ALPHA_BAR = 0.7;
export const COMMENTS_MAX = 20;
export const OFTEN_NA = 0.2;
/** The headline score of each format (docs/scoring.md §3.10). */
export const HEAD = { perception: 'p', gap: 'gap', zone: 'msa' };

/** The selection (kept in the address's hash), the loaded answers, and the IPA source shown. */
export const state = {
  instrument: 'e-s-qual', format: '', from: '', to: '',
  ipaSource: null, report: null, dist: null, comments: null, extraError: null, seq: 0,
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
  const report = await (await fetchOrFail('/v1/report?' + query())).json();
  if (seq !== state.seq) return false;
  state.report = report;
  state.dist = null;
  state.comments = null;
  state.extraError = null;
  onReport(report);
  try {
    const q = query({ format: report.format });
    const [dist, comments] = await Promise.all([
      fetchOrFail('/v1/distributions?' + q).then((res) => res.json()),
      fetchOrFail('/v1/comments?' + q + '&limit=' + COMMENTS_MAX).then((res) => res.json()),
    ]);
    if (seq !== state.seq) return false;
    state.dist = dist;
    state.comments = Array.isArray(comments.comments) ? comments.comments : [];
  } catch (e) {
    if (seq !== state.seq) return false;
    state.extraError = e.message;
  }
  return true;
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

// Numbers, percentages and dates in the language shown.
import { locale } from './i18n.js';

// Decimals that tell an axis's ticks apart: as many as its step needs (0.05 → 2), at most 3.
export const tickDigits = (ticks) => {
  const step = ticks.length > 1 ? Math.abs(ticks[1].value - ticks[0].value) : 1;
  return Math.min(3, Math.max(0, Math.ceil(-Math.log10(step) - 1e-9)));
};
const fmtCache = {};
export function num(x, digits = 2) {
  if (x === null || x === undefined || !Number.isFinite(x)) return '—';
  const key = locale() + digits;
  fmtCache[key] = fmtCache[key] || new Intl.NumberFormat(locale(), { minimumFractionDigits: digits, maximumFractionDigits: digits });
  return fmtCache[key].format(x).replace('-', '\u2212');
}
export function signed(x, digits = 2) {
  const s = num(x, digits);
  return Number.isFinite(x) && x > 0 ? '+' + s : s;
}
export function pct(x, digits = 0) {
  if (x === null || x === undefined || !Number.isFinite(x)) return '—';
  return new Intl.NumberFormat(locale(), { style: 'percent', minimumFractionDigits: digits, maximumFractionDigits: digits }).format(x);
}
export const int = (x) => (Number.isFinite(x) ? new Intl.NumberFormat(locale()).format(x) : '—');
export function day(iso, long) {
  if (!iso) return '—';
  const d = new Date(iso.length === 10 ? iso + 'T00:00:00Z' : iso);
  if (Number.isNaN(d.getTime())) return iso;
  const opts = long ? { year: 'numeric', month: 'short', day: 'numeric' } : { month: 'short', day: 'numeric' };
  return new Intl.DateTimeFormat(locale(), Object.assign({ timeZone: 'UTC' }, opts)).format(d);
}
export const ci = (s, f = num) => (s && s.ci95 ? f(s.ci95[0]) + ' – ' + f(s.ci95[1]) : '—');

// Completion (GET /v1/completion): how many of the responses started were submitted, and the
// step where each partial response stopped. Shown only when the selection has partial responses
// (the widget sends them with its `partial: true` option).
import { $, clear, el } from './dom.js';
import { int, pct } from './format.js';
import { dimName, t, tn } from './i18n.js';
import { table } from './tables.js';

// The answer for the selection (null until loaded, or when it could not be), and the load it
// answers (an older load's answer is dropped).
let loaded = null;
let seq = 0;

const count = (n) => (Number.isInteger(n) && n >= 0 ? n : 0);

/** Loads the completion of the selection `query` (the report's query string). */
export async function loadCompletion(query) {
  const mine = ++seq;
  let body = null;
  try {
    const res = await fetch('/v1/completion?' + query, { credentials: 'same-origin', headers: { Accept: 'application/json' } });
    if (res.ok) body = await res.json();
  } catch (e) {
    body = null;
  }
  if (mine !== seq) return;
  // A failure hides the card: the rest of the page does not depend on it.
  loaded = body;
  renderCompletion();
}

// The name of a step: a dimension's name from the report, or the step after the dimensions.
function stepName(step) {
  return ['screen', 'recovery', 'outcomes', 'weights'].includes(step) ? t('co.step.' + step) : dimName(step);
}

/** Draws the card in the language shown (hidden without partial responses). */
export function renderCompletion() {
  const card = $('card-completion');
  card.hidden = !(loaded && count(loaded.partial) > 0);
  if (card.hidden) return;
  const started = count(loaded.started);
  const complete = count(loaded.complete);
  const partial = count(loaded.partial);
  $('completion-rate').textContent = pct(loaded.rate, 1);
  $('completion-label').textContent = t('co.rate', { complete: int(complete), started: int(started) });
  $('completion-sub').textContent = tn('co.sub', partial);
  const steps = Array.isArray(loaded.drop_off) ? loaded.drop_off.filter((s) => s && typeof s.step === 'string') : [];
  const unplaced = count(loaded.unplaced);
  const rows = steps.map((s) => ({ step: stepName(s.step), n: count(s.partial) }));
  if (unplaced) rows.push({ step: t('co.step.unplaced'), n: unplaced });
  clear($('table-completion'));
  table('table-completion', t('co.caption'), [
    { label: t('co.th.step') }, { label: t('co.th.stopped'), num: true }, { label: t('co.th.share'), num: true },
  ], rows.map((r) => {
    const share = partial ? r.n / partial : 0;
    // The bar repeats the share for the eye; the number is what is read out.
    const bar = el('span', 'co-bar');
    bar.setAttribute('aria-hidden', 'true');
    const fill = el('span', 'co-bar-fill');
    fill.style.width = (share * 100).toFixed(1) + '%';
    bar.appendChild(fill);
    return { cls: r.n ? null : 'co-none', cells: [r.step, int(r.n), { text: pct(share), badges: [bar] }] };
  }));
}

// The webhook deliveries (GET /v1/webhooks/deliveries): how many events are pending, delivered
// and failed, and the latest failures. Shown only when the collector has webhooks configured.
import { $, clear, el } from './dom.js';
import { day, int } from './format.js';
import { t, tn } from './i18n.js';
import { table } from './tables.js';

/** Latest failed events listed. */
export const FAILURES_MAX = 5;
const STATUSES = ['pending', 'delivered', 'failed'];

// The answer of the endpoint (null until loaded, or when it could not be).
let loaded = null;
let failedToLoad = '';

/** Loads the counts and the latest failures; a failure is shown in the card, not thrown. */
export async function loadWebhooks() {
  try {
    const res = await fetch('/v1/webhooks/deliveries?status=failed&limit=' + FAILURES_MAX, {
      credentials: 'same-origin', headers: { Accept: 'application/json' },
    });
    if (!res.ok) throw new Error(res.status + ' ' + res.statusText);
    loaded = await res.json();
    failedToLoad = '';
  } catch (e) {
    failedToLoad = e.message || String(e);
  }
  renderWebhooks();
}

// The host of an endpoint: its path and query may hold a secret (Slack's URLs do).
function host(url) {
  try {
    return new URL(url).host;
  } catch (e) {
    return '—';
  }
}

const count = (n) => (Number.isInteger(n) && n >= 0 ? n : 0);

/** Draws the card in the language shown (hidden without webhooks). */
export function renderWebhooks() {
  const card = $('card-webhooks');
  const configured = loaded && Number.isInteger(loaded.webhooks) && loaded.webhooks > 0;
  // Not known to be configured (none, or never loaded): nothing to show.
  card.hidden = !configured;
  if (card.hidden) return;
  const sub = $('webhooks-sub');
  const list = clear($('webhooks-counts'));
  const failures = clear($('table-webhooks'));
  // The counts shown after a failed reload are those of the last answer; the line says so.
  const counts = loaded.counts || {};
  sub.textContent = tn('wh.sub', loaded.webhooks) + (failedToLoad ? ' ' + t('wh.error', { message: failedToLoad }) : '');
  for (const s of STATUSES) {
    const li = el('li', 'wh-count wh-' + s);
    li.dataset.status = s;
    li.appendChild(el('span', 'wh-count-label', t('wh.' + s) + ' '));
    li.appendChild(el('span', 'wh-count-n', int(count(counts[s]))));
    list.appendChild(li);
  }
  const rows = (Array.isArray(loaded.deliveries) ? loaded.deliveries : []).filter((d) => d && d.status === 'failed');
  if (!rows.length) {
    failures.appendChild(el('p', 'card-sub', t('wh.nofailures')));
    return;
  }
  table('table-webhooks', t('wh.caption', { n: int(rows.length) }), [
    { label: t('wh.th.event') }, { label: t('wh.th.endpoint') }, { label: t('wh.th.error') },
    { label: t('wh.th.attempts'), num: true }, { label: t('wh.th.created') },
  ], rows.map((d) => ({
    cells: [String(d.event_type || '—'), host(d.webhook), d.last_status || '—', int(count(d.attempts)), day(d.created_at, true)],
  })));
}

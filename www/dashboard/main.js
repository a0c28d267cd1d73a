// The dashboard's entry: reads the collector's aggregate report (/v1/report, with the period
// before and the segments of a chosen key when asked), the NPS, CSAT and CES answers counted per
// value with the count of comments (/v1/distributions), the latest comments (/v1/comments,
// filtered), the completion rate and drop-off per step (/v1/completion, shown when there are
// partial responses), the webhook deliveries (/v1/webhooks/deliveries, when webhooks are
// configured), and draws them with the vendored Chart.js. Each costs the server the days, the
// comments or the partial responses asked for, never a read of every response: the exports are
// only linked, for download. Every piece of data reaches the page through textContent: nothing
// is parsed as HTML. This module holds the selection in the address and the language; the
// others are data.js (fetching and state), views.js, change.js, comments.js, completion.js,
// webhooks.js, charts.js, tables.js, format.js, i18n.js.
import { onSchemeChange, setupChartDefaults } from './charts.js';
import { isLatest, loadComments, loadKeys, loadSelection, nextLoad, query, state } from './data.js';
import { $, el } from './dom.js';
import { int } from './format.js';
import { lang, setLang, t } from './i18n.js';
import { applyStatic, render, renderComments, renderHeadline, renderIpa } from './views.js';
import { loadCompletion, renderCompletion } from './completion.js';
import { loadWebhooks, renderWebhooks } from './webhooks.js';

// How long the words of the comment search wait for the next key before asking the collector.
const TYPING_MS = 300;

async function load() {
  const seq = nextLoad();
  $('status').textContent = t('loading');
  $('error').hidden = true;
  updateExports(state.format);
  // The delivery counts move on their own: read again with every selection (not awaited).
  loadWebhooks();
  try {
    // The completion of the same selection, drawn when it comes (not awaited).
    const onReport = (report) => {
      updateExports(report.format);
      loadCompletion(query({ format: report.format }));
    };
    if (!(await loadSelection(seq, onReport))) return;
    render();
    // Again with the report's dimension names, should the completion have come first.
    renderCompletion();
    const report = state.report;
    $('status').textContent = t('loaded', { n: int(report.responses), format: t('fmt.' + report.format) });
  } catch (e) {
    if (!isLatest(seq)) return;
    $('status').textContent = '';
    $('error').textContent = e.message;
    $('error').hidden = false;
    $('content').hidden = true;
  }
}

function updateExports(format) {
  const q = query({ format: format || '' });
  $('export-csv').href = '/v1/responses.csv?' + q;
  $('export-jsonl').href = '/v1/responses.jsonl?' + q;
}

function readHash() {
  const q = new URLSearchParams(location.hash.slice(1));
  state.instrument = q.get('instrument') || 'e-s-qual';
  state.format = ['perception', 'gap', 'zone'].includes(q.get('format')) ? q.get('format') : '';
  const date = (v) => (/^\d{4}-\d{2}-\d{2}$/.test(v || '') ? v : '');
  state.from = date(q.get('from'));
  state.to = date(q.get('to'));
  state.compare = q.get('compare') === 'none' ? 'none' : 'previous';
  state.segment = state.keys.includes(q.get('by')) ? q.get('by') : '';
  const sel = $('f-instrument');
  if (![...sel.options].some((o) => o.value === state.instrument)) {
    const o = el('option', null, state.instrument);
    o.value = state.instrument;
    sel.appendChild(o);
  }
  sel.value = state.instrument;
  $('f-format').value = state.format;
  $('f-from').value = state.from;
  $('f-to').value = state.to;
  $('f-compare').value = state.compare;
  $('f-segment').value = state.segment;
}

function writeHash() {
  const q = new URLSearchParams();
  q.set('instrument', state.instrument);
  if (state.format) q.set('format', state.format);
  if (state.from) q.set('from', state.from);
  if (state.to) q.set('to', state.to);
  if (state.compare === 'none') q.set('compare', 'none');
  if (state.segment) q.set('by', state.segment);
  history.replaceState(null, '', '#' + q.toString());
}

function initialLang() {
  let saved = null;
  try { saved = localStorage.getItem('eservqual.dashboard.lang'); } catch (e) { /* storage off */ }
  if (saved === 'en' || saved === 'zh') return saved;
  const langs = navigator.languages && navigator.languages.length ? navigator.languages : [navigator.language || 'en'];
  return /^zh\b/i.test(langs[0] || '') ? 'zh' : 'en';
}

function switchLang(next) {
  if (next === lang()) return;
  setLang(next);
  try { localStorage.setItem('eservqual.dashboard.lang', next); } catch (e) { /* storage off */ }
  render();
  renderWebhooks();
  renderCompletion();
  if (state.report) $('status').textContent = t('loaded', { n: int(state.report.responses), format: t('fmt.' + state.report.format) });
}

// The segment selector: the keys the collector segments by, hidden when there are none.
function fillKeys() {
  const sel = $('f-segment');
  for (const key of state.keys) {
    const o = el('option', null, key);
    o.value = key;
    sel.appendChild(o);
  }
  $('f-segment-field').hidden = !state.keys.length;
}

async function reloadComments() {
  $('comments-sub').textContent = t('loading');
  try {
    if (await loadComments()) renderComments();
  } catch (e) {
    $('comments-sub').textContent = '';
    $('error').textContent = t('err.comments', { message: e.message });
    $('error').hidden = false;
  }
}

function watchCommentFilters() {
  $('cfilters').addEventListener('submit', (e) => e.preventDefault());
  for (const name of ['class', 'nps', 'weakest', 'segment']) {
    $('cf-' + name).addEventListener('change', () => {
      state.cfilter[name] = $('cf-' + name).value;
      reloadComments();
    });
  }
  let timer = null;
  $('cf-q').addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      const q = $('cf-q').value.trim().slice(0, 100);
      if (q === state.cfilter.q) return;
      state.cfilter.q = q;
      reloadComments();
    }, TYPING_MS);
  });
}

async function start() {
  if (!window.Chart) {
    $('error').textContent = 'Chart.js is missing: run scripts/build-dashboard.sh';
    $('error').hidden = false;
    return;
  }
  setupChartDefaults();
  // The charts are drawn in the scheme's colours: drawn again when it changes.
  onSchemeChange(() => { setupChartDefaults(); render(); });
  setLang(initialLang());
  applyStatic();
  await loadKeys();
  fillKeys();
  readHash();
  document.querySelectorAll('.lang-btn').forEach((b) => b.addEventListener('click', () => switchLang(b.dataset.lang)));
  document.querySelectorAll('#ipa-source .seg-btn').forEach((b) => b.addEventListener('click', () => {
    state.ipaSource = b.dataset.source;
    if (state.report) renderIpa(state.report);
    if (state.report) renderHeadline(state.report);
  }));
  $('filters').addEventListener('submit', (e) => e.preventDefault());
  const onChange = () => {
    state.instrument = $('f-instrument').value;
    state.format = $('f-format').value;
    state.from = $('f-from').value;
    state.to = $('f-to').value;
    state.compare = $('f-compare').value === 'none' ? 'none' : 'previous';
    state.segment = $('f-segment').value;
    writeHash();
    load();
  };
  ['f-instrument', 'f-format', 'f-from', 'f-to', 'f-compare', 'f-segment'].forEach((id) => $(id).addEventListener('change', onChange));
  watchCommentFilters();
  window.addEventListener('hashchange', () => { readHash(); load(); });
  load();
}

// A module runs once the document is parsed.
start();

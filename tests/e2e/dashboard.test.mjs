// The dashboard (www/dashboard/) in headless Chromium against a real `eservqual serve`.
//
// Needs, before `node --test tests/e2e/dashboard.test.mjs`:
//   cargo build -p eservqual-server      (target/debug/eservqual)
//   scripts/build-dashboard.sh           (www/dashboard/vendor/chart.umd.js)
// Builds nothing itself. Starts the collector on a free port with a temporary database,
// 300 seeded responses and a known admin token, posts an XSS comment and a few gap and zone
// responses, then checks at 1280 and 375 px, in English and Chinese: the one-time URL, the
// "fix first" callout (= report.weakest), every chart and its data table, the NPS and CSAT tables
// equal to /v1/distributions and the comments to /v1/comments (the export itself is never
// downloaded by the page: no request to /v1/responses.jsonl), comments as text,
// export links, keyboard use, axe-core (WCAG 2.x A/AA) with 0 violations (light and dark
// colour schemes), no console error, no page error, and no CSP violation under the strict
// policy the collector should send. The collector segments by channel and device (the seed
// makes system availability weaker in the app): the comparison with the period before, each
// segment against the rest and the comment filters are checked against the API's own answers.
// Partial responses posted with known stopping steps back the completion card: its rate and
// drop-off per step are those computed by hand (and /v1/completion's), and axe sees it.
// A second collector with webhooks (a loopback receiver that accepts or refuses, a closed port)
// backs the webhook card: its counts and failures equal /v1/webhooks/deliveries.
// Screenshots go to $DASHBOARD_SHOTS (default /tmp).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomUUID } from 'node:crypto';
import { chromium } from 'playwright-core';
import AxeBuilder from '@axe-core/playwright';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const BIN = join(ROOT, 'target', 'debug', 'eservqual');
const VENDOR = join(ROOT, 'www', 'dashboard', 'vendor', 'chart.umd.js');
const TOKEN = 'e2e-dashboard-token-0123456789abcdef';
const SHOTS = process.env.DASHBOARD_SHOTS || tmpdir();
const XSS = '<img src=x onerror=alert(1)>';
// The policy the collector should send with the dashboard page (the test adds it to /dashboard
// answers, so the page is held to it whether or not the server sends it yet).
const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
const CHARTS = ['chart-dims', 'chart-ipa', 'chart-nps', 'chart-csat', 'chart-volume', 'chart-trend'];
const TABLES = ['table-dims', 'table-ipa', 'table-nps', 'table-csat', 'table-volume', 'table-trend', 'table-alpha', 'table-items'];
const NAMES = { EFF: 'Efficiency', SYS: 'System availability', FUL: 'Fulfillment', PRI: 'Privacy' };
const NAMES_ZH = { EFF: '效率', SYS: '系统可用性', FUL: '订单履行', PRI: '隐私' };
// A custom instrument (served with --instrument): its names and its 0-10 scale can only reach
// the page through the report.
const CUSTOM = {
  id: 'e2e-shop', version: '1', scale: { min: 0, max: 10 }, format: 'perception',
  dimensions: [
    { code: 'SPD', name: { en: 'Checkout speed', 'zh-CN': '结账速度' }, items: [{ code: 'SPD1', text: { en: 'Paying was quick.' } }, { code: 'SPD2', text: { en: 'No waiting.' } }] },
    { code: 'CARE', name: { en: 'Packaging care', 'zh-CN': '包装用心' }, items: [{ code: 'CARE1', text: { en: 'It arrived intact.' } }, { code: 'CARE2', text: { en: 'Neatly packed.' } }] },
  ],
};

let server;
let base;
let browser;
let dir;

function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms); }),
  ]);
}

function startServer() {
  dir = mkdtempSync(join(tmpdir(), 'esq-dash-'));
  writeFileSync(join(dir, 'custom.json'), JSON.stringify(CUSTOM));
  server = spawn(BIN, [
    'serve', '--addr', '127.0.0.1:0', '--db', join(dir, 'e2e.db'), '--seed', '300',
    '--admin-token', TOKEN, '--www', join(ROOT, 'www'), '--instrument', join(dir, 'custom.json'), '--segment', 'channel,device',
  ], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ESERVQUAL_LOG: 'warn' } });
  let err = '';
  server.stderr.on('data', (d) => { err += d; });
  return withTimeout(new Promise((resolve, reject) => {
    let out = '';
    server.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/listening on (http:\/\/[\d.]+:\d+)/);
      if (m) resolve(m[1]);
    });
    server.on('exit', (code) => reject(new Error(`eservqual serve exited (${code}): ${err}`)));
  }), 20_000, 'eservqual serve to start');
}

async function post(payload) {
  const res = await fetch(base + '/v1/responses', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(payload), signal: AbortSignal.timeout(10_000) });
  assert.ok(res.status === 201, `POST ${payload.instrument.id}/${payload.instrument.format}: ${res.status} ${await res.text()}`);
}

// A fresh one-time dashboard URL (each works once).
async function oneTimeUrl() {
  const res = await fetch(base + '/v1/session', { method: 'POST', headers: { Authorization: 'Bearer ' + TOKEN }, signal: AbortSignal.timeout(10_000) });
  assert.equal(res.status, 201, 'POST /v1/session');
  return base + (await res.json()).url;
}

async function admin(path) {
  const res = await fetch(base + path, { headers: { Authorization: 'Bearer ' + TOKEN }, signal: AbortSignal.timeout(10_000) });
  assert.equal(res.status, 200, path);
  return res.json();
}

// The e-s-qual payload of the test data folder.
const one = () => JSON.parse(readFileSync(join(ROOT, 'tests', 'data', 'esqual_one.json'), 'utf8'));

// A few valid gap (servqual) and zone (e-s-qual) responses, submitted in the last 30 hours (the
// collector refuses times more than 48 hours old): scores are left to the collector.
function gapPayload(i) {
  const dims = { TAN: 4, REL: 5, RSP: 4, ASR: 4, EMP: 5 };
  const answers = {};
  for (const [d, k] of Object.entries(dims)) {
    for (let j = 1; j <= k; j++) answers[d + j] = { p: 2 + ((i + j) % 5), e: 6 + ((i + j) % 2) };
  }
  return {
    schema: 'eservqual.response/1', id: randomUUID(), instrument: { id: 'servqual', version: '1', format: 'gap' },
    scale: { min: 1, max: 7 }, locale: 'en', submitted_at: new Date(Date.now() - i * 6 * 3_600_000).toISOString().replace(/\.\d+Z$/, 'Z'),
    answers, weights: { TAN: 10, REL: 30, RSP: 20, ASR: 25, EMP: 15 }, outcomes: { nps: i % 11, satisfaction: 1 + (i % 7) },
    scores: {}, sdk: { name: 'eservqual', version: '0.1.0' },
  };
}
function zonePayload(i) {
  const p = one();
  p.id = randomUUID();
  p.instrument.format = 'zone';
  p.scale = { min: 1, max: 9 };
  p.submitted_at = new Date(Date.now() - i * 6 * 3_600_000).toISOString().replace(/\.\d+Z$/, 'Z');
  delete p.started_at;
  for (const [k, j] of Object.keys(p.answers).map((k, j) => [k, j])) p.answers[k] = { p: 3 + ((i + j) % 6), min: 3 + (j % 2), des: 7 + (i % 2) };
  p.scores = {};
  return p;
}

// Custom-instrument responses: checkout speed answered high, packaging low (the weakest).
function customPayload(i) {
  return {
    schema: 'eservqual.response/1', id: randomUUID(), instrument: { id: CUSTOM.id, version: CUSTOM.version, format: 'perception' },
    scale: CUSTOM.scale, locale: 'en', submitted_at: new Date(Date.now() - i * 3_600_000).toISOString().replace(/\.\d+Z$/, 'Z'),
    answers: { SPD1: { p: 8 + (i % 3) }, SPD2: { p: 9 }, CARE1: { p: 2 + (i % 2) }, CARE2: { p: 4 } },
    outcomes: { nps: 7 }, scores: {}, sdk: { name: 'eservqual', version: '0.1.0' },
  };
}

// The partial responses posted, by hand: [dimensions left unanswered, outcomes unanswered]. Three
// stop at SYS, one at PRI, two at the outcome questions.
const PARTIALS = [
  [['SYS', 'FUL', 'PRI'], true], [['SYS', 'FUL', 'PRI'], false], [['SYS', 'PRI'], true],
  [['PRI'], true], [[], true], [[], true],
];
const DROP_OFF = { EFF: 0, SYS: 3, FUL: 0, PRI: 1, screen: 0, recovery: 0, outcomes: 2, weights: 0 };
function partialPayload(id, cleared, noOutcomes) {
  const p = one();
  p.id = id;
  p.status = 'partial';
  p.submitted_at = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  delete p.started_at;
  for (const code of Object.keys(p.answers)) if (cleared.includes(code.slice(0, 3))) p.answers[code] = { p: null };
  if (noOutcomes) p.outcomes = { nps: null, value: [null, null, null, null], loyalty: [null, null, null, null, null] };
  // The client's scores are left to the collector (stored with the flag).
  p.scores = {};
  return p;
}

before(async () => {
  assert.ok(existsSync(BIN), `${BIN} is missing: run \`cargo build -p eservqual-server\` first`);
  assert.ok(existsSync(VENDOR), `${VENDOR} is missing: run scripts/build-dashboard.sh first`);
  base = await startServer();
  const xss = one();
  xss.id = randomUUID();
  xss.submitted_at = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  delete xss.started_at;
  xss.outcomes.comment = XSS;
  await post(xss);
  for (let i = 0; i < 6; i++) {
    await post(gapPayload(i));
    await post(zonePayload(i));
  }
  // Partial responses (the completion card, also seen by axe in every check): where each stopped,
  // and one replaced by its complete response.
  for (const [cleared, noOutcomes] of PARTIALS) await post(partialPayload(randomUUID(), cleared, noOutcomes));
  const finished = randomUUID();
  await post(partialPayload(finished, ['PRI'], false));
  const complete = one();
  complete.id = finished;
  complete.submitted_at = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  delete complete.started_at;
  await post(complete);
  for (let i = 0; i < 4; i++) {
    const res = await fetch(base + '/v1/responses', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(customPayload(i)), signal: AbortSignal.timeout(10_000) });
    // Empty client scores are stored and flagged, as any client's that differ.
    assert.equal(res.status, 201, `POST ${CUSTOM.id}: ${await res.text()}`);
  }
  browser = await withTimeout(chromium.launch({
    executablePath: '/usr/bin/chromium', headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  }), 20_000, 'Chromium to start');
});

after(async () => {
  if (browser) await withTimeout(browser.close(), 10_000, 'Chromium to close').catch(() => {});
  if (server && server.exitCode === null) {
    const gone = new Promise((resolve) => server.once('exit', resolve));
    server.kill('SIGTERM');
    await withTimeout(gone, 5_000, 'the server to stop').catch(() => server.kill('SIGKILL'));
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function open(width, locale = 'en-US') {
  const context = await browser.newContext({ viewport: { width, height: 900 }, locale, reducedMotion: 'reduce' });
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  const problems = [];
  // The paths the page requested, in order.
  const requested = [];
  page.on('request', (r) => requested.push(new URL(r.url()).pathname));
  page.on('console', (m) => { if (m.type() === 'error') problems.push('console: ' + m.text()); });
  page.on('pageerror', (e) => problems.push('pageerror: ' + e.message));
  page.on('dialog', (d) => { problems.push('dialog: ' + d.message()); d.dismiss().catch(() => {}); });
  await page.addInitScript(() => {
    window.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));
  });
  // The collector itself sends the strict policy with the page.
  page.on('response', (r) => {
    const url = new URL(r.url());
    if (url.pathname === '/dashboard' && r.status() === 200 && r.headers()['content-security-policy'] !== CSP) {
      problems.push(`the dashboard was served without the strict CSP: ${r.headers()['content-security-policy']}`);
    }
  });
  return { context, page, problems, requested };
}

async function ready(page) {
  await page.waitForSelector('#content:not([hidden])');
  await page.waitForFunction(() => document.getElementById('fix-first').dataset.dimension !== undefined && /\d/.test(document.getElementById('status').textContent));
}

// axe-core in the light and the dark colour scheme (the page declares a light one: a dark
// preference must not leave it unreadable).
async function axe(page, what) {
  for (const colorScheme of ['light', 'dark']) {
    await page.emulateMedia({ colorScheme });
    const result = await new AxeBuilder({ page }).withTags(AXE_TAGS).analyze();
    const summary = result.violations.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
    assert.deepEqual(summary, [], `axe violations (${what}, ${colorScheme})`);
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

async function chartsDrawn(page, ids) {
  for (const id of ids) {
    const info = await page.evaluate((id) => {
      const c = document.getElementById(id);
      if (!c || !c.getContext) return { missing: true };
      const { width, height } = c;
      const data = c.getContext('2d').getImageData(0, 0, width, height).data;
      let ink = 0;
      for (let i = 3; i < data.length; i += 4) if (data[i] > 0) ink++;
      return { width, height, ink, label: c.getAttribute('aria-label') || '', visible: !!c.offsetParent };
    }, id);
    assert.ok(!info.missing, `${id}: no canvas`);
    assert.ok(info.visible, `${id}: not visible`);
    assert.ok(info.width > 100 && info.height > 100, `${id}: canvas ${info.width}x${info.height}`);
    assert.ok(info.ink > 1000, `${id}: canvas nearly empty (${info.ink} painted pixels)`);
    assert.ok(info.label.length > 20, `${id}: no text alternative`);
  }
}

async function tablesFilled(page, ids) {
  for (const id of ids) {
    const rows = await page.locator(`#${id} table tbody tr`).count();
    assert.ok(rows > 0, `${id}: no data table rows`);
    assert.equal(await page.locator(`#${id} table caption`).count(), 1, `${id}: no caption`);
  }
}

// The NPS and CSAT tables hold the counts of /v1/distributions; the comments are those of
// /v1/comments, counted "20 of M" with M its total; and (given what the page requested so far)
// the page fetched those, not the export.
async function outcomesFromTheServer(page, requested) {
  const dist = await admin('/v1/distributions?instrument=e-s-qual&format=perception');
  const latest = await admin('/v1/comments?instrument=e-s-qual&format=perception&limit=20');
  assert.equal(dist.nps.counts.length, 11);
  assert.ok(dist.comments > 20, `seeded comments: ${dist.comments}`);
  const column = (id, col) => page.locator(`#${id} table tbody tr`).evaluateAll((trs, c) => trs.map((tr) => tr.children[c].textContent), col);
  assert.deepEqual((await column('table-nps', 2)).map((x) => Number(x.replace(/\D/g, ''))), dist.nps.counts);
  assert.deepEqual((await column('table-csat', 1)).map((x) => Number(x.replace(/\D/g, ''))), dist.csat.counts);
  const texts = await page.locator('#comments .comment-text').allTextContents();
  assert.deepEqual(texts, latest.comments.map((c) => c.comment));
  const sub = await page.locator('#comments-sub').textContent();
  assert.ok(sub.includes(String(dist.comments)) || sub.includes(dist.comments.toLocaleString('en-US')), sub);
  if (requested) {
    assert.ok(requested.includes('/v1/distributions') && requested.includes('/v1/comments'), requested.join(' '));
    assert.ok(!requested.includes('/v1/responses.jsonl'), 'the page downloaded the JSONL export');
  }
  return texts;
}

async function check(width) {
  const report = await admin('/v1/report?instrument=e-s-qual&format=perception');
  assert.ok(report.weakest, 'the report names a weakest dimension');
  const { context, page, problems, requested } = await open(width);
  try {
    await page.goto(await oneTimeUrl());
    assert.equal(new URL(page.url()).pathname, '/dashboard');
    assert.equal(new URL(page.url()).search, '', 'the token left the address bar');
    await ready(page);

    // The callout names report.weakest.
    const fix = page.locator('#fix-first');
    assert.equal(await fix.getAttribute('data-dimension'), report.weakest);
    const title = await page.locator('#fix-title').textContent();
    assert.ok(title.startsWith('Fix first: ' + NAMES[report.weakest]), title);
    const n = report.dimensions[report.weakest].p.n;
    assert.ok(title.includes('n ' + n), title);
    // The one-line hint is the report's (the core's wording), not a copy kept by the page.
    assert.ok(report.labels[report.weakest].hint.en.length > 10);
    assert.equal(await page.locator('#fix-covers').textContent(), `What it covers: ${report.labels[report.weakest].hint.en}`);
    assert.equal(await page.locator('#dims-sub').textContent(), 'Mean perception per dimension on the 1–5 scale, with 95% intervals.');

    await chartsDrawn(page, CHARTS);
    await tablesFilled(page, TABLES);
    await outcomesFromTheServer(page, requested);
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'no horizontal scroll');

    // Comments are text: the XSS comment shows literally and creates no element.
    const texts = await page.locator('#comments .comment-text').allTextContents();
    assert.ok(texts.includes(XSS), 'the XSS comment is listed as text');
    assert.equal(await page.locator('img').count(), 0, 'no img element anywhere');
    assert.equal(await page.locator('#comments .comment-text').evaluateAll((ps) => ps.filter((p) => p.children.length).length), 0);

    // Export links carry the filter and download with the cookie.
    const csv = await page.locator('#export-csv').getAttribute('href');
    const jsonl = await page.locator('#export-jsonl').getAttribute('href');
    assert.match(csv, /^\/v1\/responses\.csv\?instrument=e-s-qual&format=perception/);
    assert.match(jsonl, /^\/v1\/responses\.jsonl\?instrument=e-s-qual&format=perception/);
    const statuses = await page.evaluate(async (urls) => Promise.all(urls.map(async (u) => (await fetch(u)).status)), [csv, jsonl]);
    assert.deepEqual(statuses, [200, 200]);

    // Keyboard: a data table opens from its summary.
    await page.locator('#table-dims').locator('xpath=..').locator('summary').focus();
    await page.keyboard.press('Enter');
    assert.equal(await page.locator('#table-dims').locator('xpath=..').getAttribute('open'), '');

    // The segment tables are part of what axe and the screenshots see, in both languages.
    await page.selectOption('#f-segment', 'channel');
    await page.waitForSelector('#segment-tables table');
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'no horizontal scroll with segments');

    await page.screenshot({ path: join(SHOTS, `dashboard-${width}-en.png`), fullPage: true });
    await axe(page, `en, ${width} px`);

    // Chinese, switched from the keyboard.
    await page.locator('button[data-lang="zh"]').focus();
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.documentElement.lang === 'zh-CN');
    assert.equal(await page.locator('button[data-lang="zh"]').getAttribute('aria-pressed'), 'true');
    const zh = await page.locator('#fix-title').textContent();
    assert.ok(zh.startsWith('优先改进：' + NAMES_ZH[report.weakest]), zh);
    assert.equal(await page.locator('#dims-title').textContent(), '各维度得分');
    await chartsDrawn(page, CHARTS);
    await tablesFilled(page, TABLES);
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'no horizontal scroll (zh)');
    assert.ok((await page.locator('#comments .comment-text').allTextContents()).includes(XSS));
    assert.equal(await page.locator('img').count(), 0);
    // (The export links were fetched above on purpose: the requests are not checked again.)
    await outcomesFromTheServer(page, null);
    await page.screenshot({ path: join(SHOTS, `dashboard-${width}-zh.png`), fullPage: true });
    await axe(page, `zh, ${width} px`);

    if (width >= 1000) {
      // The gap chart and the zone-of-tolerance chart, from the posted gap and zone responses.
      await page.locator('button[data-lang="en"]').click();
      for (const [hash, instrument, format] of [['instrument=servqual&format=gap', 'servqual', 'gap'], ['instrument=e-s-qual&format=zone', 'e-s-qual', 'zone']]) {
        const r = await admin(`/v1/report?instrument=${instrument}&format=${format}`);
        await page.evaluate((h) => { location.hash = h; }, hash);
        await page.waitForFunction((f) => document.getElementById('status').textContent.includes(f + ' format'), format);
        assert.equal(await page.locator('#card-gapzone').isVisible(), true);
        assert.equal(await fix.getAttribute('data-dimension'), r.weakest);
        await chartsDrawn(page, ['chart-dims', 'chart-gapzone', 'chart-trend']);
        await tablesFilled(page, ['table-gapzone']);
        // Fewer than 30 answers: greyed and flagged.
        assert.ok(await page.locator('#fix-flag').isVisible(), 'n < 30 is flagged on the callout');
        assert.ok(await page.locator('.kpi.low-n').count() > 0, 'n < 30 KPIs are greyed');
        await page.screenshot({ path: join(SHOTS, `dashboard-${width}-${format}.png`), fullPage: true });
        await axe(page, `${format}, ${width} px`);
      }
    }

    assert.deepEqual(await page.evaluate(() => window.__csp), [], 'CSP violations');
    assert.deepEqual(problems, [], 'console errors, page errors or dialogs');
  } finally {
    await context.close();
  }
}

test('dashboard at 1280 px: callout, charts, tables, comments as text, zh, axe, CSP', { timeout: 60_000 }, () => check(1280));
test('dashboard at 375 px: the same on a phone', { timeout: 45_000 }, () => check(375));

test('completion: the rate and the drop-off per step of the partial responses posted (en, zh)', { timeout: 45_000 }, async () => {
  const report = await admin('/v1/report?instrument=e-s-qual&format=perception');
  const partial = PARTIALS.length;
  const started = report.responses + partial;
  // The endpoint's numbers are those posted (the complete ones counted by the report).
  const api = await admin('/v1/completion?instrument=e-s-qual&format=perception');
  assert.deepEqual(
    { started: api.started, complete: api.complete, partial: api.partial, unplaced: api.unplaced },
    { started, complete: report.responses, partial, unplaced: 0 },
  );
  assert.deepEqual(Object.fromEntries(api.drop_off.map((d) => [d.step, d.partial])), DROP_OFF);
  const { context, page, problems } = await open(1280);
  try {
    await page.goto(await oneTimeUrl());
    await ready(page);
    await page.waitForSelector('#card-completion:not([hidden]) #table-completion table');
    const percent = (x, digits, tag) => new Intl.NumberFormat(tag, { style: 'percent', minimumFractionDigits: digits, maximumFractionDigits: digits }).format(x);
    const rows = async () => (await tableRows(page, '#table-completion'));
    const expected = (names, steps, tag) => Object.entries(DROP_OFF).map(([step, n]) => [names[step] || steps[step], String(n), percent(n / partial, 0, tag)]);
    assert.equal(await page.locator('#completion-rate').textContent(), percent(report.responses / started, 1, 'en'));
    assert.equal(await page.locator('#completion-label').textContent(), `completed: ${report.responses} of ${started} started`);
    assert.equal(await page.locator('#completion-sub').textContent(), `${partial} visitors left after answering part of the questionnaire: where each stopped.`);
    assert.deepEqual(await rows(), expected(NAMES, { screen: 'Problem question (before E-RecS-QUAL)', recovery: 'Problem resolution (E-RecS-QUAL)', outcomes: 'Outcome questions', weights: 'Importance points' }, 'en'));
    assert.equal(await page.locator('#table-completion caption').textContent(), 'Drop-off per step');
    await page.locator('#card-completion').screenshot({ path: join(SHOTS, 'dashboard-completion-en.png') });
    await axe(page, 'completion, en');
    await page.locator('button[data-lang="zh"]').click();
    await page.waitForFunction(() => document.documentElement.lang === 'zh-CN');
    assert.equal(await page.locator('#completion-title').textContent(), '完成率');
    assert.deepEqual(await rows(), expected(NAMES_ZH, { screen: '问题询问（E-RecS-QUAL 之前）', recovery: '问题处理（E-RecS-QUAL）', outcomes: '结果问题', weights: '重要性分配' }, 'zh-CN'));
    await page.locator('#card-completion').screenshot({ path: join(SHOTS, 'dashboard-completion-zh.png') });
    await axe(page, 'completion, zh');
    // A selection without partial responses has no card.
    await page.locator('button[data-lang="en"]').click();
    await page.evaluate(() => { location.hash = 'instrument=servqual&format=gap'; });
    await page.waitForFunction(() => document.getElementById('status').textContent.includes('gap format'));
    await page.waitForFunction(() => document.getElementById('card-completion').hidden);
    assert.deepEqual(await page.evaluate(() => window.__csp), [], 'CSP violations');
    assert.deepEqual(problems, [], 'console errors, page errors or dialogs');
  } finally {
    await context.close();
  }
});

test('a Chinese browser gets the Chinese dashboard by default', { timeout: 30_000 }, async () => {
  const report = await admin('/v1/report?instrument=e-s-qual&format=perception');
  const { context, page, problems } = await open(1280, 'zh-CN');
  try {
    await page.goto(await oneTimeUrl());
    await ready(page);
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'zh-CN');
    assert.ok((await page.locator('#fix-title').textContent()).startsWith('优先改进：' + NAMES_ZH[report.weakest]));
    assert.deepEqual(await page.evaluate(() => window.__csp), []);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('a custom instrument: its own dimension names and scale, from the report (en, zh)', { timeout: 45_000 }, async () => {
  const report = await admin(`/v1/report?instrument=${CUSTOM.id}`);
  assert.deepEqual(report.scale, CUSTOM.scale);
  assert.equal(report.weakest, 'CARE');
  const { context, page, problems } = await open(1280);
  try {
    await page.goto(await oneTimeUrl());
    await ready(page);
    await page.evaluate((h) => { location.hash = h; }, `instrument=${CUSTOM.id}`);
    await page.waitForFunction(() => document.getElementById('fix-first').dataset.dimension === 'CARE');
    assert.ok((await page.locator('#fix-title').textContent()).startsWith('Fix first: Packaging care'));
    // A custom instrument has no hints: the line is hidden, not filled with a code or a copy.
    assert.equal(await page.locator('#fix-covers').isVisible(), false);
    // Row headers in the report's order, each its name (the "n < 30" badge follows as an element).
    const named = (lang) => Object.keys(report.dimensions).map((c) => CUSTOM.dimensions.find((d) => d.code === c).name[lang]);
    const rowNames = () => page.locator('#table-dims table tbody th').evaluateAll((ths) => ths.map((th) => th.firstChild.textContent));
    assert.deepEqual(await rowNames(), named('en'));
    assert.deepEqual(named('en').slice().sort(), ['Checkout speed', 'Packaging care']);
    assert.equal(await page.locator('#dims-sub').textContent(), 'Mean perception per dimension on the 0–10 scale, with 95% intervals.');
    const axis = await page.evaluate(() => {
      const x = window.Chart.getChart(document.getElementById('chart-dims')).scales.x;
      return [x.min, x.max];
    });
    assert.deepEqual(axis, [0, 10]);
    const kpi = await page.locator('#kpi-overall .kpi-value').textContent();
    assert.ok(kpi.endsWith('of 10'), kpi);
    const items = await page.locator('#table-items table tbody tr').evaluateAll((trs) => trs.map((tr) => [tr.children[0].textContent, tr.children[1].textContent]));
    const expectedItems = Object.entries(report.dimensions).flatMap(([c, d]) => Object.keys(d.items).map((i) => [i, named('en')[Object.keys(report.dimensions).indexOf(c)]]));
    assert.deepEqual(items, expectedItems);
    assert.deepEqual(items.map((x) => x.join(' ')).sort(), ['CARE1 Packaging care', 'CARE2 Packaging care', 'SPD1 Checkout speed', 'SPD2 Checkout speed']);
    await chartsDrawn(page, ['chart-dims', 'chart-trend']);
    await axe(page, 'custom instrument, en');

    await page.locator('button[data-lang="zh"]').click();
    await page.waitForFunction(() => document.documentElement.lang === 'zh-CN');
    assert.deepEqual(await rowNames(), named('zh-CN'));
    assert.ok((await page.locator('#fix-title').textContent()).startsWith('优先改进：包装用心'));
    await axe(page, 'custom instrument, zh');
    assert.deepEqual(await page.evaluate(() => window.__csp), [], 'CSP violations');
    assert.deepEqual(problems, [], 'console errors, page errors or dialogs');
  } finally {
    await context.close();
  }
});

// Issue #19: the trend axis must not repeat a label (3.5, 3.5, 3.4 … at one decimal), and counts
// read as words do: "1 week", not "1 weeks"; all comments shown is not "2 latest of 2 comments".
test('axis labels are distinct, and counts follow the plural rules (en, zh)', { timeout: 45_000 }, async () => {
  const report = await admin('/v1/report?instrument=e-s-qual&format=perception');
  const last = report.trend[report.trend.length - 1].week.slice(0, 10);
  const end = new Date(Date.parse(last + 'T00:00:00Z') + 6 * 86400000).toISOString().slice(0, 10);
  for (const [locale, week, comments] of [
    ['en-US', / over 1 week\.$/, /^(One comment\.|\d+ comments, the latest first\.|The latest 20 of \d+ comments\.)$/],
    ['zh-CN', /^1 周共 \d+ 份答卷。$/, /^共 \d+ 条评论，(最新的在前|显示最新 20 条)。$/],
  ]) {
    const { context, page, problems } = await open(1280, locale);
    try {
      await page.goto(await oneTimeUrl());
      await ready(page);
      const labels = await page.evaluate(() => window.Chart.getChart(document.getElementById('chart-trend')).scales.y.ticks.map((t) => t.label));
      assert.ok(labels.length > 2, `${labels}`);
      assert.equal(new Set(labels).size, labels.length, `repeated trend axis labels: ${labels}`);
      // One week of responses.
      await page.goto(`${base}/dashboard#instrument=e-s-qual&from=${last}&to=${end}`);
      await page.reload();
      await ready(page);
      await page.waitForFunction(() => /\d/.test(document.getElementById('comments-sub').textContent));
      const volume = await page.locator('#volume-sub').textContent();
      assert.match(volume, week);
      assert.doesNotMatch(volume, /\b1 weeks/);
      const sub = await page.locator('#comments-sub').textContent();
      assert.match(sub, comments);
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  }
});

// What a verdict reads as, per language (the page's words, written out here on purpose).
const WORDS = {
  en: { up: 'up', down: 'down', 'no clear change': 'no clear change' },
  zh: { up: '上升', down: '下降', 'no clear change': '无明显变化' },
};
const ARROWS = { up: '↑', down: '↓', 'no clear change': '→' };
const isoDay = (ms) => new Date(ms).toISOString().slice(0, 10);
const DAY = 86_400_000;
// A difference as the page prints a mean's: two decimals, a sign, a true minus.
const signed2 = (x) => (x > 0 ? '+' : '') + x.toFixed(2).replace('-', '\u2212');
const holm = (p) => (p < 0.001 ? '< 0.001' : p.toFixed(3));

// The verdicts shown in a list of `li.change` (key → [arrow, word, title]) or in a table's rows.
const shownChanges = (page) => page.locator('#changes li.change').evaluateAll((lis) => lis.map((li) => [
  li.dataset.key, li.querySelector('.verdict-arrow').textContent, li.querySelector('.verdict-word').textContent, li.querySelector('.verdict').title,
]));
const tableRows = (page, sel) => page.locator(`${sel} table tbody tr`).evaluateAll((trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent)));

test('compared with the period before: arrows and words, the numbers of /v1/report (en, zh)', { timeout: 60_000 }, async () => {
  // No period chosen: the last 28 days against the 28 before, asked of the collector here.
  const now = Date.now();
  const to = isoDay(now);
  const from = isoDay(now - 27 * DAY);
  const baseRange = `${isoDay(now - 55 * DAY)}..${isoDay(now - 28 * DAY)}`;
  const c = (await admin(`/v1/report?instrument=e-s-qual&format=perception&from=${from}&to=${to}&compare=${baseRange}`)).compare;
  assert.ok(c && c.dimensions && c.dimensions.SYS, 'the collector compares');
  const expectedKeys = Object.keys(c.dimensions).concat(['overall', 'nps', 'csat']);
  const { context, page, problems, requested } = await open(1280);
  const reports = [];
  page.on('request', (r) => { if (new URL(r.url()).pathname === '/v1/report') reports.push(new URL(r.url()).searchParams); });
  try {
    await page.goto(await oneTimeUrl());
    await ready(page);
    await page.waitForSelector('#changes li.change');
    assert.equal(await page.locator('#f-compare').inputValue(), 'previous');
    const shown = await shownChanges(page);
    assert.deepEqual(shown.map((x) => x[0]).sort(), expectedKeys.slice().sort());
    for (const [key, arrow, word, title] of shown) {
      const test = c.dimensions[key] || c[key];
      // Never colour alone: an arrow and the verdict's word, the numbers on hover.
      assert.equal(word, WORDS.en[test.verdict], key);
      assert.equal(arrow, ARROWS[test.verdict], key);
      assert.ok(title.includes(holm(test.p_adjusted)), `${key}: ${title}`);
      if (c.dimensions[key]) {
        assert.ok(title.startsWith(`Difference ${signed2(test.difference)} (95% interval ${signed2(test.ci95[0])} – ${signed2(test.ci95[1])})`), `${key}: ${title}`);
      }
    }
    // The key figures carry the verdicts of the overall score, NPS and CSAT.
    for (const [id, key] of [['kpi-overall', 'overall'], ['kpi-nps', 'nps'], ['kpi-csat', 'csat']]) {
      assert.equal(await page.locator(`#${id} .kpi-change .verdict-word`).textContent(), WORDS.en[c[key].verdict], id);
    }
    // The data table: difference, interval, Holm p and the word, per dimension.
    const rows = await tableRows(page, '#table-compare');
    assert.equal(rows.length, expectedKeys.length);
    Object.entries(c.dimensions).forEach(([code, test]) => {
      const row = rows.find((r) => r[0] === NAMES[code]);
      assert.ok(row, code);
      assert.deepEqual(row.slice(1), [test.current.toFixed(2), test.base.toFixed(2), ARROWS[test.verdict] + WORDS.en[test.verdict],
        signed2(test.difference), `${signed2(test.ci95[0])} – ${signed2(test.ci95[1])}`, holm(test.p_adjusted)]);
    });
    assert.ok(requested.filter((p) => p === '/v1/report').length >= 2, 'the comparison is a report of its own');
    assert.ok(reports.some((q) => q.get('compare') === baseRange && q.get('from') === from && q.get('to') === to), 'asked for the last 28 days against the 28 before');

    await page.locator('button[data-lang="zh"]').click();
    await page.waitForFunction(() => document.documentElement.lang === 'zh-CN');
    for (const [key, , word] of await shownChanges(page)) assert.equal(word, WORDS.zh[(c.dimensions[key] || c[key]).verdict], key);
    await page.locator('button[data-lang="en"]').click();

    // A chosen week is compared with the week before it, in the same request as the report.
    const wFrom = isoDay(now - 6 * DAY);
    const wBase = `${isoDay(now - 13 * DAY)}..${isoDay(now - 7 * DAY)}`;
    reports.length = 0;
    await page.fill('#f-from', wFrom);
    await page.locator('#f-from').dispatchEvent('change');
    await page.fill('#f-to', to);
    await page.locator('#f-to').dispatchEvent('change');
    const week = (await admin(`/v1/report?instrument=e-s-qual&format=perception&from=${wFrom}&to=${to}&compare=${wBase}`)).compare;
    await page.waitForFunction((n) => document.getElementById('compare-sub').textContent.includes(`(${n} responses)`), week.current.responses.toLocaleString('en-US'));
    assert.ok(reports.some((q) => q.get('compare') === wBase && q.get('from') === wFrom && q.get('to') === to), 'the week before');
    const weekShown = await shownChanges(page);
    for (const [key, , word] of weekShown) assert.equal(word, WORDS.en[(week.dimensions[key] || week[key]).verdict], key);
    assert.ok(new URL(page.url()).hash.includes(`from=${wFrom}`));

    // "No comparison": the card goes, and the report is asked without one.
    reports.length = 0;
    await page.selectOption('#f-compare', 'none');
    await page.waitForFunction(() => document.getElementById('card-compare').hidden);
    await ready(page);
    assert.ok(reports.length > 0 && reports.every((q) => !q.has('compare')), 'no comparison asked');
    assert.ok(new URL(page.url()).hash.includes('compare=none'));
    await axe(page, 'no comparison');
    assert.deepEqual(await page.evaluate(() => window.__csp), [], 'CSP violations');
    assert.deepEqual(problems, [], 'console errors, page errors or dialogs');
  } finally {
    await context.close();
  }
});

test('segments: the app channel is down on system availability against the rest (en, zh)', { timeout: 60_000 }, async () => {
  assert.deepEqual((await admin('/v1/segments')).keys, ['channel', 'device']);
  const seg = (await admin('/v1/report?instrument=e-s-qual&format=perception&by=meta.channel')).segments;
  // The seed's planted effect, as the collector tests it.
  assert.equal(seg.values.app.against_rest.dimensions.SYS.verdict, 'down');
  const { context, page, problems } = await open(1280);
  try {
    await page.goto(await oneTimeUrl());
    await ready(page);
    assert.equal(await page.locator('#f-segment-field').isVisible(), true);
    assert.equal(await page.locator('#card-segments').isVisible(), false, 'no segments until a key is chosen');
    await page.selectOption('#f-segment', 'channel');
    await page.waitForSelector('#segment-tables table');
    assert.ok(new URL(page.url()).hash.includes('by=channel'));
    const values = await page.locator('#segment-tables .segment').evaluateAll((ds) => ds.map((d) => d.dataset.value));
    assert.deepEqual(values, Object.keys(seg.values));
    for (const [i, value] of values.entries()) {
      const s = seg.values[value];
      const caption = await page.locator(`#segment-${i} caption`).textContent();
      assert.ok(caption.startsWith(`channel = ${value}: ${s.responses.toLocaleString('en-US')} responses`), caption);
      assert.equal(await page.locator(`#segment-${i} caption .badge`).count(), s.small ? 1 : 0, `${value}: the fewer-than-30 badge`);
      const rows = await tableRows(page, `#segment-${i}`);
      for (const [code, test] of Object.entries(s.against_rest.dimensions)) {
        const row = rows.find((r) => r[0] === NAMES[code]);
        assert.deepEqual(row.slice(1), [s.report.dimensions[code].p.mean.toFixed(2), ARROWS[test.verdict] + WORDS.en[test.verdict],
          signed2(test.difference), `${signed2(test.ci95[0])} – ${signed2(test.ci95[1])}`, holm(test.p_adjusted)], `${value} ${code}`);
      }
    }
    const app = values.indexOf('app');
    const sysVerdict = (i, name) => page.locator(`#segment-${i} tbody tr`).filter({ hasText: name }).locator('.verdict').first();
    assert.equal(await sysVerdict(app, NAMES.SYS).locator('.verdict-word').textContent(), 'down');
    assert.equal(await sysVerdict(app, NAMES.SYS).locator('.verdict-arrow').textContent(), '↓');
    assert.equal(await sysVerdict(app, NAMES.SYS).locator('.verdict-arrow').getAttribute('aria-hidden'), 'true');
    await axe(page, 'segments, en');
    await page.locator('button[data-lang="zh"]').click();
    await page.waitForFunction(() => document.documentElement.lang === 'zh-CN');
    assert.equal(await sysVerdict(app, NAMES_ZH.SYS).locator('.verdict-word').textContent(), '下降');
    await axe(page, 'segments, zh');

    // "No segments" takes the tables away.
    await page.selectOption('#f-segment', '');
    await page.waitForFunction(() => document.getElementById('card-segments').hidden);
    assert.deepEqual(await page.evaluate(() => window.__csp), [], 'CSP violations');
    assert.deepEqual(problems, [], 'console errors, page errors or dialogs');
  } finally {
    await context.close();
  }
});

test('comment filters narrow the list to what /v1/comments answers for the same filter', { timeout: 60_000 }, async () => {
  const q = 'instrument=e-s-qual&format=perception&limit=20';
  const texts = (body) => body.comments.map((c) => c.comment);
  const { context, page, problems, requested } = await open(1280);
  try {
    await page.goto(await oneTimeUrl());
    await ready(page);
    await page.selectOption('#f-segment', 'channel');
    await page.waitForSelector('#segment-tables table');
    const shown = () => page.locator('#comments .comment-text').allTextContents();
    const settle = async (expected) => {
      await page.waitForFunction((want) => JSON.stringify([...document.querySelectorAll('#comments .comment-text')].map((p) => p.textContent)) === want, JSON.stringify(expected));
    };
    const all = await admin('/v1/comments?' + q);
    assert.deepEqual(await shown(), texts(all));

    // Each comment shows that respondent's dimension scores, the lowest marked.
    const first = all.comments[0];
    const scores = await page.locator('#comments .comment').first().locator('.comment-scores').textContent();
    for (const [code, s] of Object.entries(first.dimensions)) assert.ok(scores.includes(`${NAMES[code]} ${s.p.toFixed(2)}`), scores);
    assert.ok(scores.includes(`${NAMES[first.weakest]} ${first.dimensions[first.weakest].p.toFixed(2)} (lowest)`), scores);

    let filter = '';
    for (const [id, value, param] of [['cf-class', 'dissatisfied', 'class'], ['cf-nps', 'detractor', 'nps'], ['cf-weakest', 'SYS', 'weakest'], ['cf-segment', 'channel:app', 'segment']]) {
      await page.selectOption('#' + id, value);
      filter += `&${param}=${encodeURIComponent(value)}`;
      const expected = await admin('/v1/comments?' + q + filter);
      await settle(texts(expected));
      // Every comment listed has what the filter asks (the API's own fields).
      for (const c of expected.comments) {
        if (param === 'class') assert.equal(c.class, 'dissatisfied');
        if (param === 'segment') assert.equal(c.meta.channel, 'app');
      }
    }
    const narrowed = await admin('/v1/comments?' + q + filter);
    assert.ok(narrowed.comments.length < all.comments.length || all.comments.length === 0, 'the filters narrow the list');

    // Words: typed, then asked once the typing stops.
    await page.selectOption('#cf-class', '');
    await page.selectOption('#cf-nps', '');
    await page.selectOption('#cf-weakest', '');
    await page.selectOption('#cf-segment', '');
    await settle(texts(all));
    const word = all.comments.map((c) => c.comment.split(/\s+/).find((w) => w.length > 4)).find(Boolean) || 'late';
    const before = requested.filter((p) => p === '/v1/comments').length;
    await page.locator('#cf-q').pressSequentially(word, { delay: 20 });
    const matching = await admin('/v1/comments?' + q + '&q=' + encodeURIComponent(word));
    assert.ok(matching.comments.length > 0, word);
    await settle(texts(matching));
    assert.ok(matching.comments.every((c) => c.comment.toLowerCase().includes(word.toLowerCase())));
    // Debounced: fewer requests than keys pressed (one when typing is steady).
    const asked = requested.filter((p) => p === '/v1/comments').length - before;
    assert.ok(asked >= 1 && asked < word.length, `${asked} requests for ${word.length} keys`);
    const sub = await page.locator('#comments-sub').textContent();
    assert.match(sub, /matching comment/);

    await page.fill('#cf-q', 'zzzz-no-such-words');
    await settle([]);
    assert.equal(await page.locator('#comments-sub').textContent(), 'No comments match these filters.');
    await axe(page, 'comment filters, en');
    await page.locator('button[data-lang="zh"]').click();
    await page.waitForFunction(() => document.documentElement.lang === 'zh-CN');
    assert.equal(await page.locator('#comments-sub').textContent(), '没有符合筛选条件的评论。');
    await axe(page, 'comment filters, zh');
    assert.deepEqual(await page.evaluate(() => window.__csp), [], 'CSP violations');
    assert.deepEqual(problems, [], 'console errors, page errors or dialogs');
  } finally {
    await context.close();
  }
});

// A collector of its own for the webhook card: `hooks` given as --webhook, signed with a secret
// file; no seed. Resolves to { base, stop() }.
async function webhookCollector(hooks) {
  const own = mkdtempSync(join(tmpdir(), 'esq-dash-wh-'));
  writeFileSync(join(own, 'secret'), 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw\n');
  const args = ['serve', '--addr', '127.0.0.1:0', '--db', join(own, 'wh.db'), '--admin-token', TOKEN, '--www', join(ROOT, 'www'),
    '--webhook-secret-file', join(own, 'secret'), '--webhook-timeout', '2'];
  for (const h of hooks) args.push('--webhook', h);
  const child = spawn(BIN, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ESERVQUAL_LOG: 'warn' } });
  let err = '';
  child.stderr.on('data', (d) => { err += d; });
  const url = await withTimeout(new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/listening on (http:\/\/[\d.]+:\d+)/);
      if (m) resolve(m[1]);
    });
    child.on('exit', (code) => reject(new Error(`eservqual serve exited (${code}): ${err}`)));
  }), 20_000, 'eservqual serve (webhooks) to start');
  return {
    base: url,
    async stop() {
      if (child.exitCode === null) {
        const gone = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await withTimeout(gone, 5_000, 'the webhook collector to stop').catch(() => child.kill('SIGKILL'));
      }
      rmSync(own, { recursive: true, force: true });
    },
  };
}

async function adminOf(at, path) {
  const res = await fetch(at + path, { headers: { Authorization: 'Bearer ' + TOKEN }, signal: AbortSignal.timeout(10_000) });
  assert.equal(res.status, 200, path);
  return res.json();
}

// What the card shows: the count of each status, and the rows of the failures table.
async function shownDeliveries(page) {
  const counts = await page.locator('#webhooks-counts li').evaluateAll((lis) => Object.fromEntries(
    lis.map((li) => [li.dataset.status, [li.querySelector('.wh-count-label').textContent.trim(), li.querySelector('.wh-count-n').textContent]])));
  return { counts, rows: await tableRows(page, '#table-webhooks') };
}

test('webhook deliveries: the counts and latest failures of /v1/webhooks/deliveries, only when configured (en, zh)', { timeout: 90_000 }, async () => {
  // Without webhooks (the collector of the other tests): the endpoint says none, the card stays away.
  assert.equal((await admin('/v1/webhooks/deliveries')).webhooks, 0);
  {
    const { context, page, problems } = await open(1280);
    try {
      await page.goto(await oneTimeUrl());
      await ready(page);
      assert.equal(await page.locator('#card-webhooks').isVisible(), false, 'no webhook card without webhooks');
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  }

  // A receiver that takes events at /ok and refuses (400: failed for good) those at /refuse, and
  // an endpoint on a closed port: its events stay pending, retried.
  const receiver = createServer((req, res) => {
    req.resume();
    req.on('end', () => { res.statusCode = req.url.startsWith('/refuse') ? 400 : 200; res.end(); });
  });
  await new Promise((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const recv = `http://127.0.0.1:${receiver.address().port}`;
  const closed = createServer();
  await new Promise((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const closedPort = closed.address().port;
  await new Promise((resolve) => closed.close(resolve));
  const wh = await webhookCollector([
    `${recv}/ok;events=response.created`,
    `${recv}/refuse?token=s3cret;events=response.created;filter=nps<=6`,
    `http://127.0.0.1:${closedPort}/down;events=response.created`,
  ]);
  const { context, page, problems } = await open(1280);
  try {
    for (const nps of [3, 5, 9]) {
      const p = one();
      p.id = randomUUID();
      p.submitted_at = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
      delete p.started_at;
      p.outcomes.nps = nps;
      p.scores.nps_category = nps <= 6 ? 'detractor' : nps <= 8 ? 'passive' : 'promoter';
      const res = await fetch(wh.base + '/v1/responses', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(p), signal: AbortSignal.timeout(10_000) });
      assert.equal(res.status, 201, await res.text());
    }
    // Three events delivered (/ok), two refused (/refuse: NPS 3 and 5), three pending (the closed
    // port): the counts are the listing's own rows counted by status.
    const expected = { pending: 3, delivered: 3, failed: 2 };
    let body;
    for (let i = 0; ; i++) {
      body = await adminOf(wh.base, '/v1/webhooks/deliveries?limit=500');
      const byStatus = { pending: 0, delivered: 0, failed: 0 };
      for (const d of body.deliveries) byStatus[d.status] += 1;
      if (JSON.stringify(byStatus) === JSON.stringify(expected)) {
        assert.deepEqual(body.counts, byStatus, 'the counts of the endpoint are those of its rows');
        break;
      }
      assert.ok(i < 100, `deliveries not settled: ${JSON.stringify(body)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(body.webhooks, 3);

    await page.goto(wh.base + (await (await fetch(wh.base + '/v1/session', { method: 'POST', headers: { Authorization: 'Bearer ' + TOKEN } })).json()).url);
    await page.waitForSelector('#card-webhooks:not([hidden]) #table-webhooks table');
    const failed = await adminOf(wh.base, '/v1/webhooks/deliveries?status=failed&limit=5');
    const counts = (await adminOf(wh.base, '/v1/webhooks/deliveries?limit=1')).counts;
    assert.deepEqual(counts, expected);
    const expectRows = (fmt) => failed.deliveries.map((d) => [d.event_type, new URL(d.webhook).host, d.last_status, String(d.attempts),
      new Intl.DateTimeFormat(fmt, { timeZone: 'UTC', year: 'numeric', month: 'short', day: 'numeric' }).format(new Date(d.created_at))]);
    let shown = await shownDeliveries(page);
    assert.deepEqual(shown.counts, { pending: ['Pending:', '3'], delivered: ['Delivered:', '3'], failed: ['Failed:', '2'] });
    assert.deepEqual(shown.rows, expectRows('en'));
    assert.equal(failed.deliveries.length, 2);
    assert.ok(failed.deliveries.every((d) => d.last_status.startsWith('400') && d.attempts === 1), JSON.stringify(failed));
    // The endpoint's host only: its path and query (here a token) are not shown.
    const text = await page.locator('#card-webhooks').textContent();
    assert.ok(!text.includes('s3cret') && !text.includes('/refuse'), text);
    assert.equal(await page.locator('#table-webhooks caption').textContent(), 'The latest failed deliveries');
    assert.equal(await page.locator('#webhooks-sub').textContent(), 'Events for the 3 webhooks configured, since the database began.');
    await page.locator('#card-webhooks').screenshot({ path: join(SHOTS, 'dashboard-webhooks-en.png') });
    await axe(page, 'webhooks, en');

    await page.locator('button[data-lang="zh"]').click();
    await page.waitForFunction(() => document.documentElement.lang === 'zh-CN');
    shown = await shownDeliveries(page);
    assert.deepEqual(shown.counts, { pending: ['待投递：', '3'], delivered: ['已投递：', '3'], failed: ['失败：', '2'] });
    assert.deepEqual(shown.rows, expectRows('zh-CN'));
    assert.equal(await page.locator('#webhooks-title').textContent(), 'Webhook 投递');
    await page.locator('#card-webhooks').screenshot({ path: join(SHOTS, 'dashboard-webhooks-zh.png') });
    await axe(page, 'webhooks, zh');
    assert.deepEqual(await page.evaluate(() => window.__csp), [], 'CSP violations');
    assert.deepEqual(problems, [], 'console errors, page errors or dialogs');
  } finally {
    await context.close();
    await wh.stop();
    await new Promise((resolve) => receiver.close(resolve));
  }
});

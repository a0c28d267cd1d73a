// Benchmarks 2 and 5 of BENCHMARKS.md, in headless Chromium (playwright-core, Debian's
// Chromium): the same 22-item E-S-QUAL questionnaire rendered by eservqual and by SurveyJS on
// otherwise identical local pages, runs alternated; and score() in the wasm, once and in a
// loop. Prints one JSON object on stdout. Usage: node bench/render.mjs RUNS ITEMS.json
import { createServer } from "node:http";
import { readFileSync, existsSync } from "node:fs";
import { join, extname } from "node:path";
import { chromium } from "playwright-core";

const BENCH = new URL(".", import.meta.url).pathname;
const ROOT = join(BENCH, "..");
const runs = Number(process.argv[2] || 20);
const items = JSON.parse(readFileSync(process.argv[3], "utf8"));
const payload = readFileSync(join(ROOT, "tests/data/esqual_one.json"), "utf8");

const DIMS = [["EFF", "Efficiency"], ["SYS", "System availability"], ["FUL", "Fulfillment"], ["PRI", "Privacy"]];
// SurveyJS gets the same steps as eservqual: one page per dimension, five-point ratings.
const model = {
  pages: DIMS.map(([code, title]) => ({
    name: code,
    title,
    elements: items.filter(([c]) => c.startsWith(code)).map(([c, t]) => ({ type: "rating", name: c, title: t, rateMin: 1, rateMax: 5 })),
  })),
};

// Each page records: the first item interactive (ms since navigation start), long tasks, and
// after open(): the time to the next frame painted, and the JS heap.
const PROBE = `
window.__longtasks = 0;
window.__longtaskList = [];
new PerformanceObserver((l) => {
  window.__longtasks += l.getEntries().length;
  for (const e of l.getEntries()) window.__longtaskList.push([e.startTime, e.duration]);
}).observe({ type: "longtask", buffered: true });
window.__frame = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
window.__firstItem = (find) => new Promise((r) => { const tick = () => (find() ? r(performance.now()) : requestAnimationFrame(tick)); tick(); });
`;

const pages = {
  "/eservqual.html": `<!doctype html><meta charset=utf-8><title>eservqual</title><script>${PROBE}</script>
<div id=s></div><script type=module>
import { init } from "/pkg/eservqual.js";
const find = () => document.querySelector("[data-eservqual]")?.shadowRoot?.querySelector("input[type=radio]");
const first = window.__firstItem(find);
const inline = await init({ endpoint: "https://127.0.0.1/v1/responses", mode: "inline", target: "#s", outcomes: ["nps"] });
window.__first = await first;
inline.destroy();
const pop = await init({ endpoint: "https://127.0.0.1/v1/responses", launcher: false, outcomes: ["nps"] });
const t0 = performance.now(); pop.open(); await window.__frame();
window.__open = performance.now() - t0;
if (!document.querySelectorAll("[data-eservqual]")[0]?.shadowRoot?.querySelector("dialog[open]")) throw new Error("open() showed nothing");
window.__done = true;
</script>`,
  "/surveyjs.html": `<!doctype html><meta charset=utf-8><title>SurveyJS</title><script>${PROBE}</script>
<link rel=stylesheet href="/sjs/survey-core/survey-core.min.css">
<script src="/sjs/survey-core/survey.core.min.js"></script><script src="/sjs/survey-js-ui/survey-js-ui.min.js"></script>
<div id=s></div><div id=o></div><script>
(async () => {
  const json = ${JSON.stringify(model)};
  const render = (m, el) => (window.SurveyUI && SurveyUI.renderSurvey ? SurveyUI.renderSurvey(m, el) : m.render(el));
  const first = window.__firstItem(() => document.querySelector("#s .sd-rating__item, #s input"));
  render(new Survey.Model(json), document.getElementById("s"));
  window.__first = await first;
  const t0 = performance.now(); render(new Survey.Model(json), document.getElementById("o")); await window.__frame();
  window.__open = performance.now() - t0;
  window.__done = true;
})();
</script>`,
  "/score.html": `<!doctype html><meta charset=utf-8><title>score</title><script type=module>
import load, { score } from "/pkg/eservqual.js";
await load();
const input = ${payload};
score(input);
const once = []; for (let i = 0; i < 200; i++) { const t = performance.now(); score(input); once.push(performance.now() - t); }
once.sort((a, b) => a - b);
const t = performance.now(); for (let i = 0; i < 10000; i++) score(input); const loop = performance.now() - t;
window.__score = { one_median_ms: once[100], one_p95_ms: once[190], loop_10k_ms: loop, per_call_us: (loop / 10000) * 1000 };
</script>`,
};

const MIME = { ".js": "text/javascript", ".mjs": "text/javascript", ".wasm": "application/wasm", ".css": "text/css", ".json": "application/json" };
const server = createServer((req, res) => {
  const url = new URL(req.url, "http://x");
  if (pages[url.pathname]) return res.writeHead(200, { "content-type": "text/html" }).end(pages[url.pathname]);
  let file = null;
  if (url.pathname.startsWith("/pkg/")) file = join(ROOT, url.pathname);
  if (url.pathname.startsWith("/sjs/")) file = join(BENCH, "node_modules", url.pathname.slice(5));
  if (!file || !existsSync(file)) return res.writeHead(404).end();
  res.writeHead(200, { "content-type": MIME[extname(file)] || "application/octet-stream" }).end(readFileSync(file));
});
await new Promise((r) => server.listen(0, "127.0.0.1", r));
const base = `http://127.0.0.1:${server.address().port}`;

const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--enable-precise-memory-info"],
});

async function once(path) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await page.goto(base + path);
  await page.waitForFunction(() => window.__done === true, null, { timeout: 30000 });
  const r = await page.evaluate(() => ({ first_item_ms: window.__first, open_ms: window.__open, long_tasks: window.__longtasks, heap_bytes: performance.memory.usedJSHeapSize }));
  // Where the long tasks fall: up to the first item (loading, compiling, the first render), or after.
  const list = await page.evaluate(() => window.__longtaskList);
  r.long_before_first = list.filter(([start]) => start < r.first_item_ms).length;
  r.long_ms = list.reduce((n, [, d]) => n + d, 0);
  await context.close();
  return r;
}

const samples = { eservqual: [], surveyjs: [] };
for (let i = 0; i < runs; i++) {
  // Alternated, and the order flipped every run, so neither gets the warmer machine.
  const order = i % 2 ? ["surveyjs", "eservqual"] : ["eservqual", "surveyjs"];
  for (const who of order) samples[who].push(await once(`/${who}.html`));
}

const summary = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p) => s[Math.min(s.length - 1, Math.floor(p * (s.length - 1)))];
  return { median: q(0.5), p25: q(0.25), p75: q(0.75), min: s[0], max: s.at(-1) };
};
const stats = {};
for (const [who, list] of Object.entries(samples)) {
  stats[who] = {};
  for (const k of ["first_item_ms", "open_ms", "long_tasks", "heap_bytes", "long_ms"]) stats[who][k] = summary(list.map((r) => r[k]));
  const long = list.reduce((n, r) => n + r.long_tasks, 0);
  stats[who].long_before_first_share = long ? list.reduce((n, r) => n + r.long_before_first, 0) / long : null;
}

const scorePage = await browser.newPage();
await scorePage.goto(base + "/score.html");
await scorePage.waitForFunction(() => window.__score, null, { timeout: 60000 });
const scoring = await scorePage.evaluate(() => window.__score);

const chromiumVersion = browser.version();
await browser.close();
server.close();
console.log(JSON.stringify({ runs, chromium: chromiumVersion, render: stats, scoring }));

// When the widget opens by itself, through the script tag: every trigger of the config, and
// calls the page made before the widget existed (queued by the loader, replayed in order).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { browser, collector, embedPage, page } from "./harness.mjs";

const base = { endpoint: "/v1/responses", locale: "en" };
const TALL = `<div class="tall"></div>`;
const TALL_CSS = `<link rel="stylesheet" href="tall.css">`;

const cases = {
  load: embedPage({ ...base, trigger: "load" }),
  delay: embedPage({ ...base, trigger: "delay:400" }),
  event: embedPage({ ...base, trigger: "event:order-complete" }, { script: "window.eservqual.ready.then(() => setTimeout(() => window.eservqual.trigger('order-complete'), 200));" }),
  scroll: embedPage({ ...base, trigger: "scroll:50" }, { head: TALL_CSS, body: TALL }),
  exit: embedPage({ ...base, trigger: "exit-intent" }),
  pageviews: embedPage({ ...base, trigger: "pageviews:2" }),
  manual: embedPage({ ...base, trigger: "manual" }),
  queued: embedPage({ ...base, trigger: "manual" }, {
    script: "window.__events = []; window.eservqual.on('open', () => window.__events.push('open')); window.eservqual.open();",
  }),
};

let server;
let chrome;

before(async () => {
  const pages = { "g/tall.css": ".tall { height: 4000px; }" };
  for (const [name, { html, script }] of Object.entries(cases)) {
    pages[`g/${name}.html`] = html.replace('src="page.js"', `src="${name}.js"`);
    if (script) pages[`g/${name}.js`] = script;
  }
  server = await collector(pages);
  chrome = await browser();
});

after(async () => {
  await chrome?.close();
  await server?.stop();
});

const dialogOpen = (p) => p.evaluate(() => !!document.querySelector("[data-eservqual]")?.shadowRoot?.querySelector("dialog[open]"));

async function visit(s, name) {
  await s.page.goto(`${server.url}/g/${name}.html`);
  await s.page.waitForFunction(() => window.eservqual && window.eservqual.ready, null, { timeout: 15000 });
  await s.page.evaluate(() => window.eservqual.ready);
}

async function opensBy(s, timeout = 30000) {
  await s.page.waitForFunction(
    () => !!document.querySelector("[data-eservqual]")?.shadowRoot?.querySelector("dialog[open]"),
    null,
    { timeout },
  );
}

for (const name of ["load", "delay", "event"]) {
  test(`trigger ${name} opens the questionnaire by itself`, async () => {
    const s = await page(chrome);
    await visit(s, name);
    await opensBy(s);
    assert.deepEqual(s.problems, []);
    await s.context.close();
  });
}

test("trigger scroll opens at half the page, not before", async () => {
  const s = await page(chrome, { viewport: { width: 1000, height: 700 } });
  await visit(s, "scroll");
  await s.page.waitForTimeout(400);
  assert.equal(await dialogOpen(s.page), false, "not at the top");
  await s.page.mouse.wheel(0, 2600);
  await opensBy(s);
  assert.deepEqual(s.problems, []);
  await s.context.close();
});

test("trigger exit-intent opens when the pointer leaves through the top", async () => {
  const s = await page(chrome, { viewport: { width: 1000, height: 700 } });
  await visit(s, "exit");
  await s.page.mouse.move(500, 300);
  await s.page.waitForTimeout(300);
  assert.equal(await dialogOpen(s.page), false);
  await s.page.mouse.move(500, 5, { steps: 5 });
  await s.page.mouse.move(500, -20, { steps: 3 });
  await s.page.evaluate(() => document.dispatchEvent(new MouseEvent("mouseout", { clientX: 500, clientY: -5, relatedTarget: null, bubbles: true })));
  await opensBy(s);
  await s.context.close();
});

test("trigger pageviews:2 waits for the second page view", async () => {
  const s = await page(chrome);
  await visit(s, "pageviews");
  await s.page.waitForTimeout(500);
  assert.equal(await dialogOpen(s.page), false, "first view");
  await visit(s, "pageviews");
  await opensBy(s);
  await s.context.close();
});

test("manual does not open by itself", async () => {
  const s = await page(chrome);
  await visit(s, "manual");
  await s.page.waitForTimeout(800);
  assert.equal(await dialogOpen(s.page), false);
  await s.context.close();
});

test("calls made before the widget loaded are replayed in order", async () => {
  const s = await page(chrome);
  await visit(s, "queued");
  await opensBy(s);
  assert.deepEqual(await s.page.evaluate(() => window.__events), ["open"]);
  assert.deepEqual(s.problems, []);
  await s.context.close();
});

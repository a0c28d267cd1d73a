// The real widget in Chromium submitting through a collector on PostgreSQL while the database is
// stopped and started again (issue #15): while it is down the collector answers 503 with
// Retry-After and /healthz says so, the widget keeps each response in its outbox and says it is
// saved, and once the database is back every response is delivered and stored exactly once,
// without restarting the collector. Runs inside `scripts/pg-cluster.sh run` (make test-e2e-pg),
// which gives the cluster's URL and folder.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { ROOT, accelerate, browser, collector } from "../e2e/harness.mjs";

const DATABASE_URL = process.env.ESERVQUAL_TEST_DATABASE_URL;
const PGDATA = process.env.ESERVQUAL_TEST_PGDATA;
const SAVED = "Your answers are saved and will be sent when the connection is back.";
const SENT = "Your answers have been sent.";

// A one-step questionnaire (System availability, four items) inline on an order page; the page
// reports the widget's delivery events and status lines to the test.
const PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,">
<title>Order complete</title><script src="/t.js"></script><script src="/pkg/embed.js" defer></script></head>
<body><main><h1>Thank you for your order</h1><div id="survey"></div></main></body></html>`;
const SCRIPT = `
document.addEventListener("DOMContentLoaded", () => window.eservqual.init({
  endpoint: new URL("/v1/responses", location.href).href, mode: "inline", target: "#survey",
  dimensions: ["SYS"], recovery: false, outcomes: [], showSummary: false, timeoutMs: 2000,
}).then((s) => {
  for (const e of ["submit", "queued", "delivered", "failed"]) s.on(e, (d) => window.__event(e, e === "submit" ? d.payload.id : d.id));
  const host = document.querySelector("[data-eservqual]");
  new MutationObserver(() => {
    const status = host.shadowRoot.querySelector("#eq-status");
    if (status && status.textContent) window.__status(status.textContent);
  }).observe(host.shadowRoot, { subtree: true, childList: true, characterData: true });
}));
`;

let server;
let chrome;

const cluster = (action) => execFileSync(join(ROOT, "scripts/pg-cluster.sh"), [action, PGDATA], { stdio: ["ignore", "ignore", "inherit"] });

before(async () => {
  assert.ok(DATABASE_URL && PGDATA, "run inside scripts/pg-cluster.sh run (make test-e2e-pg): no cluster was given");
  server = await collector({ "t.html": PAGE, "t.js": SCRIPT }, [], { databaseUrl: DATABASE_URL });
  chrome = await browser();
});

after(async () => {
  await chrome?.close();
  await server?.stop();
});

async function until(check, ms, what) {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * One visitor (a browser context of their own) on the order page, questionnaire shown; time in
 * it runs twenty times faster (`stop()` before closing it), so retries come quickly.
 */
async function visitor() {
  const context = await chrome.newContext();
  const stop = await accelerate(context, 20, { watched: (url, method) => method === "POST" && url.endsWith("/v1/responses") });
  const events = [];
  const statuses = [];
  const problems = [];
  const answers = [];
  await context.exposeFunction("__event", (name, id) => events.push([name, id]));
  await context.exposeFunction("__status", (s) => statuses.push(s));
  const p = await context.newPage();
  p.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
  p.on("response", (r) => {
    if (r.url().endsWith("/v1/responses") && r.request().method() === "POST") answers.push([r.status(), r.headers()["retry-after"]]);
  });
  await p.goto(`${server.url}/t.html`);
  await p.locator(`[data-eservqual] input[name="SYS1.p"]`).first().waitFor({ state: "attached", timeout: 30000 });
  /** Answers with the mouse, as a person would, and submits; the response's id. */
  const submit = async () => {
    for (const n of [1, 2, 3, 4]) await p.locator(`[data-eservqual] label:has(input[name="SYS${n}.p"][value="${n + 1}"])`).click();
    await p.getByRole("button", { name: "Submit" }).click();
    await until(() => events.some((e) => e[0] === "submit"), 15000, "the submit event");
    return events.find((e) => e[0] === "submit")[1];
  };
  const delivered = (id) => events.some((e) => e[0] === "delivered" && e[1] === id);
  return { context, stop, events, statuses, problems, answers, submit, delivered };
}

const health = async () => (await fetch(`${server.url}/healthz`)).status;

test("responses submitted while PostgreSQL is down are delivered once it is back, each stored once", async () => {
  const visitors = [];
  try {
    // Before: one response goes straight through.
    const first = await visitor();
    visitors.push(first);
    const firstId = await first.submit();
    await until(() => first.delivered(firstId), 15000, "the first response delivered");

    // Down: three more visitors submit; each is answered 503 with Retry-After and kept.
    cluster("stop");
    const down = [];
    for (let i = 0; i < 3; i++) {
      const v = await visitor();
      visitors.push(v);
      down.push([v, await v.submit()]);
    }
    for (const [v, id] of down) {
      await until(() => v.events.some((e) => e[0] === "queued" && e[1] === id), 30000, "the response queued while the database is down");
      await until(() => v.statuses.includes(SAVED), 15000, "the saved-for-later status");
      assert.ok(!v.delivered(id), "nothing is delivered while the database is down");
      assert.ok(v.answers.length >= 1, "the collector was reached");
      for (const [status, retryAfter] of v.answers) {
        assert.equal(status, 503);
        assert.match(String(retryAfter), /^\d+$/, "503 carries Retry-After in seconds");
      }
    }
    assert.equal(await health(), 503, "/healthz says the collector cannot store");

    // Back: the collector serves again by itself; every outbox delivers.
    cluster("start");
    await until(async () => (await health()) === 200, 30000, "/healthz healthy again");
    for (const [v, id] of down) {
      await until(() => v.delivered(id), 60000, `response ${id} delivered after the restart`).catch((e) => {
        throw new Error(`${e.message}: events ${JSON.stringify(v.events)}, answers ${JSON.stringify(v.answers)}, statuses ${JSON.stringify(v.statuses)}\n${server.log().slice(-3000)}`);
      });
      await until(() => v.statuses.includes(SENT), 15000, "the sent status");
    }

    const stored = (await server.responses()).map((r) => r.id);
    const ids = [firstId, ...down.map(([, id]) => id)];
    assert.deepEqual([...stored].sort(), [...ids].sort(), "every submitted response stored exactly once, nothing else");
    for (const v of visitors) {
      assert.deepEqual(v.problems, []);
      assert.deepEqual(await v.context.pages()[0].evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith("eservqual.outbox."))), [], "no outbox left");
    }
  } finally {
    for (const v of visitors) {
      await v.stop();
      await v.context.close();
    }
  }
});

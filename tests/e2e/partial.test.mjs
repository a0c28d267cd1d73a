// Partial responses (docs/interfaces.md "Partial responses"), in real Chromium against the real
// collector: with `partial: true`, a visitor who completed the first step and then closes the
// questionnaire, or leaves the page, sends what they answered as `status: "partial"`; when they
// come back and submit, the complete response replaces it under the same id, and a late partial
// changes nothing. Without the option, or before the first step is complete, nothing is sent.
import { test } from "node:test";
import assert from "node:assert/strict";
import { choose, collector, embedPage, itemShown, page, suite, TOKEN } from "./harness.mjs";

// Three steps: System availability (4 items), Privacy (3), the outcomes (NPS, comment).
const COMMON = { endpoint: "/v1/responses", locale: "en", dimensions: "SYS,PRI", recovery: "false", outcomes: "nps,comment" };
const PAGES = {
  "p/popover.html": embedPage({ ...COMMON, site: "pop", partial: "true" }).html,
  "p/shop.html": embedPage({ ...COMMON, site: "inl", partial: "true", mode: "inline", target: "#survey" }, { body: '<div id="survey"></div>' }).html,
  "p/other.html": '<!doctype html><html lang="en"><head><link rel="icon" href="data:,"><title>Another page</title></head><body><p>Elsewhere</p></body></html>',
  "p/gone.html": embedPage({ ...COMMON, site: "gone", partial: "true", mode: "inline", target: "#survey" }, { body: '<div id="survey"></div>' }).html,
  // The page's own init(), with a beforeSend that answers a Promise: it settles after destroy().
  "p/gone-async.html": embedPage({}, { body: '<div id="survey"></div>', script: "x" }).html.replace('src="page.js"', 'src="gone-async.js"'),
  "p/gone-async.js": `window.eservqual.init({
    endpoint: location.origin + "/v1/responses", locale: "en", dimensions: ["SYS", "PRI"], recovery: false, outcomes: ["nps", "comment"],
    site: "gone-async", partial: true, mode: "inline", target: "#survey",
    beforeSend: (p) => new Promise((done) => setTimeout(() => done({ ...p, meta: { hook: "async" } }), 300)),
  });`,
  "p/race.html": embedPage({ ...COMMON, site: "race", partial: "true" }).html,
  "p/plain.html": embedPage({ ...COMMON, site: "off" }).html,
  "p/early.html": embedPage({ ...COMMON, site: "early", partial: "true" }).html,
};

const env = suite(PAGES);

const auth = { authorization: `Bearer ${TOKEN}` };

/** Every payload `at` (a collector; the shared one by default) stores, partial ones included. */
async function stored(at = env.server) {
  const res = await fetch(`${at.url}/v1/responses.jsonl?partial=include`, { headers: auth });
  assert.equal(res.status, 200, "the export answers");
  return (await res.text()).split("\n").filter((l) => l.trim()).map((l) => JSON.parse(l));
}

/** The stored payloads of `site`, waiting (up to 15 s) until `ready(list)` holds. */
async function storedOf(site, ready = (l) => l.length > 0, at = env.server) {
  let list = [];
  for (const end = Date.now() + 15000; Date.now() < end; await new Promise((r) => setTimeout(r, 200))) {
    list = (await stored(at)).filter((r) => r.site === site);
    if (ready(list)) break;
  }
  return list;
}

/** The report's response count of collector `at`, with or without partial responses. */
async function reportCount(at, partial) {
  const q = `instrument=e-s-qual&dimensions=SYS,PRI${partial ? "&partial=include" : ""}`;
  const res = await fetch(`${at.url}/v1/report?${q}`, { headers: auth });
  assert.equal(res.status, 200, await res.clone().text());
  return (await res.json()).responses;
}

const next = (p) => p.getByRole("button", { name: "Next" }).click();

/** Answers the first step (System availability) and moves on, as a person would. */
async function firstStep(p) {
  for (const [n, v] of [["SYS1", 2], ["SYS2", 3], ["SYS3", 4], ["SYS4", 5]]) await choose(p, n, v);
  await next(p);
}

const SYS = ["SYS1", "SYS2", "SYS3", "SYS4"];
const PRI = ["PRI1", "PRI2", "PRI3"];
const ps = (r, keys) => keys.map((k) => r.answers[k]?.p ?? null);

test("closing after the first step sends a partial response; reopening and submitting replaces it under the same id, and a late partial changes nothing", async () => {
  // A collector of its own: the report counts every response it holds.
  const own = await collector(PAGES);
  const v = await page(env.chrome);
  try {
    await v.page.goto(`${own.url}/p/popover.html`);
    // The page's submit and queued events: a partial response fires no submit, only queued.
    await v.page.evaluate(() => {
      window.__events = [];
      for (const e of ["submit", "queued"]) window.eservqual.on(e, (d) => window.__events.push([e, d.id ?? d.payload.id]));
    });
    const events = () => v.page.evaluate(() => window.__events);
    await v.page.getByRole("button", { name: "Feedback" }).click();
    await firstStep(v.page);
    await choose(v.page, "PRI1", 4);
    await v.page.keyboard.press("Escape");

    const [partial] = await storedOf("pop", undefined, own);
    assert.ok(partial, "a partial response was stored");
    assert.equal(partial.status, "partial");
    assert.equal(partial.step, "PRI", "the step shown as the visitor left");
    assert.match(partial.id, /^[0-9a-f-]{36}$/);
    assert.deepEqual(ps(partial, SYS), [2, 3, 4, 5]);
    assert.deepEqual(ps(partial, PRI), [4, null, null], "what was answered so far");
    assert.equal(await reportCount(own, false), 0, "the report counts complete responses only");
    assert.equal(await reportCount(own, true), 1, "unless asked");
    assert.deepEqual(await events(), [["queued", partial.id]], "no submit event for a partial response");

    // The visitor comes back: the launcher reopens the questionnaire where they were.
    await v.page.getByRole("button", { name: "Feedback" }).click();
    await choose(v.page, "PRI2", 5);
    await choose(v.page, "PRI3", 1);
    await next(v.page);
    await v.page.locator('[data-eservqual] label:has(input[name="nps"][value="9"])').click();
    await v.page.getByRole("button", { name: "Submit" }).click();

    const done = await storedOf("pop", (l) => l.length === 1 && l[0].status !== "partial", own);
    assert.equal(done.length, 1, "one response of that id");
    assert.equal(done[0].id, partial.id, "the complete response took the partial one's place");
    assert.equal(done[0].status, undefined, "a complete response is written without status");
    assert.equal(done[0].step, undefined);
    assert.deepEqual(ps(done[0], [...SYS, ...PRI]), [2, 3, 4, 5, 4, 5, 1]);
    assert.equal(await reportCount(own, false), 1);
    assert.deepEqual(await events(), [["queued", partial.id], ["submit", partial.id], ["queued", partial.id]]);

    // A copy of the partial arriving late (a retry from another tab, say) changes nothing.
    const late = await fetch(`${own.url}/v1/responses`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ ...partial, submitted_at: new Date().toISOString() }),
    });
    assert.equal(late.status, 200, "a partial after the complete one is accepted and ignored");
    assert.deepEqual(await stored(own), done, "nothing changed");
    assert.equal(await reportCount(own, true), 1);
    assert.deepEqual(v.problems, []);
  } finally {
    await v.context.close();
    await own.stop();
  }
});

test("the complete response queued while its partial one is still in flight is sent after it, not lost", async () => {
  const v = await page(env.chrome);
  try {
    // The first POST (the partial response) is held until the complete one has been queued.
    let release;
    let heldNow;
    const gate = new Promise((r) => (release = r));
    const held = new Promise((r) => (heldNow = r));
    let first = true;
    await v.page.route("**/v1/responses", async (route) => {
      if (first) {
        first = false;
        heldNow();
        await gate;
      }
      await route.continue();
    });
    await v.page.goto(`${env.server.url}/p/race.html`);
    await v.page.getByRole("button", { name: "Feedback" }).click();
    await firstStep(v.page);
    await v.page.keyboard.press("Escape");
    // The partial response is in flight.
    await held;

    await v.page.getByRole("button", { name: "Feedback" }).click();
    for (const [n, x] of [["PRI1", 4], ["PRI2", 5], ["PRI3", 1]]) await choose(v.page, n, x);
    await next(v.page);
    await v.page.getByRole("button", { name: "Submit" }).click();
    // The partial response's 201 arrives after the complete one took its place in the outbox.
    release();

    const done = await storedOf("race", (l) => l.length === 1 && l[0].status !== "partial");
    assert.equal(done.length, 1);
    assert.equal(done[0].status, undefined, "the complete response is stored");
    assert.deepEqual(ps(done[0], [...SYS, ...PRI]), [2, 3, 4, 5, 4, 5, 1]);
    await v.page.waitForFunction(() => !Object.keys(localStorage).some((k) => k.startsWith("eservqual.outbox.")), null, { timeout: 15000 });
    assert.deepEqual(v.problems, []);
  } finally {
    await v.context.close();
  }
});

test("leaving the page after the first step sends a partial response; the draft continues on return and the complete one replaces it", async () => {
  const v = await page(env.chrome);
  try {
    await v.page.goto(`${env.server.url}/p/shop.html`);
    await itemShown(v.page, "SYS1");
    await firstStep(v.page);
    await choose(v.page, "PRI1", 3);
    await v.page.goto(`${env.server.url}/p/other.html`);

    const [partial] = await storedOf("inl");
    assert.ok(partial, "sent as the page went");
    assert.equal(partial.status, "partial");
    assert.equal(partial.step, "PRI");
    assert.deepEqual(ps(partial, [...SYS, ...PRI]), [2, 3, 4, 5, 3, null, null]);

    await v.page.goto(`${env.server.url}/p/shop.html`);
    await itemShown(v.page, "PRI2");
    await choose(v.page, "PRI2", 2);
    await choose(v.page, "PRI3", 2);
    await next(v.page);
    await v.page.getByRole("button", { name: "Submit" }).click();

    const done = await storedOf("inl", (l) => l.length === 1 && l[0].status !== "partial");
    assert.equal(done.length, 1);
    assert.equal(done[0].id, partial.id, "under the draft's id, which the partial one had");
    assert.deepEqual(ps(done[0], [...SYS, ...PRI]), [2, 3, 4, 5, 3, 2, 2]);
    assert.deepEqual(v.problems, []);
  } finally {
    await v.context.close();
  }
});

test("a widget destroyed half-way (a single-page app leaving the pages it is on) sends a partial response and keeps the draft", async () => {
  const v = await page(env.chrome);
  try {
    await v.page.goto(`${env.server.url}/p/gone.html`);
    await itemShown(v.page, "SYS1");
    await firstStep(v.page);
    await v.page.evaluate(() => window.eservqual.destroy());
    const [partial] = await storedOf("gone");
    assert.ok(partial, "sent as the widget went");
    assert.deepEqual([partial.status, partial.step], ["partial", "PRI"]);
    assert.deepEqual(ps(partial, SYS), [2, 3, 4, 5]);
    assert.ok(await v.page.evaluate(() => localStorage.getItem("eservqual.draft.gone.e-s-qual")), "the draft stays");
    assert.deepEqual(v.problems, []);
  } finally {
    await v.context.close();
  }
});

test("a beforeSend that answers a Promise after destroy() still gets its partial response out", async () => {
  const v = await page(env.chrome);
  try {
    await v.page.goto(`${env.server.url}/p/gone-async.html`);
    await itemShown(v.page, "SYS1");
    await firstStep(v.page);
    await v.page.evaluate(() => window.eservqual.destroy());
    const [partial] = await storedOf("gone-async");
    assert.ok(partial, "queued once the hook answered");
    assert.deepEqual([partial.status, partial.step, partial.meta], ["partial", "PRI", { hook: "async" }]);
    assert.deepEqual(v.problems, []);
  } finally {
    await v.context.close();
  }
});

test("nothing is sent without the option, nor before the first step is complete", async () => {
  // Each visitor in a fresh context: a dismissal is remembered and would hide the next launcher.
  for (const [path, answer] of [["p/plain.html", firstStep], ["p/early.html", (p) => choose(p, "SYS1", 2)]]) {
    const v = await page(env.chrome);
    try {
      await v.page.goto(`${env.server.url}/${path}`);
      await v.page.getByRole("button", { name: "Feedback" }).click();
      await answer(v.page);
      await v.page.keyboard.press("Escape");
      // Leaving the page would send it too, if anything were to be sent.
      await v.page.goto(`${env.server.url}/p/other.html`);
      assert.deepEqual(v.problems, []);
    } finally {
      await v.context.close();
    }
  }
  // The partial responses of the other tests arrived well within this (the same paths, sent at once).
  await new Promise((r) => setTimeout(r, 3000));
  const sites = (await stored()).map((r) => r.site);
  assert.ok(!sites.includes("off"), "partial is opt-in");
  assert.ok(!sites.includes("early"), "the first step was not complete");
});

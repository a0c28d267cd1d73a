// Resume (docs/interfaces.md "Resume"), in real Chromium against the real collector: a visitor
// who reloads or goes to another page of the shop in the middle continues at the step they
// left, with their answers, and the response goes out under the draft's id; two tabs of one
// visitor write one draft where the latest answer per item wins; nothing is kept under Global
// Privacy Control or with resumeHours 0; a dismissal clears the draft and destroy() keeps it.
import { test } from "node:test";
import assert from "node:assert/strict";
import AxeBuilder from "@axe-core/playwright";
import { choose, embedPage, itemShown, page, suite } from "./harness.mjs";

const KEY = "eservqual.draft.tea.e-s-qual";
const AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];

// Three steps: System availability (4 items), Privacy (3), the outcomes (NPS, comment).
const COMMON = { endpoint: "/v1/responses", locale: "en", site: "tea", dimensions: "SYS,PRI", recovery: "false", outcomes: "nps,comment" };
const INLINE = { ...COMMON, mode: "inline", target: "#survey" };
const PAGES = {
  "r/shop.html": embedPage(INLINE, { body: '<div id="survey"></div>' }).html,
  "r/account.html": embedPage(INLINE, { body: '<p>Your account</p><div id="survey"></div>' }).html,
  "r/gpc.html": embedPage({ ...INLINE, "respect-gpc": "false" }, { body: '<div id="survey"></div>' }).html,
  "r/off.html": embedPage({ ...INLINE, "resume-hours": "0" }, { body: '<div id="survey"></div>' }).html,
  "r/popover.html": embedPage({ ...COMMON, trigger: "load" }).html,
};

const env = suite(PAGES);

/** Opens `path` in `p` and waits for the questionnaire's first item. */
async function visit(p, path) {
  await p.goto(`${env.server.url}/${path}`);
  await itemShown(p, "SYS1");
}

/** The checked value of item `name` (null: none), as the page shows it. */
const checked = (p, name) => p.evaluate((n) => document.querySelector("[data-eservqual]").shadowRoot.querySelector(`input[name="${n}.p"]:checked`)?.value ?? null, name);

const stored = (p) => p.evaluate((k) => localStorage.getItem(k), KEY);
const draftId = async (p) => (await stored(p))?.split("\n")[0].split(" ")[3];
const stepText = (p) => p.evaluate(() => document.querySelector("[data-eservqual]").shadowRoot.textContent.match(/Step \d+ of \d+/)?.[0]);

async function responsesWith(id) {
  for (const end = Date.now() + 15000; Date.now() < end; await new Promise((r) => setTimeout(r, 200))) {
    const found = (await env.server.responses()).filter((r) => r.id === id);
    if (found.length) return found;
  }
  return [];
}

test("a reload or another page of the shop continues at the step left, and the response goes out under the draft's id", async () => {
  const v = await page(env.chrome);
  try {
    await visit(v.page, "r/shop.html");
    for (const [n, value] of [["SYS1", 2], ["SYS2", 3], ["SYS3", 4], ["SYS4", 5]]) await choose(v.page, n, value);
    await v.page.getByRole("button", { name: "Next" }).click();
    await choose(v.page, "PRI1", 4);
    const id = await draftId(v.page);
    assert.match(id || "", /^[0-9a-f-]{36}$/, "the draft holds the response's id");

    await v.page.reload();
    await itemShown(v.page, "PRI1");
    assert.equal(await stepText(v.page), "Step 2 of 3", "continues at Privacy");
    assert.equal(await checked(v.page, "PRI1"), "4");
    const axe = await new AxeBuilder({ page: v.page }).include("[data-eservqual]").withTags(AXE_TAGS).analyze();
    assert.deepEqual(axe.violations.map((x) => x.id), [], "axe on the resumed step");

    // Another page of the shop: the same draft.
    await v.page.goto(`${env.server.url}/r/account.html`);
    await itemShown(v.page, "PRI1");
    await v.page.getByRole("button", { name: "Back" }).click();
    assert.deepEqual([await checked(v.page, "SYS1"), await checked(v.page, "SYS4")], ["2", "5"], "the first step's answers too");
    await v.page.getByRole("button", { name: "Next" }).click();
    await choose(v.page, "PRI2", 5);
    await choose(v.page, "PRI3", 1);
    await v.page.getByRole("button", { name: "Next" }).click();
    await v.page.getByRole("button", { name: "Submit" }).click();

    const got = await responsesWith(id);
    assert.equal(got.length, 1, "stored once, under the draft's id");
    assert.deepEqual(
      ["SYS1", "SYS2", "SYS3", "SYS4", "PRI1", "PRI2", "PRI3"].map((k) => got[0].answers[k].p),
      [2, 3, 4, 5, 4, 5, 1],
    );
    assert.equal(got[0].page, "/r/account.html");
    assert.equal(await stored(v.page), null, "submitting clears the draft");
    assert.deepEqual(v.problems, []);
  } finally {
    await v.context.close();
  }
});

test("two tabs of one visitor write one draft: the latest answer per item wins, and one response is stored", async () => {
  const v = await page(env.chrome);
  try {
    const a = v.page;
    const b = await v.context.newPage();
    await visit(a, "r/shop.html");
    await visit(b, "r/shop.html");
    await choose(a, "SYS1", 2);
    await choose(b, "SYS1", 4);
    await choose(b, "SYS2", 3);
    // Tab A never saw B's answers: its next answer must not undo them.
    await choose(a, "SYS3", 5);
    const id = await draftId(a);

    const c = await v.context.newPage();
    await visit(c, "r/shop.html");
    assert.deepEqual([await checked(c, "SYS1"), await checked(c, "SYS2"), await checked(c, "SYS3"), await checked(c, "SYS4")], ["4", "3", "5", null]);
    await choose(c, "SYS4", 1);
    await c.getByRole("button", { name: "Next" }).click();
    for (const [n, value] of [["PRI1", 2], ["PRI2", 2], ["PRI3", 2]]) await choose(c, n, value);
    await c.getByRole("button", { name: "Next" }).click();
    await c.getByRole("button", { name: "Submit" }).click();
    const got = await responsesWith(id);
    assert.equal(got.length, 1);
    assert.deepEqual(["SYS1", "SYS2", "SYS3", "SYS4"].map((k) => got[0].answers[k].p), [4, 3, 5, 1]);
    // Tab A goes on after C submitted the draft: a new response, under a new id.
    await choose(a, "SYS2", 1);
    const next = await draftId(a);
    assert.ok(next && next !== id, `a new draft id (${next})`);
    assert.deepEqual(v.problems, []);
  } finally {
    await v.context.close();
  }
});

test("nothing is kept under Global Privacy Control or with resumeHours 0; a dismissal clears the draft, destroy() keeps it", async () => {
  const gpc = await page(env.chrome);
  try {
    await gpc.context.addInitScript(() => Object.defineProperty(Navigator.prototype, "globalPrivacyControl", { get: () => true }));
    await visit(gpc.page, "r/gpc.html");
    await choose(gpc.page, "SYS1", 3);
    assert.equal(await checked(gpc.page, "SYS1"), "3", "asked (respectGpc false) and answering");
    assert.deepEqual(await gpc.page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith("eservqual.draft."))), []);
  } finally {
    await gpc.context.close();
  }

  const v = await page(env.chrome);
  try {
    await visit(v.page, "r/off.html");
    await choose(v.page, "SYS1", 3);
    assert.equal(await stored(v.page), null, "resumeHours 0 keeps nothing");

    await visit(v.page, "r/shop.html");
    await choose(v.page, "SYS1", 3);
    assert.ok(await stored(v.page), "kept");
    await v.page.evaluate(() => window.eservqual.destroy());
    assert.ok(await stored(v.page), "destroy() keeps the draft");

    // A popover closed unanswered is a dismissal: the draft goes.
    await v.page.goto(`${env.server.url}/r/popover.html`);
    await v.page.locator("[data-eservqual] dialog[open]").waitFor({ timeout: 30000 });
    assert.equal(await checked(v.page, "SYS1"), "3", "the popover continues the same draft");
    await v.page.keyboard.press("Escape");
    // The dialog's close event comes a task after Escape.
    await v.page.waitForFunction((k) => localStorage.getItem(k) === null, KEY, { timeout: 15000 });
    assert.equal(await v.page.locator("[data-eservqual] dialog[open]").count(), 0, "closed");
    assert.deepEqual(v.problems, []);
  } finally {
    await v.context.close();
  }
});

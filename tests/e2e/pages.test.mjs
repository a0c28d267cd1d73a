// Page targeting and single-page apps in real Chromium (docs/interfaces.md "Script tag"): on a page
// `pages` leaves out the loader downloads neither module nor wasm; in an app that changes pages
// with the History API (pushState, replaceState, popstate) or hash routes, each new page is
// decided again without a reload: into a page the widget is on, it appears and the page view
// counts for a `pageviews` trigger; out of it, it goes and the visitor's draft stays for their
// return; between two pages it is on, an open questionnaire stays open.
import { test } from "node:test";
import assert from "node:assert/strict";
import { choose, embedPage, itemShown, page, suite } from "./harness.mjs";

// A small router: links marked data-link change the page with pushState; the view and a
// persistent inline host sit outside what the router redraws.
const ROUTER = `
const view = document.querySelector("#view");
const draw = () => (view.textContent = "Page " + location.pathname + location.hash);
document.addEventListener("click", (e) => {
  const a = e.target.closest("a[data-link]");
  if (!a) return;
  e.preventDefault();
  history.pushState({}, "", a.getAttribute("href"));
  draw();
});
addEventListener("popstate", draw);
addEventListener("hashchange", draw);
draw();
window.eservqual.ready.then(() => (window.__ready = true));
`;
const LINKS = '<nav><a data-link href="/spa/tea">Tea</a> <a data-link href="/spa/green">Green tea</a> <a data-link href="/spa/cart">Cart</a></nav><p id="view"></p>';
const SPA = { endpoint: "/v1/responses", locale: "en", pages: "/spa/*,!/spa/cart*,!*#/cart*" };
// Three steps: System availability (4 items), Privacy (3), the outcomes (NPS, comment).
const INLINE = { ...SPA, site: "tea", dimensions: "SYS,PRI", recovery: "false", outcomes: "nps,comment", mode: "inline", target: "#survey" };

const pages = {};
/** Adds the page at `path` with the tag's attributes and the page's script. */
function add(path, attrs, script, body = "") {
  const file = path.replace(/\W+/g, "-");
  const fixture = embedPage(attrs, { script, body });
  pages[path] = fixture.html.replace('src="page.js"', `src="/${file}.js"`);
  pages[`${file}.js`] = fixture.script;
}
const READY = "window.eservqual.ready.then(() => (window.__ready = true));";
const SHOP = { endpoint: "/v1/responses", trigger: "load", pages: "/shop/*, !/shop/cart.html" };
add("shop/cart.html", SHOP, READY);
add("shop/tea.html", SHOP, READY);
add("about.html", SHOP, READY);
add("spa/home.html", { ...SPA, trigger: "pageviews:2" }, ROUTER, LINKS);
add("spa/inline.html", INLINE, ROUTER, LINKS + '<div id="survey"></div>');
add("spa/bare.html", {}, READY);

const env = suite(pages);

const downloadedWidget = (requests) => requests.filter((u) => /eservqual\.js|\.wasm/.test(u));
const widgets = (p) => p.locator("[data-eservqual]").count();
const openDialog = (p) => p.locator("[data-eservqual] dialog[open]").count();
const memory = (p) => p.evaluate(() => JSON.parse(localStorage.getItem("eservqual.memory")));

/** A visitor whose draw samples them in, on `path`, once the loader settled `ready` (a bare tag:
 * once it ran). */
async function visit(path, { draw = 0 } = {}) {
  const s = await page(env.chrome);
  await s.page.addInitScript((d) => localStorage.setItem("eservqual.memory", JSON.stringify({ draw: d })), draw);
  await s.page.goto(`${env.server.url}/${path}`);
  const bare = path.endsWith("bare.html");
  await s.page.waitForFunction((b) => (b ? window.eservqual : window.__ready === true), bare, { timeout: 30000 });
  return s;
}

/** Waits until the page holds `n` widgets. */
async function widgetsBecome(p, n) {
  await p.waitForFunction((k) => document.querySelectorAll("[data-eservqual]").length === k, n, { timeout: 30000 });
}

for (const [path, shown] of [
  ["shop/cart.html", false],
  ["about.html", false],
  ["shop/tea.html", true],
]) {
  test(`a page ${shown ? "the pages take in shows the widget" : "left out downloads no module and no wasm"}: ${path}`, async () => {
    const s = await visit(path);
    if (shown) await s.page.locator("[data-eservqual] dialog[open]").waitFor({ timeout: 30000 });
    else await s.page.waitForTimeout(500);
    assert.deepEqual(downloadedWidget(s.requests).length > 0, shown, `${s.requests}`);
    assert.equal(await widgets(s.page), shown ? 1 : 0);
    // The pageview is counted by the widget, on a page it is on.
    assert.equal((await memory(s.page)).pageviews, shown ? 1 : undefined);
    assert.deepEqual(s.problems, []);
    await s.context.close();
  });
}

test("a single-page app: pushState, popstate and replaceState decide again, and the pageviews trigger counts the app's pages", async () => {
  const s = await visit("spa/home.html");
  const p = s.page;
  try {
    // The first page counts one view: the widget is there (its launcher), not open.
    await widgetsBecome(p, 1);
    await p.waitForTimeout(300);
    assert.equal(await openDialog(p), 0);
    assert.equal((await memory(p)).pageviews, 1);

    // Into the cart (left out): the widget goes, and the view is not counted.
    await p.getByRole("link", { name: "Cart" }).click();
    await widgetsBecome(p, 0);
    assert.equal((await memory(p)).pageviews, 1);

    // Into a page it is on: the second view, and the trigger opens it.
    await p.getByRole("link", { name: "Tea", exact: true }).click();
    await p.locator("[data-eservqual] dialog[open]").waitFor({ timeout: 30000 });
    assert.equal((await memory(p)).pageviews, 2);

    // While it is open, another page it is on (the app navigates by itself): it stays open, the same one.
    await p.evaluate(() => (document.querySelector("[data-eservqual]").__mark = 1));
    await p.evaluate(() => history.pushState({}, "", "/spa/green"));
    await p.waitForTimeout(500);
    assert.equal(await p.evaluate(() => document.querySelector("[data-eservqual]").__mark), 1, "the same widget");
    assert.equal(await openDialog(p), 1);
    assert.equal((await memory(p)).pageviews, 2);

    // Back, twice (popstate): out of the pages, the open questionnaire closes and goes.
    await p.evaluate(() => history.go(-2));
    await widgetsBecome(p, 0);
    assert.equal(await p.evaluate(() => location.pathname), "/spa/cart");
    // Forward (popstate): into the pages again, a third view.
    await p.evaluate(() => history.forward());
    await p.locator("[data-eservqual] dialog[open]").waitFor({ timeout: 30000 });
    assert.equal((await memory(p)).pageviews, 3);

    // replaceState to the same address (as routers do to keep their state): nothing changes.
    await p.evaluate(() => history.replaceState({ scroll: 10 }, "", location.href));
    await p.waitForTimeout(300);
    assert.equal((await memory(p)).pageviews, 3);
    // replaceState into the cart: it goes.
    await p.evaluate(() => history.replaceState({}, "", "/spa/cart/edit"));
    await widgetsBecome(p, 0);
    assert.deepEqual(downloadedWidget(s.requests).filter((u) => u.endsWith(".wasm")).length >= 1, true);
    assert.deepEqual(s.problems, []);
  } finally {
    await s.context.close();
  }
});

test("hash routes: a #/ route is part of the page, an anchor is not", async () => {
  const s = await visit("spa/home.html");
  const p = s.page;
  try {
    await widgetsBecome(p, 1);
    await p.evaluate(() => (document.querySelector("[data-eservqual]").__mark = 1));
    // An anchor within the page: the same page, no new view.
    await p.evaluate(() => (location.hash = "#reviews"));
    await p.waitForTimeout(300);
    assert.equal(await p.evaluate(() => document.querySelector("[data-eservqual]")?.__mark), 1);
    assert.equal((await memory(p)).pageviews, 1);
    // A hash route left out: it goes; another hash route: it is back, and the view counts.
    await p.evaluate(() => (location.hash = "#/cart"));
    await widgetsBecome(p, 0);
    await p.evaluate(() => (location.hash = "#/shop"));
    await p.locator("[data-eservqual] dialog[open]").waitFor({ timeout: 30000 });
    assert.equal((await memory(p)).pageviews, 2);
    assert.deepEqual(s.problems, []);
  } finally {
    await s.context.close();
  }
});

const checked = (p, name) => p.evaluate((n) => document.querySelector("[data-eservqual]").shadowRoot.querySelector(`input[name="${n}.p"]:checked`)?.value ?? null, name);
const stepText = (p) => p.evaluate(() => document.querySelector("[data-eservqual]").shadowRoot.textContent.match(/Step \d+ of \d+/)?.[0]);

test("out of the pages and back, the visitor continues where they left", async () => {
  const s = await visit("spa/inline.html");
  const p = s.page;
  try {
    await itemShown(p, "SYS1");
    for (const [n, value] of [["SYS1", 2], ["SYS2", 3], ["SYS3", 4], ["SYS4", 5]]) await choose(p, n, value);
    await p.getByRole("button", { name: "Next" }).click();
    await choose(p, "PRI1", 4);

    await p.getByRole("link", { name: "Cart" }).click();
    await widgetsBecome(p, 0);
    assert.notEqual(await p.evaluate(() => localStorage.getItem("eservqual.draft.tea.e-s-qual")), null, "the draft is kept");

    await p.getByRole("link", { name: "Tea", exact: true }).click();
    await itemShown(p, "PRI1");
    assert.equal(await stepText(p), "Step 2 of 3", "continues at Privacy");
    assert.equal(await checked(p, "PRI1"), "4");
    await p.getByRole("button", { name: "Back" }).click();
    assert.deepEqual([await checked(p, "SYS1"), await checked(p, "SYS4")], ["2", "5"]);
    assert.equal(await widgets(p), 1);
    assert.deepEqual(s.problems, []);
  } finally {
    await s.context.close();
  }
});

test("pages that is not a list of strings: one console message naming it, no uncaught error, nothing loaded", async () => {
  const s = await visit("spa/bare.html");
  const p = s.page;
  try {
    const err = await p.evaluate(() =>
      window.eservqual.init({ endpoint: new URL("/v1/responses", location.href).href, pages: ["/spa/*", 3] }).then(
        () => "resolved",
        (e) => e.message,
      ),
    );
    assert.match(err, /^pages: /);
    await p.waitForTimeout(300);
    assert.equal(s.problems.length, 1, `${s.problems}`);
    assert.match(s.problems[0], /^console\.error: eservqual: pages: /);
    assert.deepEqual(downloadedWidget(s.requests), []);
  } finally {
    await s.context.close();
  }
});

test("the module's own init() does not take pages (a loader option): it names the key", async () => {
  const s = await visit("spa/bare.html");
  const p = s.page;
  try {
    const err = await p.evaluate(async () => {
      const m = await import("/pkg/eservqual.js");
      return m.init({ endpoint: new URL("/v1/responses", location.href).href, pages: ["/spa/*"] }).then(
        () => null,
        (e) => [e.code, e.field],
      );
    });
    assert.deepEqual(err, ["unknown-field", "pages"]);
    assert.equal(s.problems.length, 1, `${s.problems}`);
    assert.match(s.problems[0], /^console\.error: eservqual: pages: unknown field/);
  } finally {
    await s.context.close();
  }
});

// The questionnaire as a person uses it, in real Chromium against the real collector:
// keyboard only (Tab, arrows, Space, Enter) through all 22 E-S-QUAL items and the outcomes in
// English and in Chinese, with the stored payload's scores equal to what score() computes;
// axe-core on the launcher, a step, a validation error and the end; the strict-CSP page with no
// violation; XSS strings rendered as text; hostile host CSS not leaking in; destroy() leaving
// the page as it was. Any console error or page error fails a test.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import AxeBuilder from "@axe-core/playwright";
import { XSS } from "./xss.mjs";
import { ROOT, answerByKeyboard, browser, collector, embedPage, focused, openWithKeyboard, page } from "./harness.mjs";

const AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];
const WORDS = {
  en: { next: "Next", submit: "Submit", launcher: "Feedback" },
  "zh-CN": { next: "下一步", submit: "提交", launcher: "意见反馈" },
};


const HOSTILE_CSS = `* { all: unset !important; } button { color: red !important; } body { font: 40px "Comic Sans MS" !important; }`;

const pagesFor = () => {
  const pages = {};
  const add = (name, attrs, opts) => {
    const { html, script } = embedPage(attrs, opts);
    pages[`w/${name}.html`] = html.replace('src="page.js"', `src="${name}.js"`);
    if (script) pages[`w/${name}.js`] = script;
  };
  const common = { endpoint: "/v1/responses", "sample-rate": "1", outcomes: "nps,csat,comment" };
  add("en", { ...common, locale: "en" });
  add("zh", { ...common, locale: "zh-CN" });
  // Every corpus string in strings (interface and item texts), meta and site; and again in a
  // custom instrument's names and item texts.
  const keys = ["ui.next", "ui.launcher", "ui.na", "ui.close", "item.EFF1", "item.EFF2", "item.EFF3", "item.EFF4",
    "item.EFF5", "item.EFF6", "item.EFF7", "item.EFF8", "dimension.EFF", "dimension.EFF.hint", "instrument.e-s-qual.name",
    "instrument.e-s-qual.intro", "format.perception.prompt"];
  const strings = Object.fromEntries(keys.map((k, i) => [k, XSS[i % XSS.length]]));
  const meta = Object.fromEntries(XSS.map((x, i) => [`k${i}`, x]));
  add("xss", { ...common, locale: "en" }, {
    script: `window.eservqual.init({ strings: ${JSON.stringify(strings)}, meta: ${JSON.stringify(meta)}, site: ${JSON.stringify(XSS[3])} }).then(() => (window.__started = true), (e) => (window.__started = e.message));`,
  });
  const custom = JSON.parse(readFileSync(`${ROOT}/schema/examples/custom-instrument.json`, "utf8"));
  let n = 0;
  custom.name = { en: XSS[n++ % XSS.length] };
  for (const d of custom.dimensions) {
    d.name = { en: XSS[n++ % XSS.length] };
    for (const item of d.items) item.text = { en: XSS[n++ % XSS.length] };
  }
  add("xss-custom", { ...common, locale: "en" }, {
    script: `window.eservqual.init({ instrument: ${JSON.stringify(custom)}, outcomes: ["comment"] }).then(() => (window.__started = true), (e) => (window.__started = e.message));`,
  });
  add("hostile", { ...common, locale: "en" }, { head: `<link rel="stylesheet" href="hostile.css">` });
  pages["w/hostile.css"] = HOSTILE_CSS;
  add("destroy", { ...common, locale: "en" });
  add("rtl", { ...common, locale: "en" });
  add("nps", { endpoint: "/v1/responses", "sample-rate": "1", locale: "en", dimensions: "PRI", recovery: "false", outcomes: "nps" });
  pages["csp/index.html"] = readFileSync(`${ROOT}/www/csp/index.html`, "utf8").replace('href="/shop/shop.css"', 'href="/csp/plain.css"');
  pages["csp/plain.css"] = "body { font-family: sans-serif; }";
  return pages;
};

/** Runs axe on the settled page (not halfway through the dialog's fade-in); no violation allowed. */
async function axeClean(p, what) {
  await p.evaluate(() => {
    const root = document.querySelector("[data-eservqual]")?.shadowRoot;
    const all = [...document.getAnimations(), ...(root ? root.getAnimations() : [])];
    return Promise.all(all.map((a) => a.finished.catch(() => {})));
  });
  const r = await new AxeBuilder({ page: p }).withTags(AXE_TAGS).analyze();
  const v = r.violations.map((x) => `${x.id}: ${x.help} (${x.nodes.map((n) => n.target.join(" ")).slice(0, 3)})`);
  assert.deepEqual(v, [], what);
}

let server;
let chrome;

before(async () => {
  server = await collector(pagesFor());
  chrome = await browser();
});

after(async () => {
  await chrome?.close();
  await server?.stop();
});

async function stored(count) {
  for (let i = 0; i < 300; i++) {
    const r = await server.responses();
    if (r.length >= count) return r;
    await new Promise((res) => setTimeout(res, 100));
  }
  throw new Error(`the collector did not receive ${count} responses`);
}

async function scoreInNode(payload) {
  const mod = await import(`${ROOT}/pkg/eservqual.js`);
  await mod.default(readFileSync(`${ROOT}/pkg/eservqual_wasm_bg.wasm`));
  return mod.score(payload);
}

for (const [file, locale] of [["en", "en"], ["zh", "zh-CN"]]) {
  test(`keyboard only: every item and outcome, submitted and scored (${locale})`, async () => {
    const before = (await server.responses()).length;
    const s = await page(chrome, { viewport: { width: 1280, height: 900 } });
    await s.page.goto(`${server.url}/w/${file}.html`);
    await s.page.locator("[data-eservqual]").waitFor({ state: "attached", timeout: 30000 });
    await openWithKeyboard(s.page, WORDS[locale]);
    const { groups } = await answerByKeyboard(s.page, WORDS[locale]);
    const [payload] = (await stored(before + 1)).slice(before);
    assert.equal(payload.locale, locale);
    assert.equal(payload.instrument.id, "e-s-qual");
    const answered = Object.values(payload.answers).filter((a) => a.p !== null).length;
    assert.equal(answered, 22, "all 22 items answered");
    assert.ok(groups >= 22 + 2, "items plus outcomes chosen by keyboard");
    assert.equal(typeof payload.outcomes.nps, "number");
    assert.equal(payload.outcomes.comment, "The parcel came a day late.");
    assert.deepEqual(payload.scores, await scoreInNode(payload), "the payload's scores are score()'s");
    assert.deepEqual(s.problems, []);
    await s.context.close();
  });
}

test("axe: launcher, a step, a validation error and the end, light and dark, wide and narrow", async () => {
  for (const scheme of ["light", "dark"]) {
    for (const width of [1280, 320]) {
      const s = await page(chrome, { viewport: { width, height: 800 }, colorScheme: scheme });
      const check = (what) => axeClean(s.page, `${what}, ${scheme}, ${width}px`);
      await s.page.goto(`${server.url}/w/en.html`);
      await s.page.locator("[data-eservqual]").waitFor({ state: "attached", timeout: 30000 });
      await check("launcher");
      await s.page.getByRole("button", { name: WORDS.en.launcher }).click();
      await s.page.locator("[data-eservqual] dialog[open]").waitFor();
      await check("first step");
      await s.page.getByRole("button", { name: WORDS.en.next }).click();
      await check("validation error");
      const noScroll = await s.page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
      assert.ok(noScroll, `no horizontal scroll at ${width}px`);
      assert.deepEqual(s.problems, []);
      await s.context.close();
    }
  }
});

test("axe: every step, the summary and the sent state, light and dark, wide and narrow", async () => {
  for (const scheme of ["light", "dark"]) {
    for (const width of [1280, 320]) {
      const s = await page(chrome, { viewport: { width, height: 800 }, colorScheme: scheme });
      let steps = 0;
      const check = (what) => axeClean(s.page, `${what}, ${scheme}, ${width}px`);
      const before = (await server.responses()).length;
      await s.page.goto(`${server.url}/w/en.html`);
      await s.page.getByRole("button", { name: WORDS.en.launcher }).click();
      await s.page.locator("[data-eservqual] dialog[open]").waitFor();
      await s.page.keyboard.press("Tab");
      await answerByKeyboard(s.page, WORDS.en, { beforeStep: async () => check(`step ${++steps} answered`) });
      await stored(before + 1);
      await s.page.waitForFunction(() => /sent|thank/i.test(document.querySelector("[data-eservqual]").shadowRoot.textContent), null, { timeout: 15000 });
      await check("summary and sent state");
      assert.ok(steps >= 5, `${steps} steps checked`);
      assert.deepEqual(s.problems, []);
      await s.context.close();
    }
  }
});

test("right to left: the questionnaire follows the page's direction and fits", async () => {
  const s = await page(chrome, { viewport: { width: 320, height: 700 } });
  await s.page.goto(`${server.url}/w/rtl.html`);
  await s.page.evaluate(() => document.documentElement.setAttribute("dir", "rtl"));
  await s.page.getByRole("button", { name: WORDS.en.launcher }).click();
  await s.page.locator("[data-eservqual] dialog[open]").waitFor();
  const layout = await s.page.evaluate(() => {
    const root = document.querySelector("[data-eservqual]").shadowRoot;
    const legend = root.querySelector("fieldset legend");
    const radios = [...root.querySelectorAll("fieldset")[0].querySelectorAll("input[type=radio]")].map((r) => (r.closest("label") || r).getBoundingClientRect().left);
    return {
      direction: getComputedStyle(legend).direction,
      firstRightOfSecond: radios[0] > radios[1],
      fits: document.documentElement.scrollWidth <= window.innerWidth,
    };
  });
  assert.equal(layout.direction, "rtl");
  assert.equal(layout.firstRightOfSecond, true, "the scale runs right to left");
  assert.equal(layout.fits, true);
  assert.deepEqual(s.problems, []);
  await s.context.close();
});

test("the 0-10 scale: one row when wide, 0-5 over 6-10 at 320 px, in reading order and axe-clean", async () => {
  for (const width of [320, 360, 1280]) {
    const s = await page(chrome, { viewport: { width, height: 800 } });
    await s.page.goto(`${server.url}/w/nps.html`);
    await s.page.getByRole("button", { name: WORDS.en.launcher }).click();
    await s.page.locator("[data-eservqual] dialog[open]").waitFor();
    for (const code of ["PRI1", "PRI2", "PRI3"]) await s.page.locator(`input[name="${code}.p"][value="4"]`).check({ force: true });
    await s.page.getByRole("button", { name: WORDS.en.next }).click();
    await s.page.locator('input[name="nps"]').first().waitFor({ state: "attached" });
    const boxes = await s.page.evaluate(() => {
      const root = document.querySelector("[data-eservqual]").shadowRoot;
      return [...root.querySelectorAll('input[name="nps"]')].map((r) => {
        const b = r.closest("label").getBoundingClientRect();
        return { value: r.value, top: Math.round(b.top), left: b.left, right: b.right, width: b.width };
      });
    });
    assert.deepEqual(boxes.map((b) => b.value), ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10"]);
    const rows = [...new Set(boxes.map((b) => b.top))];
    if (width === 1280) {
      assert.equal(rows.length, 1, `one row at ${width}px`);
    } else {
      // Two rows, 0-5 and 6-10, in the same columns: read left to right, top to bottom.
      assert.deepEqual(boxes.map((b) => rows.indexOf(b.top)), [0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1], `rows at ${width}px`);
      for (let i = 0; i < 5; i++) assert.ok(Math.abs(boxes[i + 6].left - boxes[i].left) < 1, `${boxes[i + 6].value} under ${boxes[i].value}`);
    }
    for (const b of boxes) {
      assert.ok(b.width >= 24, `${b.value} is ${b.width}px wide at ${width}px`);
      assert.ok(b.left >= 0 && b.right <= width, `${b.value} inside the viewport at ${width}px`);
    }
    for (let i = 1; i < boxes.length; i++) {
      if (boxes[i].top === boxes[i - 1].top) assert.ok(boxes[i].left > boxes[i - 1].left, "left to right");
    }
    await axeClean(s.page, `the 0-10 scale at ${width}px`);
    assert.deepEqual(s.problems, []);
    await s.context.close();
  }
});

test("Escape closes the dialog and focus returns to the launcher", async () => {
  const s = await page(chrome);
  await s.page.goto(`${server.url}/w/en.html`);
  await s.page.locator("[data-eservqual]").waitFor({ state: "attached", timeout: 30000 });
  await s.page.evaluate(async () => {
    window.__closed = 0;
    (await window.eservqual.ready).on("close", () => (window.__closed += 1));
  });
  await openWithKeyboard(s.page, WORDS.en);
  await s.page.keyboard.press("Escape");
  await s.page.waitForFunction(() => !document.querySelector("[data-eservqual]").shadowRoot.querySelector("dialog[open]"), null, { timeout: 15000 });
  const f = await focused(s.page);
  assert.equal(f.tag, "button");
  assert.ok(f.text.includes(WORDS.en.launcher), `focus is on "${f.text}"`);
  assert.equal(await s.page.evaluate(() => window.__closed), 1, "one close event");
  assert.deepEqual(s.problems, []);
  await s.context.close();
});

test("validation names what is missing and moves focus to it", async () => {
  const s = await page(chrome);
  await s.page.goto(`${server.url}/w/en.html`);
  await s.page.getByRole("button", { name: WORDS.en.launcher }).click();
  await s.page.getByRole("button", { name: WORDS.en.next }).click();
  const f = await focused(s.page);
  assert.equal(f.type, "radio", "focus is in the first missing group");
  const described = await s.page.evaluate(() => {
    const root = document.querySelector("[data-eservqual]").shadowRoot;
    const bad = [...root.querySelectorAll("fieldset[aria-describedby]")];
    return bad.map((fs) => root.getElementById(fs.getAttribute("aria-describedby").split(" ")[0])?.textContent || "");
  });
  assert.ok(described.length > 0 && described.every((t) => t.trim().length > 0), `${described}`);
  await s.context.close();
});

test("the strict-CSP page: a whole questionnaire with no violation", async () => {
  const s = await page(chrome);
  await s.page.goto(`${server.url}/csp/`);
  await s.page.locator("[data-eservqual] dialog[open]").waitFor({ timeout: 30000 });
  const before = (await server.responses()).length;
  await answerByKeyboard(s.page, WORDS.en);
  await stored(before + 1);
  assert.deepEqual(s.problems, [], "no CSP violation, console error or page error");
  await s.context.close();
});

for (const name of ["xss", "xss-custom"]) {
  test(`XSS strings render as text and run nothing: ${name}`, async () => {
    assert.ok(XSS.length >= 30, "the corpus has 30 strings or more");
    const s = await page(chrome);
    await s.page.goto(`${server.url}/w/${name}.html`);
    await s.page.waitForFunction(() => window.__started !== undefined, null, { timeout: 30000 });
    assert.equal(await s.page.evaluate(() => window.__started), true);
    await s.page.evaluate(async () => (await window.eservqual.ready).open());
    await s.page.locator("[data-eservqual] dialog[open]").waitFor({ timeout: 15000 });
    await s.page.waitForTimeout(300);
    const found = await s.page.evaluate(() => {
      const root = document.querySelector("[data-eservqual]").shadowRoot;
      // The widget's own markup has forms, fieldsets, inputs and buttons; none of these.
      const tags = "img, script, svg, iframe, object, embed, video, audio, a, base, meta, link, template, details, marquee, math, select, [formaction], [onerror], [onload], [onfocus], [ontoggle], [onstart]";
      return {
        elements: [...root.querySelectorAll(tags)].map((e) => e.tagName),
        pageElements: document.querySelectorAll("img, iframe, object, embed, svg").length,
        text: root.textContent,
        pwned: window.__pwned,
      };
    });
    assert.deepEqual(found.elements, [], "no element created from a string");
    assert.equal(found.pageElements, 0);
    const shown = XSS.filter((x) => found.text.includes(x));
    assert.ok(shown.length >= 3, `shown literally: ${shown.length}`);
    assert.equal(found.pwned, undefined, "nothing ran");
    assert.deepEqual(s.problems, []);
    await s.context.close();
  });
}

test("hostile host CSS does not reach the widget, and the widget styles nothing of the host", async () => {
  const styleOf = (p) =>
    p.evaluate(() => {
      const root = document.querySelector("[data-eservqual]").shadowRoot;
      const b = root.querySelector("button");
      const cs = getComputedStyle(b);
      return { color: cs.color, font: cs.fontFamily, size: cs.fontSize, padding: cs.paddingTop };
    });
  const clean = await page(chrome);
  await clean.page.goto(`${server.url}/w/en.html`);
  await clean.page.locator("[data-eservqual]").waitFor({ state: "attached", timeout: 30000 });
  const hostBefore = await clean.page.evaluate(() => getComputedStyle(document.body).fontFamily);
  const want = await styleOf(clean.page);
  const hostile = await page(chrome);
  await hostile.page.goto(`${server.url}/w/hostile.html`);
  await hostile.page.locator("[data-eservqual]").waitFor({ state: "attached", timeout: 30000 });
  assert.deepEqual(await styleOf(hostile.page), want);
  const plain = await chrome.newPage();
  await plain.setContent("<body>x</body>");
  assert.equal(hostBefore, await plain.evaluate(() => getComputedStyle(document.body).fontFamily), "the host font is the browser's");
  await plain.close();
  assert.equal(await clean.page.evaluate(() => document.querySelectorAll("style").length), 0, "no style element in the page");
  await clean.context.close();
  await hostile.context.close();
});

test("destroy() leaves the page as it was, and init() works again", async () => {
  const s = await page(chrome);
  await s.page.goto(`${server.url}/w/destroy.html`);
  const bare = await s.page.evaluate(() => document.body.outerHTML);
  await s.page.locator("[data-eservqual]").waitFor({ state: "attached", timeout: 30000 });
  await s.page.evaluate(async () => {
    const survey = await window.eservqual.ready;
    survey.open();
    survey.destroy();
  });
  assert.equal(await s.page.evaluate(() => document.body.outerHTML), bare);
  await s.page.evaluate(() => window.eservqual.init({ mode: "popover" }));
  await s.page.locator("[data-eservqual]").waitFor({ state: "attached", timeout: 30000 });
  assert.equal(await s.page.locator("[data-eservqual]").count(), 1);
  assert.deepEqual(s.problems, []);
  await s.context.close();
});

// `eservqual/react` in a real React app: the React example (www/examples/react), which installed
// the packed tarball of pkg/ (scripts/build-vite-example.sh) and is built here by Vite with
// React's development build into the collector's temporary www/ (never into the tree), renders <Eservqual mode="inline"> in StrictMode in Chromium.
// The same app runs on React 19 (the example's own) and React 18 (a copy of it installed with
// React 18.3.1 in the collector's temporary folder), the oldest the peer range admits.
// StrictMode's mount, unmount and mount again make one widget, ever; a re-render with props of
// equal value keeps it; a new locale re-creates it; the questionnaire answered by keyboard is
// delivered to the collector; unmounting leaves no widget element on the page; mounting again
// asks no one who has just answered, and, the visitor's stored state cleared, makes one widget.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT, answerByKeyboard, browser, collector, page } from "./harness.mjs";

const APP = join(ROOT, "www/examples/react");
/** The builds under test: the path each is served at, and React's major version in it. */
const APPS = [
  { path: "react", react: 19 },
  { path: "react18", react: 18 },
];
const ZH = { next: "下一步", submit: "提交" };
let server;
let chrome;

before(async () => {
  assert.ok(existsSync(join(APP, "node_modules/eservqual/package.json")), "run scripts/build-vite-example.sh first");
  server = await collector();
  // React 18: a copy of the app (its sources, not its installed packages) with React 18.3.1 and
  // the same tarball, in the collector's temporary folder.
  const app18 = join(server.dir, "react18-app");
  cpSync(APP, app18, { recursive: true, filter: (src) => !/node_modules|dist|package-lock/.test(src.slice(APP.length)) });
  const manifest = JSON.parse(readFileSync(join(app18, "package.json"), "utf8"));
  manifest.dependencies = { ...manifest.dependencies, eservqual: `file:${join(ROOT, "target/npm/eservqual.tgz")}`, react: "18.3.1", "react-dom": "18.3.1" };
  writeFileSync(join(app18, "package.json"), JSON.stringify(manifest, null, 2));
  execFileSync("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error"], { cwd: app18, stdio: ["ignore", "inherit", "inherit"] });
  // Each built into the collector's temporary folder, removed with it.
  for (const [app, dir] of [[APPS[0], APP], [APPS[1], app18]]) {
    app.installed = JSON.parse(readFileSync(join(dir, "node_modules/react/package.json"), "utf8")).version;
    const out = join(server.dir, "www", app.path);
    execFileSync(join(dir, "node_modules/.bin/vite"), ["build", "--outDir", out, "--emptyOutDir", "--logLevel", "warn"], { cwd: dir, stdio: ["ignore", "inherit", "inherit"] });
  }
  chrome = await browser();
});

after(async () => {
  await chrome?.close();
  await server?.stop();
});

for (const app of APPS) {
  test(`React ${app.react}: the app is React's development build, where StrictMode mounts twice`, () => {
    // Production React does not double-mount; the test below would then prove nothing about it.
    const dist = join(server.dir, "www", app.path);
    const js = readdirSync(join(dist, "assets")).filter((f) => f.endsWith(".js"));
    assert.equal(js.length, 1, `${js}`);
    const code = readFileSync(join(dist, "assets", js[0]), "utf8");
    assert.equal(app.installed.split(".")[0], String(app.react), `React ${app.installed} installed`);
    // React writes its version into the bundle (quoted as the minifier chose).
    assert.ok(["\"", "'", "`"].some((q) => code.includes(`${q}${app.installed}${q}`)), `React ${app.installed} is the one bundled`);
    // Two of React's development-only messages (its production build has neither).
    for (const dev of ["Cannot update a component", "Each child in a list should have a unique"]) {
      assert.ok(code.includes(dev), `the bundle lacks React's development message "${dev}"`);
    }
  });

  test(`React ${app.react}: StrictMode makes one widget; it survives re-renders, follows the locale, delivers and unmounts clean`, async () => {
    const s = await page(chrome);
    // Every widget host ever added to the page, whether or not it is still there.
    await s.page.addInitScript(() => {
      window.__hosts = [];
      new MutationObserver((records) => {
        for (const r of records) for (const n of r.addedNodes) if (n.nodeType === 1 && n.matches("[data-eservqual]")) window.__hosts.push(n);
      }).observe(document, { childList: true, subtree: true });
    });
    const hosts = () => s.page.evaluate(() => ({ ever: window.__hosts.length, now: document.querySelectorAll("[data-eservqual]").length }));

    await s.page.goto(`${server.url}/${app.path}/`);
    await s.page.waitForFunction(() => document.documentElement.dataset.ready === "en", null, { timeout: 30000 });
    await s.page.locator("#survey > [data-eservqual]").waitFor({ state: "attached" });
    await s.page.getByRole("button", { name: "Next" }).waitFor();
    // A moment for a second widget, if StrictMode's first mount had made one.
    await s.page.waitForTimeout(300);
    assert.deepEqual(await hosts(), { ever: 1, now: 1 }, "StrictMode's double mount made one widget");
    const wasm = s.requests.filter((u) => u.endsWith(".wasm"));
    assert.equal(wasm.length, 1, `${s.requests}`);
    assert.match(wasm[0], new RegExp(`/${app.path}/assets/eservqual_wasm_bg-[\\w-]+\\.wasm$`), "the wasm is one of Vite's hashed assets");

    // A config that changed by value re-creates the widget, once.
    await s.page.getByLabel("Language").selectOption("zh-CN");
    await s.page.waitForFunction(() => document.documentElement.dataset.ready === "zh-CN", null, { timeout: 30000 });
    await s.page.getByRole("button", { name: ZH.next }).waitFor();
    await s.page.waitForTimeout(300);
    assert.deepEqual(await hosts(), { ever: 2, now: 1 }, "the new locale made one new widget and removed the old");
    assert.equal(await s.page.getByRole("button", { name: "Next" }).count(), 0);

    // Each answer re-renders the app, and the component with new objects of equal value.
    const before = (await server.responses()).length;
    const { groups } = await answerByKeyboard(s.page, ZH);
    await s.page.getByRole("status").filter({ hasText: "Thank you, your answers were sent." }).waitFor({ timeout: 30000 });
    const answered = Number((await s.page.locator("#answered").textContent()).match(/\d+/)[0]);
    assert.ok(answered >= groups && groups > 20, `onAnswer ran ${answered} times for ${groups} groups`);
    assert.deepEqual(await hosts(), { ever: 2, now: 1 }, "no re-render re-created the widget");
    const stored = await server.responses();
    assert.equal(stored.length, before + 1);
    const payload = stored.at(-1);
    assert.equal(payload.locale, "zh-CN");
    assert.deepEqual(payload.meta, { app: "react-example" });
    assert.equal(typeof payload.outcomes.nps, "number");
    assert.equal(payload.outcomes.comment, "The parcel came a day late.");

    // Unmounting destroys it: no widget element, no target.
    await s.page.getByRole("button", { name: "Hide the questionnaire" }).click();
    await s.page.getByRole("button", { name: "Show the questionnaire" }).waitFor();
    // The unmount's effect cleanup may run just after the commit that removed the target.
    await s.page.waitForFunction(() => !document.querySelector("[data-eservqual]"), null, { timeout: 5000 }).catch(() => {});
    assert.deepEqual(await hosts(), { ever: 2, now: 0 }, "no widget element is left");
    assert.equal(await s.page.locator("#survey").count(), 0);

    // Mounted again: a widget is made, but this visitor has just answered (recontactDays), so it
    // shows nothing and adds nothing to the page.
    const remount = async () => {
      await s.page.getByRole("button", { name: "Hide the questionnaire" }).click();
      await s.page.evaluate(() => delete document.documentElement.dataset.ready);
      await s.page.getByRole("button", { name: "Show the questionnaire" }).click();
      await s.page.waitForFunction(() => document.documentElement.dataset.ready === "zh-CN", null, { timeout: 30000 });
    };
    await s.page.getByRole("button", { name: "Show the questionnaire" }).click();
    await s.page.waitForFunction(() => document.documentElement.dataset.ready === "zh-CN", null, { timeout: 30000 });
    await s.page.waitForTimeout(300);
    assert.deepEqual(await hosts(), { ever: 2, now: 0 }, "a visitor who has just answered is not asked again");
    assert.equal(await s.page.locator("#survey").count(), 1, "the target is rendered");
    // With the visitor's stored state gone, mounting again asks again: one new widget.
    await s.page.evaluate(() => localStorage.clear());
    await remount();
    await s.page.getByRole("button", { name: ZH.next }).waitFor();
    assert.deepEqual(await hosts(), { ever: 3, now: 1 });
    assert.deepEqual(s.problems, []);
    await s.context.close();
  });
}

// The npm package in a real app: the Vite example (www/examples/vite), which installed the
// packed tarball of pkg/ and was built by Vite (scripts/build-vite-example.sh), runs in
// Chromium, finds its wasm among Vite's assets and renders the questionnaire inline.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { cpSync, existsSync } from "node:fs";
import { join } from "node:path";
import { ROOT, browser, collector, page } from "./harness.mjs";

const DIST = join(ROOT, "www/examples/vite/dist");
let server;
let chrome;

before(async () => {
  assert.ok(existsSync(join(DIST, "index.html")), "run scripts/build-vite-example.sh first");
  server = await collector();
  cpSync(DIST, join(server.dir, "www/vite"), { recursive: true });
  chrome = await browser();
});

after(async () => {
  await chrome?.close();
  await server?.stop();
});

test("the Vite app built from the tarball renders the questionnaire", async () => {
  const s = await page(chrome);
  await s.page.goto(`${server.url}/vite/`);
  await s.page.waitForFunction(() => document.documentElement.dataset.ready === "true", null, { timeout: 30000 });
  const wasm = s.requests.filter((u) => u.endsWith(".wasm"));
  assert.equal(wasm.length, 1, `${s.requests}`);
  assert.match(wasm[0], /\/vite\/assets\/eservqual_wasm_bg-[\w-]+\.wasm$/, "the wasm is one of Vite's hashed assets");
  const host = s.page.locator("#survey [data-eservqual]");
  await host.waitFor({ state: "attached" });
  assert.ok((await s.page.locator("#survey [data-eservqual] fieldset legend").count()) > 0, "items are rendered");
  assert.equal(await s.page.getByRole("button", { name: "Next" }).count(), 1);
  assert.deepEqual(s.problems, []);
  await s.context.close();
});
